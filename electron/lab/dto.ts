/**
 * The shapes the API carries (shared/api.ts), computed from the store: history rows, run rows and
 * epoch metrics (every field of the metric table) with their typed arrays turned into number lists
 * (JSON- and structured-clone-safe).
 */
import type { EpochMetricsDto, ExperimentRow, LayerMetricsDto, RunRow } from '../../shared/api.js';
import type { EpochMetrics, ExperimentSummary, LayerMetrics, RunSummary } from '../../shared/metrics.js';
import type { LabStore, LastEpochRow } from '../../db/store.js';
import { experimentProgress } from '../../shared/progress.js';
import { EPOCH_FIELDS, LAYER_FIELDS, readField, writeField, type MetricField } from '../../shared/metric-fields.js';

/** A field's value as the API carries it: per-unit and per-bin lists as plain number lists. */
function dtoValue(field: MetricField, value: unknown): unknown {
  return field.kind === 'real' || value === null ? value : Array.from(value as ArrayLike<number>);
}

/** The stored fields of `source` (every field of the metric table but the derived ones), as the API carries them. */
function fieldsToDto(fields: readonly MetricField[], source: object, dto: Record<string, unknown>): Record<string, unknown> {
  for (const field of fields) {
    if (field.kind !== 'derived') writeField(dto, field.key, dtoValue(field, readField(source, field.key)));
  }
  return dto;
}

export function layerToDto(layer: LayerMetrics): LayerMetricsDto {
  return fieldsToDto(LAYER_FIELDS, layer, { layer: layer.layer, units: layer.units }) as unknown as LayerMetricsDto;
}

export function epochToDto(metrics: EpochMetrics): EpochMetricsDto {
  const dto = fieldsToDto(EPOCH_FIELDS, metrics, { epoch: metrics.epoch });
  dto.layers = metrics.layers.map(layerToDto);
  return dto as unknown as EpochMetricsDto;
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
