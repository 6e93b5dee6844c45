import { ReferenceLine } from 'recharts';

/** A dashed vertical line at the epoch where the run diverged (nothing when it did not). */
export function DivergedLine({ at, color }: { at: number | null; color: string }) {
  if (at === null) return null;
  return <ReferenceLine x={at} stroke={color} strokeDasharray="4 3" label={{ value: 'diverged', position: 'insideTopRight', fill: color, fontSize: 11 }} />;
}
