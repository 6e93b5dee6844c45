/**
 * The compare view's data, computed next to the database (`getComparisonView`). The runs of a
 * selection are loaded once as series (the store's covering-index queries, without dead masks and
 * histograms) and kept; a later call reloads only the runs whose status or measured epochs changed
 * (a run training, a run finishing), so a live view costs one run's rows per update. Revival reads
 * each run's dead masks once per epoch it is counted up to, the histograms chart one run's full
 * metrics; both are kept with the run. Views are kept per spec until a run changes, so switching a
 * layer or a band back and forth is a lookup. One selection is kept (the page shows one comparison).
 * Loading and revival go in chunks of runs with the event loop free between them.
 */
import type { LabStore } from '../../db/store.js';
import type { EpochMetricsDto } from '../../shared/api.js';
import { declaredPositionsOf, packedRevivalByLayer, type RevivalStats } from '../../shared/analysis/index.js';
import { buildComparison, chartData, CHART_SPEC_FIELDS, groupEpoch, MODEL_SPEC_FIELDS, specFieldsKey, type ChartData, type ComparisonModel, type ComparisonSources, type SeriesEpoch, type SeriesRun } from '../../shared/charts.js';
import type { ComparisonSpec } from '../../shared/compare.js';
import { comparisonView, summaryTable, SUMMARY_SPEC_FIELDS, type ComparisonView, type SummaryTable } from '../../shared/comparison-view.js';
import type { RunSummary } from '../../shared/metrics.js';
import { epochToDto } from './dto.js';

/** Views, models and chart data kept per selection (specs differing by layer, band, grouping …), each up to this many. */
const MAX_KEPT = 48;

/** A map that forgets its least recently used entry beyond MAX_KEPT. */
class Kept<V> {
  private readonly entries = new Map<string, V>();

  get(key: string, make: () => V): V {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = make();
      if (this.entries.size >= MAX_KEPT) this.entries.delete(this.entries.keys().next().value!);
    } else {
      this.entries.delete(key);
    }
    this.entries.set(key, value);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

interface KeptRun {
  /** Status and measured epochs when loaded: a change reloads the run. */
  stamp: string;
  run: SeriesRun;
  /** Revival per layer, by the epoch it is counted up to. */
  revival: Map<number, RevivalStats[]>;
  histograms: EpochMetricsDto[] | null;
}

interface Selection {
  key: string;
  store: LabStore;
  runs: Map<number, KeptRun>;
  views: Kept<ComparisonView>;
  models: Kept<ComparisonModel>;
  /** Chart data and summary tables, by what they read: the model's fields and their own. */
  parts: Kept<ChartData | SummaryTable>;
}

function runStamp(run: RunSummary): string {
  return `${run.status}:${run.epochsDone}`;
}

/** The series of these runs, grouped by run: epochs in order, each with its layers in order. */
function loadSeries(store: LabStore, runIds: number[]): Map<number, SeriesEpoch[]> {
  const out = new Map<number, SeriesEpoch[]>(runIds.map((id) => [id, []]));
  const byRunEpoch = new Map<string, SeriesEpoch>();
  // The rows are used as they come (their run id and epoch stay on them): no copy of 160,000 layer rows per 200 runs.
  for (const row of store.getEpochSeries(runIds)) {
    const e: SeriesEpoch = Object.assign(row, { layers: [] });
    out.get(row.runId)?.push(e);
    byRunEpoch.set(`${row.runId}:${row.epoch}`, e);
  }
  for (const row of store.getLayerSeries(runIds)) byRunEpoch.get(`${row.runId}:${row.epoch}`)?.layers.push(row);
  return out;
}

/** Runs loaded (or measured for revival) between two turns of the event loop, so a big comparison never freezes the lab. */
const CHUNK_RUNS = 50;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ComparisonViews {
  private selection: Selection | null = null;
  /** Calls run one after the other: a second request waits for the runs the first is loading. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * What the compare view shows for `spec` on `store`. A spec seen before is a lookup; a new one
   * recomputes only the charts that read a field it changed (a layer switch leaves the loss, the
   * heatmap and the revival bars as they were). Runs are loaded and revival is counted in chunks,
   * yielding to the event loop between them, so other requests and the training go on meanwhile.
   */
  view(store: LabStore, spec: ComparisonSpec): Promise<ComparisonView> {
    const next = this.queue.then(() => this.compute(store, spec));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Forgets everything (the database was switched or closed). */
  clear(): void {
    this.selection = null;
  }

  private async compute(store: LabStore, spec: ComparisonSpec): Promise<ComparisonView> {
    const selection = await this.refresh(store, spec);
    const key = JSON.stringify(spec);
    const runs = [...selection.runs.values()].map((k) => k.run);
    const modelKey = specFieldsKey(spec, MODEL_SPEC_FIELDS);
    const sources = this.sources(selection);
    const model = selection.models.get(modelKey, () => buildComparison(runs, spec, sources));
    // Revival reads every counted run's dead masks: counted ahead, in chunks, so the view below only looks it up.
    const needed = model.visible.flatMap((g) => {
      const epoch = groupEpoch(g, spec);
      return epoch === null ? [] : g.runs.filter((r) => r.epochs.some((e) => e.epoch === epoch)).map((r) => [r, epoch] as const);
    });
    for (let i = 0; i < needed.length; i += CHUNK_RUNS) {
      for (const [run, epoch] of needed.slice(i, i + CHUNK_RUNS)) sources.revival(run, epoch);
      if (i + CHUNK_RUNS < needed.length) await nextTurn();
    }
    return selection.views.get(key, () =>
      comparisonView(runs, model, spec, {
        chart: (kind) => selection.parts.get(`${kind}|${modelKey}|${specFieldsKey(spec, CHART_SPEC_FIELDS[kind])}`, () => chartData(model, kind, spec)) as ChartData,
        summary: () => selection.parts.get(`summary|${modelKey}|${specFieldsKey(spec, SUMMARY_SPEC_FIELDS)}`, () => summaryTable(model, spec)) as SummaryTable,
      }),
    );
  }

  /** The selection's runs, up to date: new and changed runs (re)loaded, deleted ones dropped. */
  private async refresh(store: LabStore, spec: ComparisonSpec): Promise<Selection> {
    const key = `${spec.experimentIds.join(',')}|${spec.runIds.join(',')}`;
    if (this.selection === null || this.selection.key !== key || this.selection.store !== store) {
      this.selection = { key, store, runs: new Map(), views: new Kept(), models: new Kept(), parts: new Kept() };
    }
    const selection = this.selection;
    const ids = new Set(spec.runIds);
    for (const experimentId of spec.experimentIds) for (const run of store.listRuns({ experimentId })) ids.add(run.id);
    const summaries = store.listRuns({ ids: [...ids] });
    const listed = new Set(summaries.map((r) => r.id));
    const changed = summaries.filter((r) => selection.runs.get(r.id)?.stamp !== runStamp(r));
    const gone = [...selection.runs.keys()].filter((id) => !listed.has(id));
    if (changed.length === 0 && gone.length === 0) return selection;

    const declaredOf = declaredPositionsOf((experimentId) => store.getExperiment(experimentId)?.config);
    const loaded = new Map<number, KeptRun>();
    for (let i = 0; i < changed.length; i += CHUNK_RUNS) {
      const chunk = changed.slice(i, i + CHUNK_RUNS);
      const series = loadSeries(store, chunk.map((r) => r.id));
      for (const r of chunk) {
        const run: SeriesRun = {
          id: r.id,
          experimentId: r.experimentId,
          seed: r.seed,
          sweep: r.sweep,
          config: r.config,
          declared: declaredOf(r),
          status: r.status,
          name: r.name,
          epochs: series.get(r.id) ?? [],
        };
        loaded.set(r.id, { stamp: runStamp(r), run, revival: new Map(), histograms: null });
      }
      if (i + CHUNK_RUNS < changed.length) await nextTurn();
    }
    // A newer call may have replaced the selection meanwhile: calls are queued, so this one is still current.
    // The store's order (by experiment, then run index), as the full loader's.
    selection.runs = new Map(summaries.map((r) => [r.id, loaded.get(r.id) ?? selection.runs.get(r.id)!]));
    selection.views.clear();
    selection.models.clear();
    selection.parts.clear();
    return selection;
  }

  /** Dead masks and histograms from the store, kept with their run. */
  private sources(selection: Selection): ComparisonSources {
    const kept = (run: SeriesRun): KeptRun => {
      const k = selection.runs.get(run.id);
      if (!k) throw new Error(`run ${run.id} is not part of this comparison`);
      return k;
    };
    return {
      revival: (run, upTo) => {
        const k = kept(run);
        let stats = k.revival.get(upTo);
        if (!stats) {
          stats = packedRevivalByLayer(selection.store.getDeadMaskHistories(run.id, upTo));
          k.revival.set(upTo, stats);
        }
        return stats;
      },
      histogramEpochs: (run) => {
        const k = kept(run);
        k.histograms ??= selection.store.getRunMetrics(run.id).map(epochToDto);
        return k.histograms;
      },
    };
  }
}
