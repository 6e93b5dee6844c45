/**
 * The one dialog of the page, on the native <dialog> element: focus moves in and is trapped, Escape
 * closes, the page behind is inert. Mount it to open it. With an `action` it is a small form: Cancel
 * and the action's button (Enter in a field submits it); while the action runs nothing closes it, on
 * success it closes, on failure it stays open with the reason.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { ErrorBox } from './ErrorBox.js';
import { IconButton } from './IconButton.js';
import { useAction } from './useAction.js';

export interface DialogAction {
  label: string;
  /** The button's text while the action runs (default: `label`). */
  busyLabel?: string;
  danger?: boolean;
  disabled?: boolean;
  /** Focus Cancel first (for confirmations: Enter must not destroy anything by accident). */
  focusCancel?: boolean;
  /** Title of the error shown when `run` fails. */
  errorTitle: string;
  run(): Promise<unknown> | unknown;
}

/** The action of a confirmation: a danger button, Cancel focused first, "Working…" while it runs. */
export function confirmation(label: string, run: DialogAction['run']): DialogAction {
  return { label, busyLabel: 'Working…', danger: true, focusCancel: true, errorTitle: 'Could not do that', run };
}

export function Dialog({
  title,
  onClose,
  children,
  footer,
  action,
  wide,
  className,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Footer of a dialog without an action (e.g. a single Close button). */
  footer?: ReactNode;
  action?: DialogAction;
  wide?: boolean;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { busy, error, run } = useAction();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  // Escape, the backdrop and the × do nothing while the action runs.
  const closeRef = useRef(() => {});
  closeRef.current = () => {
    if (!busy) onCloseRef.current();
  };
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      previous?.focus?.();
    };
  }, []);
  const header = (
    <header className="dialog-header">
      <h2 id={titleId}>{title}</h2>
      <IconButton icon="x" label="Close" onClick={() => closeRef.current()} />
    </header>
  );
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''}${className ? ` ${className}` : ''}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        closeRef.current();
      }}
      onMouseDown={(e) => {
        if (e.target === ref.current) closeRef.current();
      }}
    >
      {action ? (
        <form
          className="dialog-inner"
          onSubmit={(e) => {
            e.preventDefault();
            if (!busy && !action.disabled) void run(() => action.run(), () => onCloseRef.current());
          }}
        >
          {header}
          <div className="dialog-body">
            {children}
            {error && <ErrorBox error={error} title={action.errorTitle} />}
          </div>
          <footer className="dialog-footer">
            <button type="button" className="btn" onClick={() => onCloseRef.current()} disabled={busy} autoFocus={action.focusCancel}>
              Cancel
            </button>
            <button type="submit" className={`btn ${action.danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy || action.disabled}>
              {busy ? (action.busyLabel ?? action.label) : action.label}
            </button>
          </footer>
        </form>
      ) : (
        <div className="dialog-inner">
          {header}
          <div className="dialog-body">{children}</div>
          {footer && <footer className="dialog-footer">{footer}</footer>}
        </div>
      )}
    </dialog>
  );
}
