import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { figureFontFiles, svgToPdf, svgToPng } from '../../../electron/figure/convert.js';
import { figurePixelSize, renderFigureSvg, type FigureSpec } from '../../../shared/figure/index.js';
import { ALL_SPECS, barsSpec, combinedSpec, heatmapSpec, linesSpec, logSpec } from './fixtures.js';

const OUT = path.resolve('test-results/figures');

function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const POPPLER = hasTool('pdftotext') && hasTool('pdftoppm');

// ---------------------------------------------------------------------------------------------
// A small PNG reader: IHDR, and RGBA pixels (8-bit RGBA, non-interlaced, as resvg writes them).

interface Png {
  width: number;
  height: number;
  colorType: number;
  pixel(x: number, y: number): [number, number, number, number];
}

function readPng(buf: Buffer): Png {
  expect(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(buf.toString('latin1', 12, 16)).toBe('IHDR');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const bitDepth = buf[24];
  const colorType = buf[25];
  const idat: Buffer[] = [];
  for (let off = 8; off < buf.length; ) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    if (type === 'IDAT') idat.push(buf.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  expect(bitDepth).toBe(8);
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : colorType === 0 ? 1 : colorType === 4 ? 2 : 0;
  expect(channels).toBeGreaterThan(0);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[y * stride + i - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? out[(y - 1) * stride + i - channels] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + i] = v & 0xff;
    }
  }
  return {
    width,
    height,
    colorType,
    pixel(x, y) {
      const o = y * stride + x * channels;
      if (channels === 4) return [out[o], out[o + 1], out[o + 2], out[o + 3]];
      if (channels === 3) return [out[o], out[o + 1], out[o + 2], 255];
      return [out[o], out[o], out[o], channels === 2 ? out[o + 1] : 255];
    },
  };
}

// ---------------------------------------------------------------------------------------------
// PDF inspection: objects are plain text, content streams are Flate-compressed.

function pdfStreams(pdf: Buffer): string[] {
  const out: string[] = [];
  const s = pdf.toString('latin1');
  const re = /(?<!end)stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const start = m.index + m[0].length;
    const end = s.indexOf('endstream', start);
    if (end < 0) break;
    const body = pdf.subarray(start, end);
    try {
      out.push(zlib.inflateSync(body).toString('latin1'));
    } catch {
      out.push(body.toString('latin1'));
    }
    re.lastIndex = end;
  }
  return out;
}

function mediaBox(pdf: Buffer): number[] {
  const m = /\/MediaBox \[([^\]]*)\]/.exec(pdf.toString('latin1'));
  expect(m).not.toBeNull();
  return m![1].trim().split(/\s+/).map(Number);
}

/** Every chunk of a PNG, with whether its CRC matches. */
function pngChunks(buf: Buffer): { type: string; data: Buffer; crcOk: boolean }[] {
  const chunks: { type: string; data: Buffer; crcOk: boolean }[] = [];
  for (let off = 8; off < buf.length; ) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    const crcOk = zlib.crc32(buf.subarray(off + 4, off + 8 + len)) === buf.readUInt32BE(off + 8 + len);
    chunks.push({ type, data, crcOk });
    off += 12 + len;
  }
  return chunks;
}

const outputs = new Map<string, { svg: string; png: Buffer; pdf: Buffer }>();

beforeAll(() => {
  fs.mkdirSync(OUT, { recursive: true });
  for (const [name, make] of Object.entries(ALL_SPECS)) {
    const svg = renderFigureSvg(make());
    const png = svgToPng(svg, { dpi: 300 });
    const pdf = svgToPdf(svg);
    fs.writeFileSync(path.join(OUT, `${name}.svg`), svg);
    fs.writeFileSync(path.join(OUT, `${name}.png`), png);
    fs.writeFileSync(path.join(OUT, `${name}.pdf`), pdf);
    outputs.set(name, { svg, png, pdf });
  }
});

describe('svgToPng', () => {
  it('has exactly the pixel size the DPI implies (IHDR)', () => {
    const png = readPng(outputs.get('lines')!.png);
    expect([png.width, png.height]).toEqual([1050, 1380]); // 3.5 in × 300 dpi, 4.6 in × 300 dpi
    for (const [spec, dpi] of [
      [linesSpec(), 150],
      [barsSpec(), 600],
      [heatmapSpec(), 72],
      [logSpec(), 96],
      [logSpec(), 200],
      [{ ...heatmapSpec(), width: 3.33, height: 2.17 }, 301],
    ] as [FigureSpec, number][]) {
      const img = readPng(svgToPng(renderFigureSvg(spec), { dpi }));
      expect({ width: img.width, height: img.height }).toEqual(figurePixelSize(spec, dpi));
    }
    const screen = readPng(svgToPng(renderFigureSvg(logSpec()), { dpi: 96 }));
    expect([screen.width, screen.height]).toEqual([800, 480]);
  });

  it('records its DPI in a pHYs chunk (pixels per metre) before the image data, with valid CRCs', () => {
    for (const dpi of [72, 96, 150, 300, 301, 600]) {
      const png = svgToPng(renderFigureSvg(logSpec()), { dpi });
      const chunks = pngChunks(png);
      const names = chunks.map((c) => c.type);
      expect(names[0]).toBe('IHDR');
      expect(names.filter((n) => n === 'pHYs')).toHaveLength(1);
      expect(names.indexOf('pHYs')).toBeLessThan(names.indexOf('IDAT'));
      expect(names.at(-1)).toBe('IEND');
      const phys = chunks.find((c) => c.type === 'pHYs')!.data;
      expect(phys.length).toBe(9);
      const perMetre = Math.round(dpi / 0.0254);
      expect([phys.readUInt32BE(0), phys.readUInt32BE(4), phys[8]]).toEqual([perMetre, perMetre, 1]);
      // What LaTeX and Word compute from it: the figure's size in inches.
      expect((readPng(png).width / perMetre) * 39.37).toBeCloseTo(800 / 96, 1);
      for (const c of chunks) expect(c.crcOk, c.type).toBe(true);
    }
    expect(pngChunks(outputs.get('lines')!.png).find((c) => c.type === 'pHYs')!.data.readUInt32BE(0)).toBe(11811); // 300 dpi
  });

  it('renders on white, with the data colours and dark text', () => {
    const png = readPng(outputs.get('bars')!.png);
    expect(png.pixel(0, 0)).toEqual([255, 255, 255, 255]);
    expect(png.pixel(png.width - 1, png.height - 1)).toEqual([255, 255, 255, 255]);
    let blue = 0;
    let dark = 0;
    for (let y = 0; y < png.height; y += 2) {
      for (let x = 0; x < png.width; x += 2) {
        const [r, g, b] = png.pixel(x, y);
        if (Math.abs(r - 0x00) < 6 && Math.abs(g - 0x72) < 6 && Math.abs(b - 0xb2) < 6) blue++;
        if (y < png.height * 0.12 && r < 90 && g < 90 && b < 90) dark++;
      }
    }
    expect(blue).toBeGreaterThan(1000); // the first group's bars
    expect(dark).toBeGreaterThan(100); // the title's glyphs: fonts were found
  });

  it('keeps transparency when asked', () => {
    const png = readPng(svgToPng(renderFigureSvg({ ...heatmapSpec(), background: 'none' }), { dpi: 50, background: 'transparent' }));
    expect(png.pixel(0, 0)[3]).toBe(0);
  });

  it('rejects SVGs without a physical size and bad DPIs', () => {
    expect(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>', { dpi: 300 })).toThrow(/absolute width/);
    expect(() => svgToPng(outputs.get('lines')!.svg, { dpi: 0 })).toThrow(RangeError);
  });
});

describe('svgToPdf', () => {
  it('is a PDF whose page is the figure size (MediaBox in points = inches × 72)', () => {
    const pdf = outputs.get('lines')!.pdf;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-8).toString('latin1')).toContain('%%EOF');
    expect(mediaBox(pdf)).toEqual([0, 0, 252, 331.2]);
    expect(mediaBox(outputs.get('bars')!.pdf)).toEqual([0, 0, 504, 187.2]);
    expect(mediaBox(outputs.get('log')!.pdf)).toEqual([0, 0, 600, 360]); // 800 × 480 px at 96 px/in
    expect(mediaBox(svgToPdf(outputs.get('heatmap')!.svg, { widthIn: 7, heightIn: 4.4 }))).toEqual([0, 0, 504, 316.8]);
    expect((pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length).toBe(1);
  });

  it('is vector: path and text operators, dashes and transparency, no images', () => {
    const pdf = outputs.get('combined')!.pdf;
    const raw = pdf.toString('latin1');
    expect(raw).not.toMatch(/\/Subtype\s*\/Image/);
    const content = pdfStreams(pdf).join('\n');
    expect(content).toMatch(/[\d.]+ [\d.]+ m\n/); // moveto
    expect(content).toMatch(/[\d.]+ [\d.]+ l\n/); // lineto
    expect(content).toMatch(/\n[fS]\n/); // fill / stroke
    expect(content).toMatch(/\[[\d. ]+\] [\d.]+ d\n/); // dash pattern
    expect(content).toMatch(/BT\n/);
    expect(content).toMatch(/\/F\d+ [\d.]+ Tf/);
    expect(content).toMatch(/> Tj|\) Tj|\] TJ/);
    expect(raw).toMatch(/\/ca 0\.2\b/); // translucent bands
    expect(raw).toMatch(/\/PatternType 1/); // hatching (grayscale-safe bars)
    expect(raw).toMatch(/\/Title \d+ 0 R/);
    expect(raw).toContain('(Dying ReLU: mitigation comparison)'); // document title from the SVG <title>
  });

  it('embeds the installed TrueType fonts (subset) the SVG font stacks resolve to', () => {
    const fonts = figureFontFiles("Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif");
    if (fonts === null) return; // no TrueType font installed: base-14 fallback
    const raw = outputs.get('lines')!.pdf.toString('latin1');
    expect(raw).toContain('/FontFile2');
    expect(raw).toMatch(new RegExp(`/BaseFont /[A-Z]{6}\\+${fonts.family.replace(/\s+/g, '')}`));
    const serif = outputs.get('bars')!.pdf.toString('latin1');
    const serifFonts = figureFontFiles("'Times New Roman', serif");
    if (serifFonts !== null) expect(serif).toContain(serifFonts.family.replace(/\s+/g, ''));
  });

  it.skipIf(!POPPLER)('text is extractable and the page rasterises (poppler)', () => {
    const file = path.join(OUT, 'combined.pdf');
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8');
    for (const s of ['Dying ReLU: mitigation comparison', 'ReLU (lr 0.1)', 'Leaky ReLU', 'ReLU + BatchNorm', 'Epoch', 'Dead fraction', 'Pre-activation z', 'epoch 40', 'Layer 4']) {
      expect(text).toContain(s);
    }
    const logText = execFileSync('pdftotext', [path.join(OUT, 'log.pdf'), '-']).toString('utf8');
    expect(logText).toContain('Training loss & <escaping> "test"');
    expect(logText).toContain('non-positive values omitted');
    const prefix = path.join(OUT, 'combined-pdf');
    execFileSync('pdftoppm', ['-png', '-r', '100', '-singlefile', file, prefix]);
    const png = readPng(fs.readFileSync(`${prefix}.png`));
    expect([png.width, png.height]).toEqual([700, 500]); // 7 in × 5 in at 100 dpi
    expect(png.pixel(2, 2).slice(0, 3)).toEqual([255, 255, 255]);
  });

  it('renders all fixture figures (a figure per kind, small multiples)', () => {
    for (const [name, o] of outputs) {
      expect(o.pdf.length, name).toBeGreaterThan(2000);
      expect(readPng(o.png).width, name).toBeGreaterThan(0);
    }
    expect(combinedSpec().panels.map((p) => p.kind)).toEqual(['lines', 'bars', 'heatmap', 'ridges']);
  });
});
