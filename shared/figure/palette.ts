/**
 * The group palette: one module for the screen (light and dark theme) and the exported figures, so a
 * group looks the same everywhere. A group's style is a *slot* (a whole number derived from the group's
 * identity, see shared/analysis/grouping.ts): slot s draws in colour s mod 7 with dash pattern s mod 8,
 * so the first 56 slots are all distinct and the first 7 differ in colour and dash alike (grayscale).
 * Pure TypeScript.
 */
import { parseHexColor, relativeLuminance } from './colormap.js';

/**
 * Okabe–Ito (distinguishable with the common colour-vision deficiencies), without its yellow #F0E442,
 * which is unreadable as a line on white.
 */
export const GROUP_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;
/** Dash patterns (SVG stroke-dasharray, in line widths) that keep groups apart in grayscale too. */
export const GROUP_DASHES = ['', '6 3', '2 2', '8 3 2 3', '12 4', '4 4', '1 3', '10 2 2 2 2 2'] as const;

export interface GroupStyle {
  color: string;
  dash: string;
}

/** The style of a slot (any whole number ≥ 0). */
export function slotStyle(slot: number): GroupStyle {
  const s = Number.isSafeInteger(slot) && slot >= 0 ? slot : 0;
  return { color: GROUP_COLORS[s % GROUP_COLORS.length], dash: GROUP_DASHES[s % GROUP_DASHES.length] };
}

// ---------- Dark theme: the same hues, lightened until they read on the dark surface ----------

/** The dark theme's chart surface (styles.css `--surface`). */
export const DARK_SURFACE = '#161c25';
/** Contrast every group colour keeps against the dark surface (WCAG ratio; 3 is the minimum for graphics). */
export const DARK_MIN_CONTRAST = 4.5;

type Rgb = [number, number, number];
type Lab = [number, number, number];

const D65 = [0.95047, 1, 1.08883];

function toLinear(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

function fromLinear(v: number): number {
  const s = v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
  return s * 255;
}

/** sRGB (0–255) → CIE L*a*b* (D65). */
export function rgbToLab([r, g, b]: Rgb): Lab {
  const [lr, lg, lb] = [toLinear(r), toLinear(g), toLinear(b)];
  const xyz = [0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb, 0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb, 0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb];
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const [fx, fy, fz] = xyz.map((v, i) => f(v / D65[i]));
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** CIE L*a*b* → sRGB (0–255, unclamped: components outside [0, 255] mean out of gamut). */
function labToRgb([L, a, b]: Lab): Rgb {
  const fy = (L + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const inv = (t: number): number => (t ** 3 > 216 / 24389 ? t ** 3 : (116 * t - 16) / (24389 / 27));
  const [x, y, z] = [inv(fx) * D65[0], inv(fy) * D65[1], inv(fz) * D65[2]];
  const lr = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
  const lg = -0.969266 * x + 1.8760108 * y + 0.041556 * z;
  const lb = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
  return [fromLinear(lr), fromLinear(lg), fromLinear(lb)];
}

function inGamut(rgb: Rgb): boolean {
  return rgb.every((c) => c >= -0.5 && c <= 255.5);
}

function hex(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.max(0, Math.min(255, Math.round(c))).toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG contrast ratio of two colours. */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(parseHexColor(a) ?? [0, 0, 0]);
  const lb = relativeLuminance(parseHexColor(b) ?? [0, 0, 0]);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** The colour at lightness L with the hue of (a, b), its chroma reduced only as far as sRGB requires. */
function atLightness(L: number, a: number, b: number): Rgb {
  let rgb = labToRgb([L, a, b]);
  if (inGamut(rgb)) return rgb;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 30; i++) {
    const k = (lo + hi) / 2;
    if (inGamut(labToRgb([L, a * k, b * k]))) lo = k;
    else hi = k;
  }
  rgb = labToRgb([L, a * lo, b * lo]);
  return rgb;
}

const darkCache = new Map<string, string>();

/**
 * A group colour for the dark theme: the same hue (CIELAB hue angle), lightened just enough to reach
 * `DARK_MIN_CONTRAST` against the dark surface; colours that already do are kept. Black, which has no
 * hue, becomes a light grey (the dark theme's ink).
 */
export function darkThemeColor(color: string): string {
  const key = color.toLowerCase();
  const cached = darkCache.get(key);
  if (cached !== undefined) return cached;
  const rgb = parseHexColor(color);
  let out = color;
  if (rgb !== null) {
    const [L, a, b] = rgbToLab(rgb);
    if (Math.hypot(a, b) < 4) out = hex(atLightness(Math.max(L, 84), 0, 0));
    else if (contrastRatio(color, DARK_SURFACE) < DARK_MIN_CONTRAST) {
      let lo = L;
      let hi = 100;
      for (let i = 0; i < 30; i++) {
        const mid = (lo + hi) / 2;
        if (contrastRatio(hex(atLightness(mid, a, b)), DARK_SURFACE) >= DARK_MIN_CONTRAST) hi = mid;
        else lo = mid;
      }
      out = hex(atLightness(hi, a, b));
    }
  }
  darkCache.set(key, out);
  return out;
}

/** A group colour as drawn on a theme: the figure's colour on light, `darkThemeColor` on dark. */
export function themeColor(color: string, dark: boolean): string {
  return dark ? darkThemeColor(color) : color;
}

/** CIELAB colour difference ΔE*76 of two colours. */
export function colorDistance(a: string, b: string): number {
  const la = rgbToLab(parseHexColor(a) ?? [0, 0, 0]);
  const lb = rgbToLab(parseHexColor(b) ?? [0, 0, 0]);
  return Math.hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]);
}

// ---------- Stable slots ----------

/** FNV-1a, 32 bit: a stable hash of a group's identity, the same in every JavaScript engine. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Gives each group a slot, starting from the slot it prefers (from its declared position, or from the
 * hash of its identity). Groups are served in the order given; one whose slot is taken gets the next
 * slot with a colour nobody uses yet, and only when all colours are used, the next free slot. So a group
 * keeps its style in every comparison where its preferred slot is free.
 */
export function assignSlots(preferred: readonly number[]): number[] {
  const used = new Set<number>();
  const usedColors = new Set<number>();
  const n = GROUP_COLORS.length;
  return preferred.map((p) => {
    const start = Number.isSafeInteger(p) && p >= 0 ? p : 0;
    let slot = -1;
    for (let k = 0; k < n && slot < 0; k++) if (!usedColors.has((start + k) % n) && !used.has(start + k)) slot = start + k;
    if (slot < 0) for (let s = start; slot < 0; s++) if (!used.has(s)) slot = s;
    used.add(slot);
    usedColors.add(slot % n);
    return slot;
  });
}
