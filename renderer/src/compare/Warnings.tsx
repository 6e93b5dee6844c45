/** Parts of a compare address that could not be read (the rest still applies). */
import { Icon } from '../ui/Icon.js';

export function Warnings({ warnings }: { warnings: string[] }) {
  return (
    <div className="banner banner-warn" role="status">
      <Icon name="alert" />
      <span>
        Parts of this address could not be read: {warnings.join('; ')}.
      </span>
    </div>
  );
}
