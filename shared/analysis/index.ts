/** The analysis of compared runs: statistics, grouping, series, smoothing, downsampling, revival, diffs, heatmaps. */
export * from './stats.js';
export * from './fields.js';
export * from './grouping.js';
export * from './series.js';
export * from './smoothing.js';
export * from './downsample.js';
export * from './revival.js';
export * from './diff.js';
export * from './heatmap.js';
export * from './fully-dead.js';
export * from './tasks.js';
