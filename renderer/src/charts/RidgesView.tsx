import { useMemo } from 'react';
import { Area, ComposedChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RidgesChartData } from '../../../shared/charts.js';
import { themeColor } from '../../../shared/figure/palette.js';
import { useResolvedTheme } from '../app/theme.js';
import { formatNumber, formatPercent } from '../ui/format.js';
import { numericAxisProps } from './AxisTick.js';
import { chartColors } from './colors.js';
import { ridgePanels } from './rows.js';

/** Small multiples of the focus run's pre-activation histograms at up to six epochs, z = 0 marked. */
export function RidgesView({ chart, color, dash }: { chart: RidgesChartData; color: string; dash: string }) {
  const dark = useResolvedTheme() === 'dark';
  const colors = chartColors(dark);
  const shaped = useMemo(() => ridgePanels(chart), [chart]);
  if (shaped.panels.length === 0) return <p className="chart-empty">No histograms measured for this layer yet.</p>;
  const c = themeColor(color, dark);
  return (
    <>
      <div className="ridge-grid">
        {shaped.panels.map((p) => (
          <div className="ridge-cell" key={p.epoch}>
            <div className="panel-head">
              <h4 className="panel-title">Epoch {p.epoch}</h4>
              <span className="axis-label-y">{formatPercent(p.negativeShare, 0)} at z ≤ 0</span>
            </div>
            <div className="chart-body" style={{ height: 132 }}>
              <ResponsiveContainer width="100%" height="100%">
                <ComposedChart data={p.steps} margin={{ top: 16, right: 8, bottom: 2, left: 4 }}>
                  <ReferenceArea x1={shaped.x.domain[0]} x2={0} fill={colors.axis} fillOpacity={0.12} stroke="none" ifOverflow="hidden" />
                  <XAxis dataKey="z" {...numericAxisProps(shaped.x, colors, 'x', 10.5)} height={18} />
                  <YAxis type="number" hide domain={[0, Math.max(p.peak * 1.08, 1e-9)]} />
                  <Area type="stepAfter" dataKey="share" stroke={c} strokeWidth={1.5} strokeDasharray={dash || undefined} fill={c} fillOpacity={0.3} isAnimationActive={false} activeDot={false} />
                  <ReferenceLine x={0} stroke={colors.text} strokeWidth={1.2} label={{ value: 'z = 0', position: 'top', fill: colors.text, fontSize: 10.5 }} />
                  <Tooltip
                    isAnimationActive={false}
                    content={(props) => {
                      const row = props.payload?.[0]?.payload as { z: number; share: number } | undefined;
                      if (!props.active || !row) return null;
                      return (
                        <div className="chart-tooltip" style={{ background: colors.tooltipBg, borderColor: colors.tooltipBorder }}>
                          <div className="tt-head">z from {formatNumber(row.z, 3)}</div>
                          <div>{formatPercent(row.share, 1)} of the pre-activations</div>
                        </div>
                      );
                    }}
                  />
                </ComposedChart>
              </ResponsiveContainer>
            </div>
          </div>
        ))}
      </div>
      <p className="chart-axis-caption">
        x: pre-activation z (shared range); height: share of the probe’s pre-activations per bin, each epoch scaled to its own peak. Shaded: z ≤ 0, where a ReLU unit is off.
      </p>
    </>
  );
}
