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

/** Counts deaths, revivals and permanent deaths from one layer's dead masks (any epoch order; sorted here). */
export function revivalStats(history: readonly MaskMeasurement[]): RevivalStats {
  const ms = [...history].sort((a, b) => a.epoch - b.epoch);
  const units = ms.length > 0 ? ms[0].deadMask.length : 0;
  for (const m of ms) {
    if (m.deadMask.length !== units) {
      throw new RangeError(`dead masks must all have ${units} units, epoch ${m.epoch} has ${m.deadMask.length}`);
    }
  }
  let deadAtInit = 0;
  let diedDuringTraining = 0;
  let revived = 0;
  for (let u = 0; u < units; u++) {
    let died = false;
    let cameBack = false;
    for (let t = 0; t < ms.length; t++) {
      const dead = ms[t].deadMask[u] !== 0;
      if (dead && !died) {
        died = true;
        if (t === 0) deadAtInit++;
        else diedDuringTraining++;
      } else if (!dead && died) {
        cameBack = true;
        break;
      }
    }
    if (cameBack) revived++;
  }
  const everDied = deadAtInit + diedDuringTraining;
  const stayedDead = everDied - revived;

  const timeline: RevivalTimelinePoint[] = ms.map((m, t) => {
    let dead = 0;
    let newlyDead = 0;
    let revivedNow = 0;
    const prev = t > 0 ? ms[t - 1].deadMask : null;
    for (let u = 0; u < units; u++) {
      const isDead = m.deadMask[u] !== 0;
      const wasDead = prev !== null && prev[u] !== 0;
      if (isDead) dead++;
      if (isDead && !wasDead) newlyDead++;
      if (!isDead && wasDead) revivedNow++;
    }
    return { epoch: m.epoch, dead, newlyDead, revivedNow };
  });

  return {
    units,
    measurements: ms.length,
    deadAtInit,
    diedDuringTraining,
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

/** Revival statistics of every hidden layer of a run, indexed by layer. */
export function revivalByLayer(epochs: readonly MaskEpochInput[]): RevivalStats[] {
  const layers = new Set<number>();
  for (const e of epochs) for (const l of e.layers) layers.add(l.layer);
  const count = layers.size === 0 ? 0 : Math.max(...layers) + 1;
  return Array.from({ length: count }, (_, layer) => revivalStats(layerMaskHistory(epochs, layer)));
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
