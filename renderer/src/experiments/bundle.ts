/** Bundles (.relulab) from the history: what an import did, in words (pure). */

/** "Imported 1 experiment, 18 runs; 0 skipped". */
export function importSummaryText(summary: { experiments: number; runs: number; skipped: number }): string {
  const n = (count: number, one: string) => `${count.toLocaleString('en-US')} ${count === 1 ? one : `${one}s`}`;
  return `Imported ${n(summary.experiments, 'experiment')}, ${n(summary.runs, 'run')}; ${summary.skipped.toLocaleString('en-US')} skipped`;
}
