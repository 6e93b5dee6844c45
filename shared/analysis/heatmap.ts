/**
 * The layer × epoch matrix of dead fractions (where in the network and when units die), for one run
 * or averaged over a group's runs. Pure TypeScript (no Node, no DOM).
 */

/** The part of an epoch's metrics the heatmap reads (`EpochMetricsDto` fits). */
export interface HeatmapEpochInput {
  epoch: number;
  layers: readonly { layer: number; deadFraction: number }[];
}

/** Dead fraction per layer (rows) and epoch (columns). */
export interface DeadHeatmap {
  /** Row labels: hidden layer indices, ascending. */
  layers: number[];
  /** Column labels: epochs, ascending (the union over the runs). */
  epochs: number[];
  /** values[row][column]: mean dead fraction over the runs with a finite value there; NaN where none. */
  values: number[][];
  /** counts[row][column]: how many runs the value averages. */
  counts: number[][];
}

/** Layer × epoch dead-fraction matrix averaged over runs (a run missing a cell, e.g. diverged earlier, doesn't count there). */
export function groupDeadFractionHeatmap(runs: readonly (readonly HeatmapEpochInput[])[]): DeadHeatmap {
  const layerSet = new Set<number>();
  const epochSet = new Set<number>();
  for (const run of runs) {
    for (const e of run) {
      epochSet.add(e.epoch);
      for (const l of e.layers) layerSet.add(l.layer);
    }
  }
  const layers = [...layerSet].sort((a, b) => a - b);
  const epochs = [...epochSet].sort((a, b) => a - b);
  const row = new Map(layers.map((l, i) => [l, i]));
  const col = new Map(epochs.map((e, i) => [e, i]));
  const sums = layers.map(() => new Array<number>(epochs.length).fill(0));
  const counts = layers.map(() => new Array<number>(epochs.length).fill(0));
  for (const run of runs) {
    for (const e of run) {
      const c = col.get(e.epoch) as number;
      for (const l of e.layers) {
        if (!Number.isFinite(l.deadFraction)) continue;
        const r = row.get(l.layer) as number;
        sums[r][c] += l.deadFraction;
        counts[r][c]++;
      }
    }
  }
  const values = sums.map((s, r) => s.map((v, c) => (counts[r][c] === 0 ? NaN : v / counts[r][c])));
  return { layers, epochs, values, counts };
}

/** Layer × epoch dead-fraction matrix of one run. */
export function deadFractionHeatmap(epochs: readonly HeatmapEpochInput[]): DeadHeatmap {
  return groupDeadFractionHeatmap([epochs]);
}
