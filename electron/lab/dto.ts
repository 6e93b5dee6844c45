/**
 * The shapes the API carries (shared/api.ts), computed from the store: history rows, run rows and
 * epoch metrics with their typed arrays turned into number lists (JSON- and structured-clone-safe).
 */
import type { EpochMetricsDto, ExperimentRow, LayerMetricsDto, RunRow } from '../../shared/api.js';
import type { EpochMetrics, ExperimentSummary, LayerMetrics, RunSummary } from '../../shared/metrics.js';
import type { LabStore, LastEpochRow } from '../../db/store.js';
import { experimentProgress } from '../../shared/progress.js';

export function layerToDto(layer: LayerMetrics): LayerMetricsDto {
  return {
    layer: layer.layer,
    units: layer.units,
    deadFraction: layer.deadFraction,
    activeProbability: layer.activeProbability,
    dormantFraction: layer.dormantFraction,
    gradNorm: layer.gradNorm,
    preActMean: layer.preActMean,
    preActStd: layer.preActStd,
    histogram: { lo: layer.histogram.lo, hi: layer.histogram.hi, counts: Array.from(layer.histogram.counts) },
    deadMask: Array.from(layer.deadMask),
    preluAlphas: layer.preluAlphas ? Array.from(layer.preluAlphas) : null,
  };
}

export function epochToDto(metrics: EpochMetrics): EpochMetricsDto {
  return {
    epoch: metrics.epoch,
    trainLoss: metrics.trainLoss,
    trainAccuracy: metrics.trainAccuracy,
    valLoss: metrics.valLoss,
    valAccuracy: metrics.valAccuracy,
    seconds: metrics.seconds,
    elapsedSeconds: metrics.elapsedSeconds,
    probeMs: metrics.probeMs,
    layers: metrics.layers.map(layerToDto),
  };
}

export function runToRow(run: RunSummary, experimentName: string, last: LastEpochRow | undefined): RunRow {
  return {
    ...run,
    experimentName,
    lastEpoch: last ? last.epoch : null,
    lastTrainLoss: last ? last.trainLoss : null,
    lastValAccuracy: last ? last.valAccuracy : null,
    lastDeadFractions: last ? [...last.deadFractions] : [],
  };
}

function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

/** The dataset kind of an experiment: from its runs, else from the config as given. */
function datasetKind(experiment: ExperimentSummary, runs: RunSummary[]): string {
  if (runs.length > 0) return runs[0].config.dataset.kind;
  const config = experiment.config as { dataset?: { kind?: unknown } } | null;
  return typeof config?.dataset?.kind === 'string' ? config.dataset.kind : 'unknown';
}

export function experimentToRow(experiment: ExperimentSummary, runs: RunSummary[], last: Map<number, LastEpochRow>): ExperimentRow {
  const finalDead: number[] = [];
  for (const run of runs) {
    const fractions = last.get(run.id)?.deadFractions.filter((f) => Number.isFinite(f)) ?? [];
    const m = mean(fractions);
    if (m !== null) finalDead.push(m);
  }
  return {
    ...experiment,
    activations: distinct(runs.map((r) => r.config.model.activation)),
    inits: distinct(runs.map((r) => r.config.model.init)),
    learningRates: distinct(runs.map((r) => r.config.training.learningRate)).sort((a, b) => a - b),
    batchNorm: distinct(runs.map((r) => r.config.model.batchNorm)),
    datasetKind: datasetKind(experiment, runs),
    finalMeanDeadFraction: mean(finalDead),
    epochsDone: runs.reduce((s, r) => s + r.epochsDone, 0),
    epochsTotal: runs.reduce((s, r) => s + r.epochsTotal, 0),
    progress: experimentProgress(runs),
  };
}

/** Every experiment's history row, newest first. */
export function experimentRows(store: LabStore): ExperimentRow[] {
  const experiments = store.listExperiments();
  const runsByExperiment = new Map<number, RunSummary[]>();
  for (const run of store.listRuns()) {
    let list = runsByExperiment.get(run.experimentId);
    if (!list) runsByExperiment.set(run.experimentId, (list = []));
    list.push(run);
  }
  const last = store.getLastEpochs();
  return experiments.map((e) => experimentToRow(e, runsByExperiment.get(e.id) ?? [], last));
}

export function experimentRow(store: LabStore, experiment: ExperimentSummary, runs = store.listRuns({ experimentId: experiment.id })): ExperimentRow {
  return experimentToRow(experiment, runs, store.getLastEpochs(runs.map((r) => r.id)));
}

/** Run rows for these runs, with their experiments' names. */
export function runRows(store: LabStore, runs: RunSummary[]): RunRow[] {
  const last = store.getLastEpochs(runs.map((r) => r.id));
  const names = new Map<number, string>();
  for (const run of runs) {
    if (!names.has(run.experimentId)) names.set(run.experimentId, store.getExperiment(run.experimentId)?.name ?? '');
  }
  return runs.map((run) => runToRow(run, names.get(run.experimentId) ?? '', last.get(run.id)));
}
