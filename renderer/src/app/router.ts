/** Hash navigation for the page (the route table itself is in routes.ts, which has no DOM). */
import { useEffect, useState } from 'react';
import { parseHash, type Route } from './routes.js';

export { parseHash, routeHref, type Route } from './routes.js';

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  const target = href.startsWith('#') ? href : `#${href}`;
  if (options.replace) {
    history.replaceState(history.state, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else if (location.hash !== target) {
    location.hash = target;
  }
}

export function useHashRoute(): { route: Route; hash: string } {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return { route: parseHash(hash), hash };
}
