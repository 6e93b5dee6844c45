/**
 * Hash routing (works from file:// in the desktop app and keeps the page on reload):
 *   #/experiments                     history
 *   #/experiments/12                  an experiment and its runs
 *   #/experiments/12/runs/34          … with run 34's live view
 *   #/designer                        the Designer (?from=12 edit a copy, ?preset=name, ?new=1, ?import=1)
 *   #/compare?exp=1&group=variant…    the Compare view (the comparison spec in the query, see compare/url.ts)
 *   #/queue                           queue and progress
 *   #/settings                        settings and about
 */

export type Route =
  | { page: 'experiments' }
  | { page: 'experiment'; id: number; runId: number | null }
  | { page: 'designer'; params: URLSearchParams }
  | { page: 'compare'; params: URLSearchParams }
  | { page: 'queue' }
  | { page: 'settings' }
  | { page: 'not-found'; hash: string };

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart, query = ''] = raw.split('?', 2);
  const parts = pathPart.split('/').filter(Boolean);
  if (parts.length === 0) return { page: 'experiments' };
  const positive = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) && Number(s) > 0 ? Number(s) : null);
  switch (parts[0]) {
    case 'experiments': {
      if (parts.length === 1) return { page: 'experiments' };
      const id = positive(parts[1]);
      if (id === null) break;
      if (parts.length === 2) return { page: 'experiment', id, runId: null };
      if (parts[2] === 'runs' && parts.length === 4) {
        const runId = positive(parts[3]);
        if (runId !== null) return { page: 'experiment', id, runId };
      }
      break;
    }
    case 'designer':
      if (parts.length === 1) return { page: 'designer', params: new URLSearchParams(query) };
      break;
    case 'compare':
      if (parts.length === 1) return { page: 'compare', params: new URLSearchParams(query) };
      break;
    case 'queue':
      if (parts.length === 1) return { page: 'queue' };
      break;
    case 'settings':
      if (parts.length === 1) return { page: 'settings' };
      break;
  }
  return { page: 'not-found', hash: raw };
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'experiments':
      return '#/experiments';
    case 'experiment':
      return route.runId === null ? `#/experiments/${route.id}` : `#/experiments/${route.id}/runs/${route.runId}`;
    case 'designer': {
      const q = route.params.toString();
      return q ? `#/designer?${q}` : '#/designer';
    }
    case 'compare': {
      const q = route.params.toString();
      return q ? `#/compare?${q}` : '#/compare';
    }
    case 'queue':
      return '#/queue';
    case 'settings':
      return '#/settings';
    case 'not-found':
      return `#${route.hash}`;
  }
}

