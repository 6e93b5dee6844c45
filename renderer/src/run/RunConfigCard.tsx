/** The run’s resolved configuration: one sentence, and the JSON to copy to the clipboard or save as a file. */
import { useState } from 'react';
import type { RunRow } from '../../../shared/api.js';
import { useLab } from '../app/context.js';
import { saveFile } from '../app/lab-actions.js';
import { Icon } from '../ui/Icon.js';
import { configSummary } from './identity.js';

export function RunConfigCard({ run }: { run: RunRow }) {
  const lab = useLab();
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const json = JSON.stringify(run.config, null, 2);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(json);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  const save = () => {
    saveFile(lab, { suggestedName: `run-${run.id}-config.json`, mimeType: 'application/json', data: `${json}\n` }).catch((err: Error) =>
      lab.toast(`Could not save the configuration: ${err.message}`, 'error'),
    );
  };
  return (
    <section className="card run-config-card" aria-labelledby="run-config-title">
      <div className="card-title-row">
        <h2 id="run-config-title" className="card-title">
          Configuration
        </h2>
        <div className="chart-controls">
          <button type="button" className="btn btn-small" onClick={() => void copy()}>
            <Icon name="copy" size={14} /> Copy JSON
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={save}>
            <Icon name="download" size={14} /> Save JSON
          </button>
        </div>
      </div>
      <p className="run-config-summary">{configSummary(run.config)}.</p>
      {copied && (
        <p className="muted small" role="status">
          {copied === 'copied' ? 'Copied to the clipboard.' : 'The clipboard refused: select the text below and copy it.'}
        </p>
      )}
      <pre className="code-block run-config-json" aria-label={`Configuration of run ${run.id} as JSON`}>
        {json}
      </pre>
    </section>
  );
}
