/**
 * Live state from the lab's event stream: run statuses, progress, the latest measurement of every
 * run, and the full (slim) metric series of the runs a view is watching. Events are buffered and
 * applied in one batch every `flushMs`, so a burst of epochs causes one render, not hundreds, and
 * nothing is refetched per event. Pure TypeScript (React binds to it with useSyncExternalStore).
 */
import type { EpochMetricsDto, LabClient, LabEvent, MenuAction, RunStatus, Settings } from '../../../shared/api.js';
import { liveFields, readField, type LiveEpochKey, type LiveLayerList } from '../../../shared/metric-fields.js';

/**
 * What the charts and tables need from one epoch (histograms and masks are left out): the fields the
 * metric table marks `live`, each layer field as a list over hidden layers (`dead`: the dead fraction
 * of each layer, `dormant`: the dormant fraction).
 */
export type SlimEpoch = Pick<EpochMetricsDto, 'epoch' | LiveEpochKey> & Record<LiveLayerList, number[]>;

export interface RunLive {
  status?: RunStatus;
  error?: string | null;
  fraction?: number;
  etaSeconds?: number | null;
  /** Latest measurement seen in an event. */
  last?: SlimEpoch;
}

export interface SeriesState {
  status: 'loading' | 'ready' | 'error';
  points: readonly SlimEpoch[];
  error?: string;
}

export interface LiveSnapshot {
  runs: ReadonlyMap<number, RunLive>;
  series: ReadonlyMap<number, SeriesState>;
  /** Increases when the experiments list may have changed (created, renamed, deleted, run finished…). */
  experimentsVersion: number;
  /** Increases when any run changed status. */
  runsVersion: number;
  settings: Settings | null;
}

export function slimEpoch(m: EpochMetricsDto): SlimEpoch {
  const slim: Record<string, unknown> = { epoch: m.epoch };
  for (const field of liveFields('epoch')) slim[field.key] = readField(m, field.key);
  for (const field of liveFields('layer')) slim[field.live as LiveLayerList] = m.layers.map((l) => readField(l, field.key));
  return slim as SlimEpoch;
}

/** Merges two epoch lists by epoch number (later list wins on ties), sorted. */
export function mergeEpochs(a: readonly SlimEpoch[], b: readonly SlimEpoch[]): SlimEpoch[] {
  const byEpoch = new Map<number, SlimEpoch>();
  for (const p of a) byEpoch.set(p.epoch, p);
  for (const p of b) byEpoch.set(p.epoch, p);
  return [...byEpoch.values()].sort((x, y) => x.epoch - y.epoch);
}

export interface LiveStoreOptions {
  /** How often buffered events are applied (ms). */
  flushMs?: number;
}

type Metrics = Pick<LabClient, 'subscribe' | 'getRunMetrics'>;

export class LiveStore {
  private snapshot: LiveSnapshot = { runs: new Map(), series: new Map(), experimentsVersion: 0, runsVersion: 0, settings: null };
  private readonly listeners = new Set<() => void>();
  private readonly menuListeners = new Set<(action: MenuAction) => void>();
  private pending: LabEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly watchers = new Map<number, number>();
  private readonly flushMs: number;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly client: Metrics,
    options: LiveStoreOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 120;
  }

  start(): () => void {
    if (!this.unsubscribe) this.unsubscribe = this.client.subscribe((event) => this.receive(event));
    return () => this.stop();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  getSnapshot = (): LiveSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  onMenu(listener: (action: MenuAction) => void): () => void {
    this.menuListeners.add(listener);
    return () => {
      this.menuListeners.delete(listener);
    };
  }

  /** Feeds one event (normally from the client subscription). */
  receive(event: LabEvent): void {
    if (event.type === 'menu') {
      for (const l of [...this.menuListeners]) l(event.action);
      return;
    }
    this.pending.push(event);
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.flushMs);
  }

  /** Applies the buffered events now (one snapshot, one notification). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const events = this.pending;
    this.pending = [];
    if (events.length === 0) return;
    let runs: Map<number, RunLive> | null = null;
    let series: Map<number, SeriesState> | null = null;
    const appended = new Map<number, SlimEpoch[]>();
    let { experimentsVersion, runsVersion, settings } = this.snapshot;
    let resync = false;
    const run = (id: number): RunLive => {
      runs ??= new Map(this.snapshot.runs);
      return runs.get(id) ?? {};
    };
    for (const event of events) {
      switch (event.type) {
        case 'epoch': {
          const slim = slimEpoch(event.metrics);
          const prev = run(event.runId);
          if (!prev.last || slim.epoch >= prev.last.epoch) runs!.set(event.runId, { ...prev, last: slim });
          if (this.watchers.has(event.runId)) {
            const list = appended.get(event.runId) ?? [];
            list.push(slim);
            appended.set(event.runId, list);
          }
          break;
        }
        case 'progress': {
          const prev = run(event.runId);
          runs!.set(event.runId, { ...prev, fraction: event.fraction, etaSeconds: event.etaSeconds });
          break;
        }
        case 'run-status': {
          const prev = run(event.runId);
          runs!.set(event.runId, {
            ...prev,
            status: event.status,
            error: event.error,
            ...(event.status === 'completed' ? { fraction: 1, etaSeconds: 0 } : {}),
            ...(event.status !== 'running' && event.status !== 'queued' ? { etaSeconds: null } : {}),
          });
          runsVersion += 1;
          experimentsVersion += 1;
          break;
        }
        case 'experiments-changed':
          experimentsVersion += 1;
          runsVersion += 1;
          resync = true;
          break;
        case 'settings-changed':
          settings = event.settings;
          break;
      }
    }
    for (const [runId, points] of appended) {
      series ??= new Map(this.snapshot.series);
      const prev = series.get(runId) ?? { status: 'loading' as const, points: [] };
      series.set(runId, { ...prev, points: mergeEpochs(prev.points, points) });
    }
    this.snapshot = {
      runs: runs ?? this.snapshot.runs,
      series: series ?? this.snapshot.series,
      experimentsVersion,
      runsVersion,
      settings,
    };
    this.notify();
    // After a reconnect (or any bulk change) the watched series may have gaps: reload them.
    if (resync) for (const runId of this.watchers.keys()) void this.load(runId);
  }

  /** Sets settings known from a fetch (so the theme follows both fetched and pushed settings). */
  setSettings(settings: Settings): void {
    this.snapshot = { ...this.snapshot, settings };
    this.notify();
  }

  /** Keeps the full series of a run loaded and live while watched; returns the unwatch function. */
  watch(runId: number): () => void {
    const count = this.watchers.get(runId) ?? 0;
    this.watchers.set(runId, count + 1);
    if (count === 0) {
      this.setSeries(runId, { status: 'loading', points: this.snapshot.series.get(runId)?.points ?? [] });
      void this.load(runId);
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.watchers.get(runId) ?? 1) - 1;
      if (n > 0) {
        this.watchers.set(runId, n);
        return;
      }
      this.watchers.delete(runId);
      const next = new Map(this.snapshot.series);
      next.delete(runId);
      this.snapshot = { ...this.snapshot, series: next };
      this.notify();
    };
  }

  /** (Re)loads a watched run's stored metrics and merges what arrived meanwhile. */
  async load(runId: number): Promise<void> {
    try {
      const metrics = await this.client.getRunMetrics(runId);
      if (!this.watchers.has(runId)) return;
      const current = this.snapshot.series.get(runId)?.points ?? [];
      const points = mergeEpochs(metrics.map(slimEpoch), current);
      // The run's latest measurement is what the charts end with, so tables and charts agree.
      const newest = points[points.length - 1];
      const known = this.snapshot.runs.get(runId);
      if (newest && (!known?.last || newest.epoch > known.last.epoch)) {
        const runs = new Map(this.snapshot.runs);
        runs.set(runId, { ...known, last: newest });
        this.snapshot = { ...this.snapshot, runs };
      }
      this.setSeries(runId, { status: 'ready', points });
    } catch (err) {
      if (!this.watchers.has(runId)) return;
      this.setSeries(runId, { status: 'error', points: this.snapshot.series.get(runId)?.points ?? [], error: (err as Error).message });
    }
  }

  private setSeries(runId: number, state: SeriesState): void {
    const next = new Map(this.snapshot.series);
    next.set(runId, state);
    this.snapshot = { ...this.snapshot, series: next };
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}
