/** About ReLU Lab: what it is for, and its versions. */
import { useAsync, useLab } from '../app/context.js';
import { Dialog } from '../ui/Dialog.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { Spinner } from '../ui/Spinner.js';
import { AboutContent } from './AboutContent.js';

export function AboutDialog({ onClose }: { onClose: () => void }) {
  const { client } = useLab();
  const info = useAsync(() => client.getAppInfo(), [client]);
  return (
    <Dialog
      title="About ReLU Lab"
      onClose={onClose}
      footer={
        <button type="button" className="btn btn-primary" onClick={onClose} autoFocus>
          Close
        </button>
      }
    >
      <p>
        An offline laboratory for the <strong>dying ReLU</strong> problem: design experiments, train them on this computer, and watch the share of units whose
        pre-activation is ≤ 0 on every input (they output zero, get no gradient and stop learning).
      </p>
      {info.data ? <AboutContent info={info.data} /> : info.error ? <ErrorBox error={info.error} onRetry={info.reload} /> : <Spinner />}
    </Dialog>
  );
}
