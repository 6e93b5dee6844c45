/** A page or section with nothing to show yet: an icon, a title, what to do. */
import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon.js';

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
