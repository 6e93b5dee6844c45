/** The group palette shared by the screen (light and dark) and the exported figures. */
import { describe, expect, it } from 'vitest';
import {
  assignSlots,
  colorDistance,
  contrastRatio,
  DARK_MIN_CONTRAST,
  DARK_SURFACE,
  darkThemeColor,
  GROUP_COLORS,
  GROUP_DASHES,
  rgbToLab,
  slotStyle,
  stableHash,
  themeColor,
} from '../../../shared/figure/palette.js';
import { parseHexColor } from '../../../shared/figure/colormap.js';

const hue = (color: string): number => {
  const [, a, b] = rgbToLab(parseHexColor(color)!);
  return (Math.atan2(b, a) * 180) / Math.PI;
};

describe('group palette', () => {
  it('is Okabe–Ito without the yellow that cannot be read on white', () => {
    expect(GROUP_COLORS).not.toContain('#F0E442');
    expect(GROUP_COLORS).toHaveLength(7);
    for (const c of GROUP_COLORS) expect(contrastRatio(c, '#ffffff')).toBeGreaterThan(2);
  });

  it('gives the first 56 slots distinct colour-and-dash pairs, the first 7 distinct colours and dashes', () => {
    const pairs = Array.from({ length: 56 }, (_, s) => JSON.stringify(slotStyle(s)));
    expect(new Set(pairs).size).toBe(56);
    const first = Array.from({ length: 7 }, (_, s) => slotStyle(s));
    expect(new Set(first.map((s) => s.color)).size).toBe(7);
    expect(new Set(first.map((s) => s.dash)).size).toBe(7);
    expect(slotStyle(0)).toEqual({ color: GROUP_COLORS[0], dash: GROUP_DASHES[0] });
  });

  it('dark theme: the same hues, lightened to a readable contrast, still distinct from each other', () => {
    const dark = GROUP_COLORS.map(darkThemeColor);
    dark.forEach((d, i) => {
      expect(contrastRatio(d, DARK_SURFACE), `${GROUP_COLORS[i]} → ${d}`).toBeGreaterThanOrEqual(DARK_MIN_CONTRAST - 0.01);
      if (GROUP_COLORS[i] !== '#000000') expect(Math.abs(hue(d) - hue(GROUP_COLORS[i])), `hue of ${GROUP_COLORS[i]}`).toBeLessThan(3);
    });
    // The Okabe–Ito blue is lifted (4.5:1 on the dark surface), black becomes a light grey.
    expect(contrastRatio(GROUP_COLORS[0], DARK_SURFACE)).toBeLessThan(DARK_MIN_CONTRAST);
    expect(dark[0]).not.toBe(GROUP_COLORS[0]);
    expect(rgbToLab(parseHexColor(dark[6])!)[0]).toBeGreaterThan(80);
    let closest = Infinity;
    for (let i = 0; i < dark.length; i++) for (let j = i + 1; j < dark.length; j++) closest = Math.min(closest, colorDistance(dark[i], dark[j]));
    expect(closest).toBeGreaterThan(15);
    expect(themeColor('#0072B2', false)).toBe('#0072B2');
    expect(themeColor('#0072B2', true)).toBe(dark[0]);
  });

  it('assigns slots from the preferred ones, moving a collision to a colour nobody uses', () => {
    expect(assignSlots([0, 2, 5])).toEqual([0, 2, 5]);
    expect(assignSlots([3, 3, 3])).toEqual([3, 4, 5]);
    expect(assignSlots([6, 6])).toEqual([6, 7]);
    const eight = assignSlots([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(eight.slice(0, 7).map((s) => s % 7).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(new Set(eight).size).toBe(8);
    expect(stableHash('variant="PReLU"')).toBe(stableHash('variant="PReLU"'));
    expect(stableHash('a')).not.toBe(stableHash('b'));
  });
});
