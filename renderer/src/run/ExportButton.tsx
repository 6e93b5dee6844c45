/** Saves a chart's data or figure (the desktop app's save dialog, a download in web mode); a failure is a toast naming the chart. */
import { useLab } from '../app/context.js';
import { saveFile } from '../app/lab-actions.js';
import { Icon } from '../ui/Icon.js';

const FORMATS = {
  csv: { label: 'CSV', mimeType: 'text/csv', what: 'data', help: 'The chart’s data, every epoch, as CSV' },
  svg: { label: 'SVG', mimeType: 'image/svg+xml', what: 'figure', help: 'The chart as a vector figure (single column)' },
} as const;

export function ExportButton({ format, fileName, what, contents }: { format: keyof typeof FORMATS; fileName: string; /** The chart, for the button's name and the error. */ what: string; contents: () => string }) {
  const lab = useLab();
  const f = FORMATS[format];
  const save = async () => {
    try {
      await saveFile(lab, { suggestedName: fileName, mimeType: f.mimeType, data: contents() });
    } catch (err) {
      lab.toast(`Could not save the ${f.what} of “${what}”: ${(err as Error).message}`, 'error');
    }
  };
  return (
    <button type="button" className="btn btn-small btn-ghost export-btn" aria-label={`Download the ${f.what} of ${what} as ${f.label}`} title={f.help} onClick={() => void save()}>
      <Icon name="download" size={14} /> {f.label}
    </button>
  );
}
