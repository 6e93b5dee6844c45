import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Icon, type IconName } from './Icon.js';

/**
 * A button that opens a small panel under it (export options, group-by choices). Escape or a click
 * outside closes it and focus returns to the button.
 */
export function Popover({
  label,
  icon,
  children,
  className,
  buttonClassName,
  align = 'right',
  title,
}: {
  label: ReactNode;
  icon?: IconName;
  children: (close: () => void) => ReactNode;
  className?: string;
  buttonClassName?: string;
  align?: 'left' | 'right';
  /** Accessible name of the button when `label` is not plain text. */
  title?: string;
}) {
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return (
    <div className={`popover-wrap${className ? ` ${className}` : ''}`} ref={wrap}>
      <button
        ref={button}
        type="button"
        className={buttonClassName ?? 'btn btn-small'}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-label={title}
        title={title}
        onClick={() => setOpen((o) => !o)}
      >
        {icon && <Icon name={icon} size={14} />}
        {label}
      </button>
      {open && (
        <div id={panelId} className={`popover popover-${align}`} role="group" aria-label={title ?? (typeof label === 'string' ? label : undefined)}>
          {children(close)}
        </div>
      )}
    </div>
  );
}
