/**
 * What several pages (and the menu) ask of the lab the same way: save a file and say where it went,
 * cancel a run or an experiment and say why not when the lab refuses. Failures of a cancel are shown as
 * a toast; failures of a save are left to the caller (each says what could not be saved).
 */
import type { SaveFileRequest, SaveFileResult } from '../../../shared/api.js';
import { plural } from '../ui/format.js';
import type { Lab } from './context.js';

type LabActions = Pick<Lab, 'client' | 'toast'>;

/** Saves through the lab (the desktop app's save dialog, a download in web mode); a saved file is announced. */
export async function saveFile(lab: LabActions, request: SaveFileRequest): Promise<SaveFileResult> {
  const result = await lab.client.saveFile(request);
  if (result.saved) lab.toast(result.path ? `Saved ${result.path}` : `Downloading ${request.suggestedName}`, 'success');
  return result;
}

/** Cancels a run; `done` is announced once the lab accepted. */
export async function cancelRun(lab: LabActions, runId: number, done?: string): Promise<void> {
  try {
    await lab.client.cancelRun(runId);
    if (done) lab.toast(done, 'info');
  } catch (err) {
    lab.toast(`Could not cancel: ${(err as Error).message}`, 'error');
  }
}

/** Cancels an experiment's runs still queued or training; says how many (of `name`, when given). */
export async function cancelExperiment(lab: LabActions, experimentId: number, name?: string): Promise<boolean> {
  try {
    const n = await lab.client.cancelExperiment(experimentId);
    lab.toast(`Cancelling ${plural(n, 'run')}${name === undefined ? '' : ` of “${name}”`}`, 'info');
    return true;
  } catch (err) {
    lab.toast(`Could not cancel: ${(err as Error).message}`, 'error');
    return false;
  }
}
