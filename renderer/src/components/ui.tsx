/** Small building blocks shared by the pages. */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { RUN_STATUSES, type RunStatus } from '../../../shared/metrics.js';
import { formatDuration } from '../lib/format.js';
import { Icon, type IconName } from './Icon.js';

// ---------- Status ----------

const STATUS_GLYPH: Record<RunStatus, string> = {
  queued: '◷',
  running: '▶',
  completed: '✓',
  diverged: '↯',
  failed: '✕',
  cancelled: '⊘',
  interrupted: '‖',
};

export const STATUS_HELP: Record<RunStatus, string> = {
  queued: 'waiting for a worker',
  running: 'training now',
  completed: 'trained every epoch',
  diverged: 'the loss became NaN or infinite (a result, not an error)',
  failed: 'stopped by an error',
  cancelled: 'cancelled by you',
  interrupted: 'the lab stopped while it was training',
};

export function StatusBadge({ status, count }: { status: RunStatus; count?: number }) {
  return (
    <span className={`badge status-${status}`} title={STATUS_HELP[status]}>
      <span className="badge-glyph" aria-hidden="true">
        {STATUS_GLYPH[status]}
      </span>
      {count !== undefined ? (
        <>
          <span className="badge-count">{count}</span> {status}
        </>
      ) : (
        status
      )}
    </span>
  );
}

export function StatusCounts({ counts }: { counts: Partial<Record<RunStatus, number>> }) {
  const present = RUN_STATUSES.filter((s) => (counts[s] ?? 0) > 0);
  if (present.length === 0) return <span className="muted">no runs</span>;
  return (
    <span className="badge-row">
      {present.map((s) => (
        <StatusBadge key={s} status={s} count={counts[s]} />
      ))}
    </span>
  );
}

// ---------- Progress ----------

export function ProgressBar({
  value,
  label,
  detail,
  status,
  compact,
}: {
  /** 0..1, or null for indeterminate. */
  value: number | null;
  /** Accessible name. */
  label: string;
  detail?: ReactNode;
  status?: RunStatus;
  compact?: boolean;
}) {
  const pct = value === null ? null : Math.max(0, Math.min(1, value)) * 100;
  return (
    <div className={`progress${compact ? ' progress-compact' : ''}`}>
      <div
        className={`progress-track${status ? ` progress-${status}` : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct === null ? undefined : Math.round(pct * 10) / 10}
        aria-valuetext={pct === null ? undefined : `${pct < 10 && pct > 0 ? pct.toFixed(1) : Math.round(pct)}%`}
      >
        <div className={`progress-fill${pct === null ? ' indeterminate' : ''}`} style={{ width: pct === null ? '30%' : `${pct}%` }} />
      </div>
      {detail !== undefined && <div className="progress-detail">{detail}</div>}
    </div>
  );
}

export function Eta({ seconds }: { seconds: number | null | undefined }) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return null;
  return <span className="muted">ETA {formatDuration(seconds)}</span>;
}

// ---------- States ----------

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="spinner-wrap" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function EmptyState({ icon = 'flask', title, children, action }: { icon?: IconName; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state">
      <div className="empty-icon">
        <Icon name={icon} size={32} />
      </div>
      <h2>{title}</h2>
      {children && <div className="empty-text">{children}</div>}
      {action && <div className="empty-action">{action}</div>}
    </div>
  );
}

export function ErrorBox({ error, onRetry, title = 'Something went wrong' }: { error: Error | string; onRetry?: () => void; title?: string }) {
  const message = typeof error === 'string' ? error : error.message;
  return (
    <div className="error-box" role="alert">
      <Icon name="alert" size={18} />
      <div>
        <strong>{title}</strong>
        <div className="error-message">{message}</div>
        {onRetry && (
          <button type="button" className="btn btn-small" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    </div>
  );
}

// ---------- Buttons ----------

export function IconButton({
  icon,
  label,
  onClick,
  disabled,
  danger,
  className,
}: {
  icon: IconName;
  label: string;
  onClick: () => void;
  disabled?: boolean;
  danger?: boolean;
  className?: string;
}) {
  return (
    <button
      type="button"
      className={`icon-btn${danger ? ' danger' : ''}${className ? ` ${className}` : ''}`}
      aria-label={label}
      title={label}
      onClick={onClick}
      disabled={disabled}
    >
      <Icon name={icon} />
    </button>
  );
}

// ---------- Dialog ----------

/**
 * A modal dialog on the native <dialog> element: focus moves in and is trapped, Escape closes,
 * the page behind is inert. Mount it to open it.
 */
export function Dialog({
  title,
  onClose,
  children,
  footer,
  wide,
  className,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
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
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''}${className ? ` ${className}` : ''}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCloseRef.current();
      }}
      onMouseDown={(e) => {
        if (e.target === ref.current) onCloseRef.current();
      }}
    >
      <div className="dialog-inner">
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <IconButton icon="x" label="Close" onClick={() => onCloseRef.current()} />
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer className="dialog-footer">{footer}</footer>}
      </div>
    </dialog>
  );
}

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      title={title}
      onClose={() => !busy && onClose()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose} disabled={busy} autoFocus>
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`}
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await onConfirm();
                onClose();
              } catch (err) {
                setError((err as Error).message);
                setBusy(false);
              }
            }}
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {children}
      {error && <ErrorBox error={error} title="Could not do that" />}
    </Dialog>
  );
}

// ---------- Tags ----------

export function TagList({ tags, onFilter }: { tags: readonly string[]; onFilter?: (tag: string) => void }) {
  if (tags.length === 0) return null;
  return (
    <span className="tag-list">
      {tags.map((t) =>
        onFilter ? (
          <button key={t} type="button" className="tag tag-button" onClick={() => onFilter(t)} title={`Show only experiments tagged “${t}”`}>
            {t}
          </button>
        ) : (
          <span key={t} className="tag">
            {t}
          </span>
        ),
      )}
    </span>
  );
}

/** Chips with remove buttons, and a field that adds a tag on Enter (or comma). */
export function TagEditor({ tags, onChange, suggestions = [], label = 'Add a tag' }: { tags: string[]; onChange: (tags: string[]) => void; suggestions?: string[]; label?: string }) {
  const [text, setText] = useState('');
  const listId = useId();
  const add = (raw: string) => {
    const parts = raw
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0 && t.length <= 50);
    const next = [...tags];
    for (const p of parts) if (!next.includes(p)) next.push(p);
    if (next.length !== tags.length) onChange(next);
    setText('');
  };
  return (
    <div className="tag-editor">
      <div className="tag-list">
        {tags.length === 0 && <span className="muted">No tags yet.</span>}
        {tags.map((t) => (
          <span key={t} className="tag tag-removable">
            {t}
            <button type="button" className="tag-remove" aria-label={`Remove tag ${t}`} title={`Remove tag ${t}`} onClick={() => onChange(tags.filter((x) => x !== t))}>
              <Icon name="x" size={12} />
            </button>
          </span>
        ))}
      </div>
      <div className="tag-add">
        <input
          type="text"
          className="input"
          value={text}
          aria-label={label}
          placeholder="New tag, then Enter"
          list={listId}
          maxLength={50}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ',') {
              e.preventDefault();
              if (text.trim()) add(text);
            }
          }}
        />
        <datalist id={listId}>
          {suggestions
            .filter((s) => !tags.includes(s))
            .map((s) => (
              <option key={s} value={s} />
            ))}
        </datalist>
        <button type="button" className="btn" onClick={() => add(text)} disabled={!text.trim()}>
          Add
        </button>
      </div>
    </div>
  );
}

// ---------- Inline edit ----------

/** Text that turns into a field: Enter saves, Escape cancels. */
export function InlineEdit({
  value,
  label,
  onSave,
  onDone,
  maxLength = 200,
}: {
  value: string;
  label: string;
  onSave: (value: string) => Promise<void>;
  onDone: () => void;
  maxLength?: number;
}) {
  const [text, setText] = useState(value);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const save = async () => {
    const trimmed = text.trim();
    if (!trimmed) {
      setError('The name must not be empty');
      return;
    }
    if (trimmed === value) {
      onDone();
      return;
    }
    setBusy(true);
    try {
      await onSave(trimmed);
      onDone();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <span className="inline-edit">
      <input
        ref={ref}
        className={`input${error ? ' invalid' : ''}`}
        value={text}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        maxLength={maxLength}
        disabled={busy}
        onChange={(e) => {
          setText(e.target.value);
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void save();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onDone();
          }
        }}
      />
      <button type="button" className="btn btn-small btn-primary" onClick={() => void save()} disabled={busy}>
        Save
      </button>
      <button type="button" className="btn btn-small" onClick={onDone} disabled={busy}>
        Cancel
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

export function runEta(fraction: number | undefined, eta: number | null | undefined): ReactNode {
  if (fraction === undefined) return null;
  return <Eta seconds={eta} />;
}

// ---------- Popover menu ----------

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
