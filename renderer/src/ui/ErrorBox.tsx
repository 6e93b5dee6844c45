/** An error, said as an alert, with an optional retry. */
import { Icon } from './Icon.js';

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
