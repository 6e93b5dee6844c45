/** "CSV": saves a chart's data (the desktop app's save dialog, a download in web mode); a failure is a toast naming the chart. */
import { useLab } from '../app/context.js';
import { saveFile } from '../app/lab-actions.js';
import { Icon } from '../ui/Icon.js';

export function CsvButton({ fileName, what, csv }: { fileName: string; /** The chart, for the button's name and the error. */ what: string; csv: () => string }) {
  const lab = useLab();
  const save = () => {
    saveFile(lab, { suggestedName: fileName, mimeType: 'text/csv', data: csv() }).catch((err: Error) => lab.toast(`Could not save the data of “${what}”: ${err.message}`, 'error'));
  };
  return (
    <button type="button" className="btn btn-small btn-ghost csv-btn" aria-label={`Download the data of ${what} as CSV`} title="The chart’s data, every epoch, as CSV" onClick={save}>
      <Icon name="download" size={14} /> CSV
    </button>
  );
}
