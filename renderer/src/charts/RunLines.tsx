/**
 * A line chart's individual runs, each group's runs as one SVG path drawn straight from the chart's
 * scales (inside a recharts chart, under the group means). Up to 200 runs of 100 points each are
 * 20,000 points per panel: as one recharts `<Line>` each point would become a React-managed object;
 * here it is a few characters of one path.
 */
import { useId } from 'react';
import { DefaultZIndexes, usePlotArea, useXAxisScale, useYAxisScale, ZIndexLayer } from 'recharts';
import { groupStroke } from './colors.js';
import { runLinePath, type RunLinePoint } from './rows.js';

export function RunLines({ lines, groups, dark }: { lines: readonly RunLinePoint[][]; groups: readonly { groupKey: string; color: string; dash: string }[]; dark: boolean }) {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const area = usePlotArea();
  const clipId = `runs-${useId().replace(/:/g, '')}`;
  if (!xScale || !yScale || !area) return null;
  const x = (v: number) => xScale(v);
  const y = (v: number) => yScale(v);
  return (
    <ZIndexLayer zIndex={DefaultZIndexes.line - 1}>
      <defs>
        <clipPath id={clipId}>
          <rect x={area.x} y={area.y} width={area.width} height={area.height} />
        </clipPath>
      </defs>
      <g clipPath={`url(#${clipId})`}>
        {groups.map((g, i) =>
          lines[i] && lines[i].length > 0 ? (
            <path key={g.groupKey} className="run-line" d={runLinePath(lines[i], x, y)} fill="none" {...groupStroke(g, dark)} strokeOpacity={0.45} strokeWidth={1} />
          ) : null,
        )}
      </g>
    </ZIndexLayer>
  );
}
