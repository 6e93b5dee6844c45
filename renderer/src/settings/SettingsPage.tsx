/** Settings (database file, default backend, workers, theme) and the About box. */
import { useEffect, useId, useRef, useState } from 'react';
import { MAX_WORKERS, THEMES, type Settings, type Theme } from '../../../shared/api.js';
import { BACKENDS } from '../../../shared/config.js';
import { useAsync, useLab, useLive } from '../app/context.js';
import { Icon } from '../ui/Icon.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { Spinner } from '../ui/Spinner.js';
import { AboutContent } from './AboutContent.js';

const BACKEND_HELP: Record<string, string> = {
  auto: 'tfjs-node when installed, else WebAssembly, else plain JavaScript',
  tensorflow: 'native TensorFlow (tfjs-node): fastest, must be installed',
  wasm: 'WebAssembly: portable and reasonably fast',
  cpu: 'plain JavaScript: slowest, always available',
};

export function SettingsPage({ onAbout }: { onAbout: () => void }) {
  const { client, live, toast } = useLab();
  const pushed = useLive((s) => s.settings);
  const fetched = useAsync(() => client.getSettings(), [client]);
  const settings = pushed ?? fetched.data;
  const info = useAsync(() => client.getAppInfo(), [client, settings?.databaseFile]);
  const [dbFile, setDbFile] = useState('');
  const [dbError, setDbError] = useState<string | null>(null);
  const [dbBusy, setDbBusy] = useState(false);
  const [workersText, setWorkersText] = useState('');
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);
  const dbRef = useRef<HTMLInputElement>(null);
  const id = useId();

  useEffect(() => {
    if (settings) {
      setDbFile(settings.databaseFile);
      setWorkersText(String(settings.workers));
    }
  }, [settings]);

  // Menu "Open database…" lands here with ?focus=database: focus the field once it exists.
  const loaded = settings !== undefined;
  useEffect(() => {
    if (loaded && location.hash.includes('focus=database')) dbRef.current?.focus();
  }, [loaded]);

  if (!settings) {
    return (
      <div className="page">
        <h1>Settings</h1>
        {fetched.error ? <ErrorBox error={fetched.error} onRetry={fetched.reload} title="Could not load the settings" /> : <Spinner label="Loading settings…" />}
      </div>
    );
  }

  const apply = async (patch: Partial<Settings>, field: string) => {
    setFieldError(null);
    try {
      const next = await client.updateSettings(patch);
      live.setSettings(next);
      return next;
    } catch (err) {
      setFieldError({ field, message: (err as Error).message });
      return null;
    }
  };

  const applyDb = async () => {
    setDbBusy(true);
    setDbError(null);
    try {
      const next = await client.updateSettings({ databaseFile: dbFile.trim() });
      live.setSettings(next);
      toast(`Now using ${next.databaseFile}`, 'success');
      info.reload();
    } catch (err) {
      setDbError((err as Error).message);
    } finally {
      setDbBusy(false);
    }
  };

  const workersInvalid = !/^\d+$/.test(workersText.trim()) || Number(workersText) < 1 || Number(workersText) > MAX_WORKERS;

  return (
    <div className="page settings">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="page-sub">Stored by the lab; they apply to the desktop app, web mode and the next runs.</p>
        </div>
      </header>

      <section className="card settings-section" aria-labelledby={`${id}-db`}>
        <h2 id={`${id}-db`}>
          <Icon name="database" /> Database file
        </h2>
        <p className="muted">
          The SQLite file holding every experiment, run and measurement. Switching opens (or creates) another file; it is refused while runs are training.
        </p>
        <form
          className="field-row"
          onSubmit={(e) => {
            e.preventDefault();
            if (!dbBusy && dbFile.trim() && dbFile.trim() !== settings.databaseFile) void applyDb();
          }}
        >
          <label className="sr-only" htmlFor={`${id}-dbfile`}>
            Database file
          </label>
          <input
            ref={dbRef}
            id={`${id}-dbfile`}
            className={`input input-path${dbError ? ' invalid' : ''}`}
            value={dbFile}
            spellCheck={false}
            aria-invalid={dbError ? true : undefined}
            aria-describedby={dbError ? `${id}-dberr` : undefined}
            onChange={(e) => {
              setDbFile(e.target.value);
              setDbError(null);
            }}
          />
          <button type="submit" className="btn btn-primary" disabled={dbBusy || !dbFile.trim() || dbFile.trim() === settings.databaseFile}>
            {dbBusy ? 'Opening…' : 'Apply'}
          </button>
          {dbFile !== settings.databaseFile && (
            <button type="button" className="btn btn-ghost" onClick={() => setDbFile(settings.databaseFile)}>
              Revert
            </button>
          )}
        </form>
        {dbError && (
          <div id={`${id}-dberr`} className="field-error" role="alert">
            <Icon name="alert" size={12} /> {dbError}
          </div>
        )}
      </section>

      <section className="card settings-section" aria-labelledby={`${id}-train`}>
        <h2 id={`${id}-train`}>Training</h2>
        <div className="settings-grid">
          <div className="field">
            <label className="field-label" htmlFor={`${id}-backend`}>
              Default backend
            </label>
            <select id={`${id}-backend`} className="input" value={settings.defaultBackend} onChange={(e) => void apply({ defaultBackend: e.target.value as Settings['defaultBackend'] }, 'backend')}>
              {BACKENDS.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
            <div className="field-help">{BACKEND_HELP[settings.defaultBackend]}.</div>
            {fieldError?.field === 'backend' && <div className="field-error">{fieldError.message}</div>}
          </div>
          <div className="field">
            <label className="field-label" htmlFor={`${id}-workers`}>
              Workers <span className="unit">runs at once</span>
            </label>
            <div className="field-row">
              <input
                id={`${id}-workers`}
                className={`input input-short${workersInvalid ? ' invalid' : ''}`}
                inputMode="numeric"
                value={workersText}
                aria-invalid={workersInvalid || undefined}
                onChange={(e) => setWorkersText(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && !workersInvalid) void apply({ workers: Number(workersText) }, 'workers');
                }}
              />
              <button type="button" className="btn" disabled={workersInvalid || Number(workersText) === settings.workers} onClick={() => void apply({ workers: Number(workersText) }, 'workers')}>
                Apply
              </button>
            </div>
            <div className="field-help">{workersInvalid ? <span className="field-error">A whole number from 1 to {MAX_WORKERS}.</span> : 'Training runs in parallel; each worker uses about one core.'}</div>
            {fieldError?.field === 'workers' && <div className="field-error">{fieldError.message}</div>}
          </div>
        </div>
      </section>

      <section className="card settings-section" aria-labelledby={`${id}-look`}>
        <h2 id={`${id}-look`}>Appearance</h2>
        <div className="segmented theme-choice" role="radiogroup" aria-labelledby={`${id}-look`}>
          {THEMES.map((t: Theme) => (
            <button
              key={t}
              type="button"
              role="radio"
              aria-checked={settings.theme === t}
              className={settings.theme === t ? 'active' : ''}
              onClick={() => void apply({ theme: t }, 'theme')}
            >
              {t === 'light' ? 'Light' : t === 'dark' ? 'Dark' : 'System'}
            </button>
          ))}
        </div>
        {fieldError?.field === 'theme' && <div className="field-error">{fieldError.message}</div>}
      </section>

      <section className="card settings-section" aria-labelledby={`${id}-about`}>
        <h2 id={`${id}-about`}>About</h2>
        {info.data ? <AboutContent info={info.data} /> : info.error ? <ErrorBox error={info.error} onRetry={info.reload} /> : <Spinner />}
        <button type="button" className="btn btn-small" onClick={onAbout}>
          Open the About box
        </button>
      </section>
    </div>
  );
}
