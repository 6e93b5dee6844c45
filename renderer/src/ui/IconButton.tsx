/** A button that shows only an icon; its label is its accessible name and tooltip. */
import { Icon, type IconName } from './Icon.js';

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
