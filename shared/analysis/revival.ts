/**
 * Revival analysis of one hidden layer from its per-epoch dead masks: which units died, which came
 * back to life, which stayed dead. Pure TypeScript (no Node, no DOM).
 *
 * Definitions (measurements in epoch order, epoch 0 = initialization):
 * - a unit "died" the first time it is dead at ANY measurement, including at initialization; so
 *   `everDied` = `deadAtInit` + `diedDuringTraining` (dead at init vs. alive at init and dead later);
 * - it "revived" if it is alive at some measurement after having been dead;
 * - it "stayed dead" if it is dead at its first death and at every later measurement;
 *   hence `everDied` = `revived` + `stayedDead`.
 */

/** A layer's dead mask at one epoch: 1 (any non-zero) where the unit is dead. */
export interface MaskMeasurement {
  epoch: number;
  deadMask: ArrayLike<number>;
}

/** Unit counts at one measurement: dead now, dead now but alive before, alive now but dead before. */
export interface RevivalTimelinePoint {
  epoch: number;
  dead: number;
  /** Dead now and alive at the previous measurement (at the first measurement: every dead unit). */
  newlyDead: number;
  /** Alive now and dead at the previous measurement. */
  revivedNow: number;
}

/** Revival counts of one layer of one run. */
export interface RevivalStats {
  units: number;
  measurements: number;
  /** Dead at the first measurement (the initialization, epoch 0). */
  deadAtInit: number;
  /** Alive at the first measurement and dead at a later one. */
  diedDuringTraining: number;
  /** Dead at some measurement (deadAtInit + diedDuringTraining). */
  everDied: number;
  /** Dead at some measurement and alive at a later one. */
  revived: number;
  /** Dead from their first death to the last measurement. */
  stayedDead: number;
  /** stayedDead / everDied; null when no unit ever died. */
  stayedDeadShare: number | null;
  timeline: RevivalTimelinePoint[];
}

/**
 * One layer's dead masks bit-packed, as the store keeps them: unit i of a measurement is bit (i % 8)
 * of byte floor(i / 8) of its ceil(units / 8) bytes, measurements one after the other in `epochs`
 * order.
 */
export interface PackedMaskHistory {
  units: number;
  /** Epoch of each measurement, ascending. */
  epochs: readonly number[];
  /** epochs.length × ceil(units / 8) bytes. */
  masks: Uint8Array;
}

/** Set bits of each byte value. */
const BITS = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let v = b; v !== 0; v >>= 1) n += v & 1;
  return n;
});

/** Counts deaths, revivals and permanent deaths from one layer's dead masks (any epoch order; sorted here). */
export function revivalStats(history: readonly MaskMeasurement[]): RevivalStats {
  const ms = [...history].sort((a, b) => a.epoch - b.epoch);
  const units = ms.length > 0 ? ms[0].deadMask.length : 0;
  const width = Math.ceil(units / 8);
  const masks = new Uint8Array(ms.length * width);
  ms.forEach((m, t) => {
    if (m.deadMask.length !== units) {
      throw new RangeError(`dead masks must all have ${units} units, epoch ${m.epoch} has ${m.deadMask.length}`);
    }
    for (let u = 0; u < units; u++) if (m.deadMask[u] !== 0) masks[t * width + (u >> 3)] |= 1 << (u & 7);
  });
  return packedRevivalStats({ units, epochs: ms.map((m) => m.epoch), masks });
}

/**
 * `revivalStats` of bit-packed masks, eight units at a time: a comparison counts revival for every
 * layer of hundreds of runs straight from the stored bytes.
 */
export function packedRevivalStats(history: PackedMaskHistory): RevivalStats {
  const { units, epochs, masks } = history;
  const width = Math.ceil(units / 8);
  if (masks.length !== epochs.length * width) {
    throw new RangeError(`dead masks of ${units} units over ${epochs.length} measurements need ${epochs.length * width} bytes, got ${masks.length}`);
  }
  // The last byte's bits past the layer's units are padding, never units.
  const lastByte = units % 8 === 0 ? 0xff : (1 << units % 8) - 1;
  const died = new Uint8Array(width);
  const cameBack = new Uint8Array(width);
  const timeline: RevivalTimelinePoint[] = [];
  for (let t = 0; t < epochs.length; t++) {
    let dead = 0;
    let newlyDead = 0;
    let revivedNow = 0;
    for (let i = 0; i < width; i++) {
      const keep = i === width - 1 ? lastByte : 0xff;
      const now = masks[t * width + i] & keep;
      const before = t > 0 ? masks[(t - 1) * width + i] & keep : 0;
      dead += BITS[now];
      newlyDead += BITS[now & ~before & 0xff];
      revivedNow += BITS[~now & before & 0xff];
      // Alive now after a death: revived (a unit that died again later still counts as revived).
      cameBack[i] |= died[i] & ~now & 0xff;
      died[i] |= now;
    }
    timeline.push({ epoch: epochs[t], dead, newlyDead, revivedNow });
  }
  let everDied = 0;
  let deadAtInit = 0;
  let revived = 0;
  for (let i = 0; i < width; i++) {
    everDied += BITS[died[i]];
    revived += BITS[cameBack[i]];
    if (epochs.length > 0) deadAtInit += BITS[masks[i] & (i === width - 1 ? lastByte : 0xff)];
  }
  const stayedDead = everDied - revived;
  return {
    units,
    measurements: epochs.length,
    deadAtInit,
    diedDuringTraining: everDied - deadAtInit,
    everDied,
    revived,
    stayedDead,
    stayedDeadShare: everDied === 0 ? null : stayedDead / everDied,
    timeline,
  };
}

/** The part of an epoch's metrics revival reads (`EpochMetricsDto` fits, and so do the store's dead-mask rows grouped by epoch). */
export interface MaskEpochInput {
  epoch: number;
  layers: readonly { layer: number; deadMask: ArrayLike<number> }[];
}

/** One layer's dead masks from a run's metrics, in epoch order (epochs without that layer are skipped). */
export function layerMaskHistory(epochs: readonly MaskEpochInput[], layer: number): MaskMeasurement[] {
  const out: MaskMeasurement[] = [];
  for (const e of epochs) {
    const l = e.layers.find((x) => x.layer === layer);
    if (l) out.push({ epoch: e.epoch, deadMask: l.deadMask });
  }
  return out.sort((a, b) => a.epoch - b.epoch);
}

/** Statistics indexed by layer, from layer 0 to the highest of `layers` (a layer in between without masks counts nothing). */
function indexedByLayer(layers: Iterable<number>, statsOf: (layer: number) => RevivalStats): RevivalStats[] {
  const count = Math.max(-1, ...layers) + 1;
  return Array.from({ length: count }, (_, layer) => statsOf(layer));
}

/** Revival statistics of every hidden layer of a run, indexed by layer. */
export function revivalByLayer(epochs: readonly MaskEpochInput[]): RevivalStats[] {
  const layers = new Set<number>();
  for (const e of epochs) for (const l of e.layers) layers.add(l.layer);
  return indexedByLayer(layers, (layer) => revivalStats(layerMaskHistory(epochs, layer)));
}

/** `revivalByLayer` from each layer's packed masks (as the store reads them for a comparison). */
export function packedRevivalByLayer(histories: readonly (PackedMaskHistory & { layer: number })[]): RevivalStats[] {
  const byLayer = new Map(histories.map((h) => [h.layer, h]));
  return indexedByLayer(byLayer.keys(), (layer) => packedRevivalStats(byLayer.get(layer) ?? { units: 0, epochs: [], masks: new Uint8Array(0) }));
}

/** A timeline point aggregated over runs, with the number of runs measured at that epoch. */
export interface RevivalTimelineAggregate extends RevivalTimelinePoint {
  count: number;
}

/** Revival counts aggregated over several runs (or layers): summed or averaged. */
export interface RevivalAggregate extends Omit<RevivalStats, 'timeline' | 'measurements'> {
  /** How many statistics were aggregated. */
  count: number;
  timeline: RevivalTimelineAggregate[];
}

/**
 * Aggregates revival statistics over a group's runs (or over a run's layers): counts summed, or
 * averaged per run ('mean'). The share that stayed dead is pooled in both modes (Σ stayedDead /
 * Σ everDied), so runs where more units died weigh more; the timeline aggregates, per epoch, the runs
 * measured at that epoch.
 */
export function aggregateRevival(stats: readonly RevivalStats[], mode: 'sum' | 'mean'): RevivalAggregate {
  const count = stats.length;
  const total = (pick: (s: RevivalStats) => number): number => stats.reduce((acc, s) => acc + pick(s), 0);
  const scale = (v: number, n: number): number => (mode === 'mean' ? (n === 0 ? 0 : v / n) : v);
  const everDied = total((s) => s.everDied);
  const stayedDead = total((s) => s.stayedDead);
  const byEpoch = new Map<number, RevivalTimelineAggregate>();
  for (const s of stats) {
    for (const p of s.timeline) {
      const a = byEpoch.get(p.epoch) ?? { epoch: p.epoch, dead: 0, newlyDead: 0, revivedNow: 0, count: 0 };
      a.dead += p.dead;
      a.newlyDead += p.newlyDead;
      a.revivedNow += p.revivedNow;
      a.count++;
      byEpoch.set(p.epoch, a);
    }
  }
  const timeline = [...byEpoch.values()]
    .sort((a, b) => a.epoch - b.epoch)
    .map((a) => ({
      epoch: a.epoch,
      dead: scale(a.dead, a.count),
      newlyDead: scale(a.newlyDead, a.count),
      revivedNow: scale(a.revivedNow, a.count),
      count: a.count,
    }));
  return {
    count,
    units: scale(total((s) => s.units), count),
    deadAtInit: scale(total((s) => s.deadAtInit), count),
    diedDuringTraining: scale(total((s) => s.diedDuringTraining), count),
    everDied: scale(everDied, count),
    revived: scale(total((s) => s.revived), count),
    stayedDead: scale(stayedDead, count),
    stayedDeadShare: everDied === 0 ? null : stayedDead / everDied,
    timeline,
  };
}
