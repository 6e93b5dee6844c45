/** A group's swatch: a short line in its colour and dash pattern, over its band colour when bands are drawn. */
import { themeColor } from '../../../shared/figure/palette.js';
import { useResolvedTheme } from '../app/theme.js';

/** A short line in the group's colour and dash pattern (over its band colour when bands are drawn). */
export function GroupSwatch({ color, dash, band = false, width = 30 }: { color: string; dash: string; band?: boolean; width?: number }) {
  const dark = useResolvedTheme() === 'dark';
  const c = themeColor(color, dark);
  return (
    <svg className="swatch" width={width} height={12} viewBox={`0 0 ${width} 12`} aria-hidden="true" focusable="false">
      {band && <rect x={0} y={1} width={width} height={10} fill={c} fillOpacity={0.18} rx={2} />}
      <line x1={1} y1={6} x2={width - 1} y2={6} stroke={c} strokeWidth={2.4} strokeDasharray={dash || undefined} />
    </svg>
  );
}
