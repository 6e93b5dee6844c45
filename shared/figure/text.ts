/**
 * Fonts and text measurement without a DOM: width estimates from Helvetica's metrics (Arial and
 * Liberation Sans share them), scaled for the other families. Good enough for layout: nothing is
 * clipped to the estimate, it only decides margins, wrapping and legend placement.
 */

/** Font stacks that resolve offline: the first installed family wins (Linux: Liberation / DejaVu). */
export const FONT_STACKS = {
  sans: "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif",
  serif: "'Times New Roman', Times, 'Liberation Serif', 'DejaVu Serif', serif",
  dejavu: "'DejaVu Sans', sans-serif",
} as const;
export type FontStackName = keyof typeof FONT_STACKS;

/** Helvetica advance widths (1/1000 em) for U+0020..U+007E. */
const HELVETICA_ASCII = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space … /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 … ?
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ … O
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P … _
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` … o
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p … ~
];

const OTHER_WIDTHS: Record<string, number> = {
  '\u2212': 584, // minus
  '\u00b1': 584, // ±
  '\u00d7': 584, // ×
  '\u00b7': 278, // ·
  '\u2013': 556, // –
  '\u2014': 1000, // —
  '\u00b5': 556, // µ
  '\u03bc': 556, // μ
  '\u03b1': 556,
  '\u03b2': 556,
  '\u03c3': 556,
  '\u03c4': 400,
  '\u2026': 1000,
  '\u00b0': 400,
};

/** Resolve a spec's fontFamily (stack name or CSS list) to a CSS font-family list. */
export function resolveFontFamily(fontFamily: string | undefined): string {
  if (fontFamily === undefined || fontFamily.trim() === '') return FONT_STACKS.sans;
  if (Object.prototype.hasOwnProperty.call(FONT_STACKS, fontFamily)) return FONT_STACKS[fontFamily as FontStackName];
  return fontFamily;
}

/** Width factor of a family relative to Helvetica. */
export function familyWidthFactor(family: string): number {
  const first = family.split(',')[0].trim().replace(/^['"]|['"]$/g, '').toLowerCase();
  if (first.includes('dejavu')) return 1.1;
  if (first.includes('times') || first === 'serif' || first.includes('liberation serif') || first.includes('georgia')) return 0.9;
  if (first.includes('helvetica') || first.includes('arial') || first.includes('liberation sans') || first === 'sans-serif') return 1;
  return 1.05;
}

/** Estimated advance width of `text` at `sizePt` (same unit as the result). */
export function measureText(text: string, sizePt: number, family: string, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 32 && code <= 126) units += HELVETICA_ASCII[code - 32];
    else if (OTHER_WIDTHS[ch] !== undefined) units += OTHER_WIDTHS[ch];
    else if (code >= 0x2e80) units += 1000; // CJK and other wide scripts
    else units += 600;
  }
  return (units / 1000) * sizePt * familyWidthFactor(family) * (bold ? 1.07 : 1);
}

/**
 * How much wider than its first family a font stack may draw: a viewer without Helvetica falls back to
 * the next family (on Linux often DejaVu Sans, about a tenth wider). Wrapping plans for the widest, plus
 * a small margin for italics, so wrapped text never runs off the figure.
 */
export function fallbackWidthFactor(family: string): number {
  const first = familyWidthFactor(family);
  const widest = Math.max(first, ...family.split(',').map((f) => familyWidthFactor(f.trim())));
  return (widest / first) * 1.04;
}

/** Greedy word wrap to `maxWidth` (for the widest family of the stack); a single over-long word keeps its own line. */
export function wrapText(text: string, maxWidth: number, sizePt: number, family: string, bold = false): string[] {
  maxWidth /= fallbackWidthFactor(family);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    const words = paragraph.split(/\s+/).filter((w) => w !== '');
    let line = '';
    for (const word of words) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (line !== '' && measureText(candidate, sizePt, family, bold) > maxWidth) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    lines.push(line);
  }
  return lines;
}
