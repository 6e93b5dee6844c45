/** What the Compare view shows where: its charts in reading order (and when), the band choices and their help, the export formats. */
import type { FigureFormat } from '../../../shared/api.js';
import type { BandKind, ChartKind, DivergedRuns } from '../../../shared/compare.js';
import type { ComparisonView } from '../../../shared/comparison-view.js';
import { CHARTED_LAYER_FIELDS, type ChartedLayerField } from '../../../shared/metric-fields.js';

export const BAND_OPTIONS: { value: BandKind; label: string }[] = [
  { value: 'std', label: '± std' },
  { value: 'se', label: '± SE' },
  { value: 'ci95', label: '95 % CI' },
  { value: 'none', label: 'none' },
];

export const DIVERGED_OPTIONS: { value: DivergedRuns; label: string }[] = [
  { value: 'include', label: 'count until diverged' },
  { value: 'exclude', label: 'exclude' },
];

export const X_AXIS_OPTIONS: { value: 'epoch' | 'time'; label: string }[] = [
  { value: 'epoch', label: 'Epoch' },
  { value: 'time', label: 'Wall time' },
];

export const BAND_HELP: Record<BandKind, string> = {
  std: 'Band: mean ± one standard deviation over the seeds of a group.',
  se: 'Band: mean ± one standard error (std / √n) over the seeds.',
  ci95: 'Band: 95 % confidence interval of the mean (Student t, n − 1 degrees of freedom).',
  none: 'No band: the mean over the seeds only.',
};

/** What decides whether the page offers a chart. */
type ShownWhen = Pick<ComparisonView, 'anyFullyDeadLayer' | 'measuredLayerFields' | 'hasTasks'>;

/** A chart of the page: `wide` ones take the full row; `shownWhen` (absent: always) says for which views the page offers it. */
export interface LayoutEntry {
  kind: ChartKind;
  wide?: boolean;
  help: string;
  shownWhen?: (view: ShownWhen) => boolean;
}

/** A layer field's line chart (metric field table); one that may have no value is offered when some compared run measured it. */
function layerChart(field: ChartedLayerField, wide?: boolean): LayoutEntry {
  const entry: LayoutEntry = { kind: field.chart.kind as ChartKind, wide, help: field.chart.help };
  return field.nullable ? { ...entry, shownWhen: (view) => view.measuredLayerFields.includes(field.key) } : entry;
}

const [DEAD_FRACTION, ...OTHER_LAYER_CHARTS] = CHARTED_LAYER_FIELDS;

/** Charts on the page, in reading order: the dead fraction first, the other layer fields' lines after loss and accuracy. */
export const LAYOUT: LayoutEntry[] = [
  layerChart(DEAD_FRACTION, true),
  { kind: 'final-dead-bars', help: 'Dead fraction per hidden layer at the last epoch all runs of a group reached (or at the chosen epoch), error bars over the seeds.' },
  { kind: 'dead-heatmap', help: 'Where and when units die: mean dead fraction of the focus group per layer and epoch; the colours span the data’s range.' },
  { kind: 'loss', help: 'Training and validation loss.' },
  { kind: 'accuracy', help: 'Training and validation accuracy.' },
  {
    kind: 'task-accuracy',
    help: 'Runs trained on a sequence of tasks: per task, each run’s mean training accuracy over the epochs that trained on it, as Dohare et al. (2024) plot loss of plasticity. Shown when some run has tasks.',
    shownWhen: (view) => view.hasTasks,
  },
  ...OTHER_LAYER_CHARTS.map((f) => layerChart(f)),
  { kind: 'revival', wide: true, help: 'Per layer and run, up to the group’s final (or the chosen) epoch: units that were ever dead, units that came back, and the share of the dead that stayed dead.' },
  {
    kind: 'born-dead',
    help: 'Share of a group’s runs in which some hidden layer has every unit dead at the chosen epoch (initialization, epoch 0, unless “Value at epoch” says otherwise), with its Wilson 95 % interval. Shown when some run has a fully dead layer.',
    shownWhen: (view) => view.anyFullyDeadLayer,
  },
  { kind: 'histograms', wide: true, help: 'Distribution of pre-activations of one layer over the probe inputs, for the focus group’s first run (lowest seed).' },
];

/** The charts the page shows for a view, in reading order. */
export function chartsShown(view: ShownWhen): LayoutEntry[] {
  return LAYOUT.filter((entry) => entry.shownWhen?.(view) ?? true);
}

export const isFractionLabel = (yLabel: string) => !/^Units per run$/.test(yLabel);

export const FORMAT_LABELS: Record<FigureFormat, string> = { svg: 'SVG', pdf: 'PDF', png: 'PNG', csv: 'CSV' };
