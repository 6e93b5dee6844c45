/**
 * One chart of the Compare view in its frame: help, legend (click a group to hide it), notes and export.
 * The drawing itself is memoized on the chart's data and the few spec fields it reads, and drawn when
 * on screen (DrawWhenSeen): a switch redraws only the charts whose data changed, the visible ones first.
 */
import { memo, useMemo } from 'react';
import type { ChartData } from '../../../shared/charts.js';
import { barErrorBars, divergenceLabel } from '../../../shared/charts.js';
import type { BandKind, ChartKind, ComparisonSpec } from '../../../shared/compare.js';
import type { GroupView } from '../../../shared/comparison-view.js';
import { BarsView } from '../charts/BarsView.js';
import { ChartFrame } from '../charts/ChartFrame.js';
import { ChartLegend, type LegendGroup } from '../charts/ChartLegend.js';
import { ChartNotes } from '../charts/ChartNotes.js';
import { DrawWhenSeen } from '../charts/DrawWhenSeen.js';
import { HeatmapView } from '../charts/HeatmapView.js';
import { LinesView } from '../charts/LinesView.js';
import { RidgesView } from '../charts/RidgesView.js';
import type { ExportOptions } from './export-options.js';
import { ExportMenu } from './ExportMenu.js';
import { FocusNote } from './FocusNote.js';
import { isFractionLabel } from './layout.js';

/** The spec fields the drawing reads besides the chart's data (how it is drawn, not what). */
interface DrawSpec {
  logX: boolean;
  logY: boolean;
  xAxis: ComparisonSpec['xAxis'];
  band: BandKind;
}

const ChartBody = memo(function ChartBody({ data, wide, logX, logY, xAxis, band, focusColor, focusDash }: DrawSpec & { data: ChartData; wide?: boolean; focusColor: string; focusDash: string }) {
  const draw = useMemo(() => ({ logX, logY, xAxis, band }), [logX, logY, xAxis, band]);
  switch (data.kind) {
    case 'lines':
      return <LinesView chart={data} spec={draw} height={wide ? 300 : 250} />;
    case 'bars':
      return <BarsView chart={data} spec={draw} fractionPanels={isFractionLabel} />;
    case 'heatmap':
      return <HeatmapView chart={data} />;
    case 'ridges':
      return <RidgesView chart={data} color={focusColor} dash={focusDash} />;
  }
});

/** Height a chart's drawing takes before it is first drawn (so the charts below sit about where they will be). */
function drawHeight(data: ChartData, wide?: boolean): number {
  switch (data.kind) {
    case 'lines':
      return (wide ? 300 : 250) + 40;
    case 'bars':
      return 290;
    case 'heatmap':
      return 300;
    case 'ridges':
      return 360;
  }
}

export function CompareChart({
  kind,
  wide,
  help,
  data,
  dataKey,
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
  /** Changes whenever `data` does (ComparisonView.chartKeys). */
  dataKey: string;
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
  let legend = <ChartLegend groups={legendGroups} band={data.kind === 'bars' ? barErrorBars(data, spec) : data.kind === 'lines' && spec.band !== 'none'} onToggle={onToggleGroup} />;
  if (data.kind === 'heatmap') legend = <FocusNote group={focus} />;
  if (data.kind === 'ridges') legend = <FocusNote group={focus} extra={typeof spec.layer === 'number' ? `layer ${spec.layer + 1}` : 'layer 1 (pick a single layer above to see another)'} />;
  const focusColor = focus?.color ?? '#0072B2';
  const focusDash = focus?.dash ?? '';
  // Only the fields a chart of this shape draws with: a band switch leaves the heatmap and the histograms alone.
  const lines = data.kind === 'lines';
  const bars = data.kind === 'bars';
  const draw: DrawSpec = { logX: lines && spec.logX, logY: (lines || bars) && spec.logY, xAxis: lines ? spec.xAxis : 'epoch', band: lines || bars ? spec.band : 'none' };
  const ridges = data.kind === 'ridges';
  const version = `${dataKey}|${draw.logX}|${draw.logY}|${draw.xAxis}|${draw.band}|${ridges ? `${focusColor}${focusDash}` : ''}`;
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
      <DrawWhenSeen version={version} minHeight={drawHeight(data, wide)}>
        <ChartBody data={data} wide={wide} {...draw} focusColor={ridges ? focusColor : ''} focusDash={ridges ? focusDash : ''} />
      </DrawWhenSeen>
      <ChartNotes notes={data.notes} />
    </ChartFrame>
  );
}
