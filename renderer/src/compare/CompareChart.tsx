/** One chart of the Compare view in its frame: help, legend (click a group to hide it), notes and export. */
import type { ChartData } from '../../../shared/charts.js';
import { barErrorBars, divergenceLabel } from '../../../shared/charts.js';
import type { ChartKind, ComparisonSpec } from '../../../shared/compare.js';
import type { GroupView } from '../../../shared/comparison-view.js';
import { BarsView } from '../charts/BarsView.js';
import { ChartFrame } from '../charts/ChartFrame.js';
import { ChartLegend, type LegendGroup } from '../charts/ChartLegend.js';
import { ChartNotes } from '../charts/ChartNotes.js';
import { HeatmapView } from '../charts/HeatmapView.js';
import { LinesView } from '../charts/LinesView.js';
import { RidgesView } from '../charts/RidgesView.js';
import type { ExportOptions } from './export-options.js';
import { ExportMenu } from './ExportMenu.js';
import { FocusNote } from './FocusNote.js';
import { isFractionLabel } from './layout.js';

export function CompareChart({
  kind,
  wide,
  help,
  data,
  groups,
  focus,
  spec,
  saved,
  options,
  setOptions,
  onToggleGroup,
}: {
  kind: ChartKind;
  wide?: boolean;
  help: string;
  data: ChartData;
  /** Every group, hidden ones included (the legend). */
  groups: GroupView[];
  /** The group single-run charts show. */
  focus: GroupView | null;
  spec: ComparisonSpec;
  saved: string | null;
  options: ExportOptions;
  setOptions: (o: ExportOptions) => void;
  onToggleGroup: (key: string) => void;
}) {
  const legendGroups: LegendGroup[] = groups.map((g) => ({ key: g.key, name: g.name, color: g.color, dash: g.dash, hidden: g.hidden, divergence: divergenceLabel(g), excluded: g.divergedExcluded }));
  let body;
  let legend = <ChartLegend groups={legendGroups} band={data.kind === 'bars' ? barErrorBars(data, spec) : data.kind === 'lines' && spec.band !== 'none'} onToggle={onToggleGroup} />;
  switch (data.kind) {
    case 'lines':
      body = <LinesView chart={data} spec={spec} height={wide ? 300 : 250} />;
      break;
    case 'bars':
      body = <BarsView chart={data} spec={spec} fractionPanels={isFractionLabel} />;
      break;
    case 'heatmap':
      legend = <FocusNote group={focus} />;
      body = <HeatmapView chart={data} />;
      break;
    case 'ridges': {
      const g = focus;
      legend = <FocusNote group={focus} extra={typeof spec.layer === 'number' ? `layer ${spec.layer + 1}` : 'layer 1 (pick a single layer above to see another)'} />;
      body = <RidgesView chart={data} color={g?.color ?? '#0072B2'} dash={g?.dash ?? ''} />;
      break;
    }
  }
  return (
    <ChartFrame
      id={kind}
      title={data.title}
      className={wide ? 'span-2' : undefined}
      legend={
        <>
          <p className="chart-help">{help}</p>
          {legend}
        </>
      }
      actions={<ExportMenu kind={kind} data={data} spec={spec} saved={saved} options={options} setOptions={setOptions} />}
    >
      {body}
      <ChartNotes notes={data.notes} />
    </ChartFrame>
  );
}
