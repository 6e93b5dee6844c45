import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { ApiError, type MenuAction, type Settings } from '../../../shared/api.js';
import { SIGN_IN_PROBLEMS, type ConnectionState, type RendererClient, type SignInProblem } from '../api/client.js';
import { Icon, type IconName } from '../ui/Icon.js';
import { EmptyState } from '../ui/EmptyState.js';
import { Spinner } from '../ui/Spinner.js';
import { AboutDialog } from '../settings/AboutDialog.js';
import { ComparePage } from '../compare/ComparePage.js';
import { DesignerPage } from '../designer/DesignerPage.js';
import { ExperimentPage } from '../experiments/ExperimentPage.js';
import { ExperimentsPage } from '../experiments/ExperimentsPage.js';
import { experimentCsvFile } from '../experiments/metrics-csv.js';
import { QueuePage } from '../queue/QueuePage.js';
import { SettingsPage } from '../settings/SettingsPage.js';
import { saveFile } from './lab-actions.js';
import { LabContext, useAsync, type Lab, type ToastKind } from './context.js';
import { LiveStore } from './live.js';
import { QueueCount } from './QueueCount.js';
import { SignInNeeded } from './SignInNeeded.js';
import { navigate, useHashRoute, type Route } from './router.js';
import { storedTheme, ThemeContext, useAppliedTheme } from './theme.js';

interface Toast {
  id: number;
  message: string;
  kind: ToastKind;
}

const NAV: { href: string; label: string; icon: IconName; match: (r: Route) => boolean }[] = [
  { href: '#/experiments', label: 'Experiments', icon: 'list', match: (r) => r.page === 'experiments' || r.page === 'experiment' },
  { href: '#/designer', label: 'Designer', icon: 'flask', match: (r) => r.page === 'designer' },
  { href: '#/compare', label: 'Compare', icon: 'compare', match: (r) => r.page === 'compare' },
  { href: '#/queue', label: 'Queue', icon: 'queue', match: (r) => r.page === 'queue' },
  { href: '#/settings', label: 'Settings', icon: 'settings', match: (r) => r.page === 'settings' },
];

export function App({ client }: { client: RendererClient }) {
  const live = useMemo(() => new LiveStore(client), [client]);
  useEffect(() => live.start(), [live]);

  const [toasts, setToasts] = useState<Toast[]>([]);
  const toastId = useRef(0);
  const toast = useCallback((message: string, kind: ToastKind = 'info') => {
    const id = ++toastId.current;
    setToasts((t) => [...t.slice(-3), { id, message, kind }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), kind === 'error' ? 9000 : 4500);
  }, []);
  const lab: Lab = useMemo(() => ({ client, live, toast }), [client, live, toast]);

  // Settings: fetched once, then kept current by settings-changed events.
  const fetched = useAsync(() => client.getSettings(), [client]);
  useEffect(() => {
    if (fetched.data) live.setSettings(fetched.data);
  }, [fetched.data, live]);
  const settings: Settings | null = useSyncExternalStore(live.subscribe, () => live.getSnapshot().settings);
  const theme = useAppliedTheme(settings?.theme ?? storedTheme());

  const connection = useSyncExternalStore(client.onConnectionChange, client.connectionState) as ConnectionState;
  const { route } = useHashRoute();
  const routeRef = useRef(route);
  routeRef.current = route;
  const [about, setAbout] = useState(false);

  // Native menu items (desktop app).
  useEffect(
    () =>
      live.onMenu((action: MenuAction) => {
        switch (action) {
          case 'new-experiment':
            navigate(`#/designer?new=${Date.now()}`);
            break;
          case 'import':
            navigate(`#/designer?import=${Date.now()}`);
            break;
          case 'settings':
            navigate('#/settings');
            break;
          case 'open-database':
            navigate('#/settings?focus=database');
            break;
          case 'about':
            setAbout(true);
            break;
          case 'export': {
            const r = routeRef.current;
            if (r.page !== 'experiment') {
              toast('Open an experiment first, then export its metrics.', 'info');
              break;
            }
            experimentCsvFile(client, r.id)
              .then((file) => saveFile({ client, toast }, file))
              .catch((err: Error) => toast(`Export failed: ${err.message}`, 'error'));
            break;
          }
        }
      }),
    [live, client, toast],
  );

  // Move focus to the page heading on navigation (screen readers announce the new page).
  const mainRef = useRef<HTMLElement>(null);
  const pageKey = route.page === 'experiment' ? `experiment-${route.id}` : route.page;
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const heading = mainRef.current?.querySelector<HTMLElement>('h1');
    if (heading && !mainRef.current?.contains(document.activeElement)) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
    window.scrollTo({ top: 0 });
  }, [pageKey]);

  useEffect(() => {
    const titles: Record<Route['page'], string> = {
      experiments: 'Experiments',
      experiment: 'Experiment',
      designer: 'Designer',
      compare: 'Compare',
      queue: 'Queue',
      settings: 'Settings',
      'not-found': 'Not found',
    };
    document.title = `${titles[route.page]} · ReLU Lab`;
  }, [route.page]);

  const unauthorized = fetched.error instanceof ApiError && fetched.error.code === 'unauthorized';
  const signInProblem = (SIGN_IN_PROBLEMS as readonly string[]).includes(connection) ? (connection as SignInProblem) : null;

  let page;
  if (signInProblem !== null) {
    page = <SignInNeeded problem={signInProblem} />;
  } else if (unauthorized) {
    page = (
      <EmptyState icon="alert" title="The lab refused this page">
        <p>{fetched.error?.message}</p>
      </EmptyState>
    );
  } else if (fetched.loading && !fetched.data) {
    page = <Spinner label="Connecting to the lab…" />;
  } else {
    switch (route.page) {
      case 'experiments':
        page = <ExperimentsPage />;
        break;
      case 'experiment':
        page = <ExperimentPage key={route.id} id={route.id} runId={route.runId} />;
        break;
      case 'designer':
        page = <DesignerPage params={route.params} workers={settings?.workers ?? 1} />;
        break;
      case 'compare':
        page = <ComparePage params={route.params} />;
        break;
      case 'queue':
        page = <QueuePage />;
        break;
      case 'settings':
        page = <SettingsPage onAbout={() => setAbout(true)} />;
        break;
      default:
        page = (
          <EmptyState icon="alert" title="No such page" action={<a className="btn btn-primary" href="#/experiments">Go to the experiments</a>}>
            <p>
              Nothing lives at <code>#{route.hash}</code>.
            </p>
          </EmptyState>
        );
    }
  }

  return (
    <LabContext.Provider value={lab}>
      <ThemeContext.Provider value={theme}>
        <div className="app">
          <button type="button" className="skip-link" onClick={() => mainRef.current?.querySelector<HTMLElement>('h1, input, button')?.focus()}>
            Skip to content
          </button>
          <nav className="sidebar" aria-label="Main">
            <div className="brand">
              <span className="brand-mark" aria-hidden="true">
                <svg viewBox="0 0 24 24" width="22" height="22">
                  <path d="M2 17h10l10-12" fill="none" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
              </span>
              <span className="brand-name">ReLU Lab</span>
            </div>
            <ul className="nav-list">
              {NAV.map((item) => {
                const current = item.match(route);
                return (
                  <li key={item.href}>
                    <a href={item.href} className={`nav-link${current ? ' current' : ''}`} aria-current={current ? 'page' : undefined}>
                      <Icon name={item.icon} size={18} />
                      <span>{item.label}</span>
                      {item.href === '#/queue' && <QueueCount />}
                    </a>
                  </li>
                );
              })}
            </ul>
            <div className="sidebar-foot">
              <span className={`conn conn-${connection}`} role="status">
                <span className="conn-dot" aria-hidden="true" />
                {connection === 'open'
                  ? client.transport === 'ipc'
                    ? 'Desktop app'
                    : 'Web mode · live'
                  : connection === 'connecting'
                    ? 'Connecting…'
                    : connection === 'reconnecting'
                      ? 'Reconnecting…'
                      : 'Not signed in'}
              </span>
              <button type="button" className="link-btn" onClick={() => setAbout(true)}>
                About ReLU Lab
              </button>
            </div>
          </nav>
          <main className="main" id="main" ref={mainRef}>
            {connection === 'reconnecting' && (
              <div className="banner banner-warn" role="status">
                <Icon name="alert" /> Lost the live connection to the lab. Reconnecting… (what you see may be out of date)
              </div>
            )}
            {page}
          </main>
          <div className="toasts" aria-live="polite" aria-atomic="false">
            {toasts.map((t) => (
              <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
                <Icon name={t.kind === 'error' ? 'alert' : t.kind === 'success' ? 'check' : 'info'} />
                <span>{t.message}</span>
                <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => setToasts((all) => all.filter((x) => x.id !== t.id))}>
                  <Icon name="x" size={14} />
                </button>
              </div>
            ))}
          </div>
          {about && <AboutDialog onClose={() => setAbout(false)} />}
        </div>
      </ThemeContext.Provider>
    </LabContext.Provider>
  );
}
