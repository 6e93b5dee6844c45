/**
 * Figure SVG (shared/figure) to PNG and PDF, in Node (CLI and the Electron main process).
 *
 * - PNG: resvg (Rust, prebuilt binaries from npm) at exactly inches × dpi pixels, on white, with the
 *   system fonts (Liberation / DejaVu on Linux, Arial / Times New Roman on macOS and Windows); the
 *   DPI is recorded in a pHYs chunk, so LaTeX and Word place it at its size in inches.
 * - PDF: PDFKit + SVG-to-PDFKit (pure JS): a vector page the size of the figure, paths as PDF path
 *   operators and text as real text in embedded (subset) TrueType fonts, so it stays sharp and
 *   searchable. Without any TrueType font installed it falls back to the PDF base-14 fonts.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';
import { pixelSizeAt, svgPhysicalSize, PT_PER_IN } from '../../shared/figure/layout.js';

type SvgToPdfKit = (
  doc: PDFKit.PDFDocument,
  svg: string,
  x: number,
  y: number,
  options: {
    width?: number;
    height?: number;
    assumePt?: boolean;
    preserveAspectRatio?: string;
    fontCallback?: (family: string, bold: boolean, italic: boolean, fontOptions: { fauxBold: boolean; fauxItalic: boolean }) => string;
    warningCallback?: (message: string) => void;
  },
) => void;

const require = createRequire(import.meta.url);
const svgToPdfKit = require('svg-to-pdfkit') as SvgToPdfKit;

// ---------------------------------------------------------------------------------------------
// Fonts

type FontClass = 'sans' | 'serif' | 'dejavu-sans' | 'dejavu-serif';
type FontStyle = 'regular' | 'bold' | 'italic' | 'boldItalic';

interface InstalledFamily {
  /** Family name as fontconfig / resvg know it. */
  family: string;
  files: Partial<Record<FontStyle, string>>;
}

/** Candidate font files per class, best first (file names are matched case-insensitively). */
const CANDIDATES: Record<FontClass, { family: string; files: Record<FontStyle, string[]> }[]> = {
  sans: [
    { family: 'Arial', files: { regular: ['arial.ttf'], bold: ['arialbd.ttf', 'arial bold.ttf'], italic: ['ariali.ttf', 'arial italic.ttf'], boldItalic: ['arialbi.ttf', 'arial bold italic.ttf'] } },
    { family: 'Liberation Sans', files: { regular: ['liberationsans-regular.ttf'], bold: ['liberationsans-bold.ttf'], italic: ['liberationsans-italic.ttf'], boldItalic: ['liberationsans-bolditalic.ttf'] } },
    { family: 'DejaVu Sans', files: { regular: ['dejavusans.ttf'], bold: ['dejavusans-bold.ttf'], italic: ['dejavusans-oblique.ttf'], boldItalic: ['dejavusans-boldoblique.ttf'] } },
  ],
  serif: [
    { family: 'Times New Roman', files: { regular: ['times.ttf', 'times new roman.ttf'], bold: ['timesbd.ttf', 'times new roman bold.ttf'], italic: ['timesi.ttf', 'times new roman italic.ttf'], boldItalic: ['timesbi.ttf', 'times new roman bold italic.ttf'] } },
    { family: 'Liberation Serif', files: { regular: ['liberationserif-regular.ttf'], bold: ['liberationserif-bold.ttf'], italic: ['liberationserif-italic.ttf'], boldItalic: ['liberationserif-bolditalic.ttf'] } },
    { family: 'DejaVu Serif', files: { regular: ['dejavuserif.ttf'], bold: ['dejavuserif-bold.ttf'], italic: ['dejavuserif-italic.ttf'], boldItalic: ['dejavuserif-bolditalic.ttf'] } },
  ],
  'dejavu-sans': [{ family: 'DejaVu Sans', files: { regular: ['dejavusans.ttf'], bold: ['dejavusans-bold.ttf'], italic: ['dejavusans-oblique.ttf'], boldItalic: ['dejavusans-boldoblique.ttf'] } }],
  'dejavu-serif': [{ family: 'DejaVu Serif', files: { regular: ['dejavuserif.ttf'], bold: ['dejavuserif-bold.ttf'], italic: ['dejavuserif-italic.ttf'], boldItalic: ['dejavuserif-bolditalic.ttf'] } }],
};

function fontDirs(): string[] {
  const home = os.homedir();
  const dirs = ['/usr/share/fonts', '/usr/local/share/fonts', path.join(home, '.fonts'), path.join(home, '.local/share/fonts'), '/System/Library/Fonts', '/Library/Fonts', path.join(home, 'Library/Fonts')];
  if (process.platform === 'win32') dirs.push(path.join(process.env.WINDIR ?? 'C:\\Windows', 'Fonts'));
  return dirs;
}

let fileIndex: Map<string, string> | null = null;

/** Lower-cased file name → path of every .ttf under the usual font directories (first wins). */
function fontFileIndex(): Map<string, string> {
  if (fileIndex !== null) return fileIndex;
  const index = new Map<string, string>();
  const walk = (dir: string, depth: number): void => {
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of names) {
      const p = path.join(dir, d.name);
      if (d.isDirectory() && depth < 5) walk(p, depth + 1);
      else if ((d.isFile() || d.isSymbolicLink()) && d.name.toLowerCase().endsWith('.ttf') && !index.has(d.name.toLowerCase())) index.set(d.name.toLowerCase(), p);
    }
  };
  for (const dir of fontDirs()) walk(dir, 0);
  fileIndex = index;
  return index;
}

const installedCache = new Map<FontClass, InstalledFamily | null>();

/** The first installed family of a class (needs at least its regular face). */
function installed(cls: FontClass): InstalledFamily | null {
  if (installedCache.has(cls)) return installedCache.get(cls) ?? null;
  const index = fontFileIndex();
  let found: InstalledFamily | null = null;
  for (const cand of CANDIDATES[cls]) {
    const files: Partial<Record<FontStyle, string>> = {};
    for (const style of ['regular', 'bold', 'italic', 'boldItalic'] as FontStyle[]) {
      const hit = cand.files[style].map((f) => index.get(f)).find((p) => p !== undefined);
      if (hit !== undefined) files[style] = hit;
    }
    if (files.regular !== undefined) {
      found = { family: cand.family, files };
      break;
    }
  }
  installedCache.set(cls, found);
  return found;
}

/** Which class a CSS family name belongs to (null: unknown, try the next one in the list). */
function classOf(name: string): FontClass | null {
  const n = name.toLowerCase();
  if (n === 'dejavu sans' || n === 'dejavu sans condensed') return 'dejavu-sans';
  if (n === 'dejavu serif') return 'dejavu-serif';
  if (['helvetica', 'helvetica neue', 'arial', 'liberation sans', 'nimbus sans', 'sans-serif', 'system-ui'].includes(n)) return 'sans';
  if (['times', 'times new roman', 'liberation serif', 'nimbus roman', 'serif', 'georgia'].includes(n)) return 'serif';
  return null;
}

function familyList(css: string): string[] {
  return css
    .split(',')
    .map((f) => f.trim().replace(/^['"]|['"]$/g, '').trim())
    .filter((f) => f !== '');
}

/** Installed families a CSS font-family list resolves to, in order (resvg and PDF agree on it). */
function resolveFamily(css: string): { cls: FontClass; fam: InstalledFamily } | null {
  for (const name of familyList(css)) {
    const cls = classOf(name);
    if (cls === null) continue;
    const fam = installed(cls);
    if (fam !== null) return { cls, fam };
  }
  const fallback = installed('sans') ?? installed('dejavu-sans');
  return fallback === null ? null : { cls: 'sans', fam: fallback };
}

/** Font files the converters would use for `css` (for diagnostics and tests). */
export function figureFontFiles(css = 'sans-serif'): { family: string; files: Partial<Record<FontStyle, string>> } | null {
  const r = resolveFamily(css);
  return r === null ? null : { family: r.fam.family, files: { ...r.fam.files } };
}

// ---------------------------------------------------------------------------------------------
// PNG

export interface PngOptions {
  /** Dots per inch: the PNG is round(width in × dpi) by round(height in × dpi) pixels. */
  dpi: number;
  /** Background colour (default white; 'transparent' keeps alpha). */
  background?: string;
}

/** Replace the root element's width/height (keeping everything else). */
function withRootSize(svg: string, width: string, height: string, extra = ''): string {
  return svg.replace(/<svg\b[^>]*>/, (root) => {
    let r = root.replace(/\s(width|height)\s*=\s*("[^"]*"|'[^']*')/g, '');
    if (extra !== '') r = r.replace(/\spreserveAspectRatio\s*=\s*("[^"]*"|'[^']*')/g, '');
    return r.replace(/^<svg\b/, `<svg width="${width}" height="${height}"${extra}`);
  });
}

const PNG_SIGNATURE_BYTES = 8;
const METRES_PER_INCH = 0.0254;

/**
 * The PNG with its resolution recorded: one `pHYs` chunk (pixels per metre on both axes, unit
 * metre) right after IHDR, replacing any earlier one. LaTeX, Word and image viewers size the
 * image from it (1050 px at 300 dpi = 3.5 in); without it they assume 72 or 96 dpi.
 */
export function withPngDpi(png: Buffer, dpi: number): Buffer {
  if (!(Number.isFinite(dpi) && dpi > 0)) throw new RangeError(`withPngDpi: dpi must be > 0, got ${dpi}`);
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('withPngDpi: not a PNG (IHDR is not the first chunk)');
  const perMetre = Math.round(dpi / METRES_PER_INCH);
  const body = Buffer.alloc(4 + 9);
  body.write('pHYs', 0, 'latin1');
  body.writeUInt32BE(perMetre, 4);
  body.writeUInt32BE(perMetre, 8);
  body[12] = 1; // unit: metre
  const chunk = Buffer.alloc(4 + body.length + 4);
  chunk.writeUInt32BE(9, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(zlib.crc32(body), 4 + body.length);

  const parts: Buffer[] = [png.subarray(0, PNG_SIGNATURE_BYTES)];
  for (let off = PNG_SIGNATURE_BYTES; off < png.length; ) {
    const length = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const end = off + 12 + length;
    if (end > png.length) throw new Error(`withPngDpi: truncated ${type} chunk`);
    if (type !== 'pHYs') parts.push(png.subarray(off, end));
    if (type === 'IHDR') parts.push(chunk);
    off = end;
  }
  return Buffer.concat(parts);
}

/**
 * Rasterise a figure SVG at `dpi`. The size comes from the root's physical width/height
 * (`3.5in`, `800` px = 800/96 in); 3.5 in at 300 dpi is exactly 1050 pixels wide.
 */
export function svgToPng(svg: string, options: PngOptions): Buffer {
  const size = svgPhysicalSize(svg);
  if (size === null) throw new Error('svgToPng: the SVG root needs an absolute width and height (e.g. width="3.5in")');
  const px = pixelSizeAt(size.widthIn, size.heightIn, options.dpi);
  // Pin the canvas to the exact pixel size; the viewBox fills it (aspect differs by < 1 px).
  const pinned = withRootSize(svg, String(px.width), String(px.height), ' preserveAspectRatio="none"');
  const sans = installed('sans') ?? installed('dejavu-sans');
  const serif = installed('serif') ?? installed('dejavu-serif');
  const files = [sans, serif, installed('dejavu-sans')].flatMap((f) => (f === null ? [] : Object.values(f.files)));
  const resvg = new Resvg(pinned, {
    fitTo: { mode: 'original' },
    background: options.background === 'transparent' ? undefined : (options.background ?? '#ffffff'),
    font: {
      loadSystemFonts: true,
      fontFiles: [...new Set(files)],
      defaultFontFamily: sans?.family ?? 'DejaVu Sans',
      sansSerifFamily: sans?.family ?? 'DejaVu Sans',
      serifFamily: serif?.family ?? 'DejaVu Serif',
    },
    shapeRendering: 2,
    textRendering: 1,
    logLevel: 'off',
  });
  const image = resvg.render();
  if (image.width !== px.width || image.height !== px.height) {
    throw new Error(`svgToPng: rendered ${image.width}×${image.height}, expected ${px.width}×${px.height}`);
  }
  return withPngDpi(image.asPng(), options.dpi);
}

// ---------------------------------------------------------------------------------------------
// PDF

export interface PdfOptions {
  /** Page size in inches (default: the SVG's own physical size). */
  widthIn?: number;
  heightIn?: number;
  /** Document title (default: the SVG's <title>). */
  title?: string;
  /** Fixed creation date, for byte-stable files (default: now). */
  creationDate?: Date;
  /** Receives SVG-to-PDFKit warnings (unsupported features); default: ignored. */
  onWarning?: (message: string) => void;
}

function decodeXmlText(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

/**
 * A vector PDF of a figure SVG: one page of exactly widthIn × heightIn inches (MediaBox in points =
 * inches × 72) with the figure scaled to fill it.
 */
export function svgToPdf(svg: string, options: PdfOptions = {}): Buffer {
  const own = svgPhysicalSize(svg);
  const widthIn = options.widthIn ?? own?.widthIn;
  const heightIn = options.heightIn ?? own?.heightIn;
  if (!(widthIn !== undefined && widthIn > 0 && heightIn !== undefined && heightIn > 0)) {
    throw new Error('svgToPdf: page size unknown (pass widthIn and heightIn, or give the SVG an absolute width and height)');
  }
  const wPt = widthIn * PT_PER_IN;
  const hPt = heightIn * PT_PER_IN;
  const titleMatch = /<title>([^<]*)<\/title>/.exec(svg);
  const title = options.title ?? (titleMatch === null ? undefined : decodeXmlText(titleMatch[1]));
  const info: PDFKit.DocumentInfo = { Creator: 'ReLU Lab', Producer: 'ReLU Lab (PDFKit)' };
  if (title !== undefined && title !== '') info.Title = title;
  if (options.creationDate !== undefined) info.CreationDate = options.creationDate;
  const doc = new PDFDocument({ size: [wPt, hPt], margin: 0, autoFirstPage: true, compress: true, info, pdfVersion: '1.4' });

  // Register the TrueType faces the SVG's font lists resolve to, under stable names.
  const registered = new Set<string>();
  const fontName = (css: string, bold: boolean, italic: boolean, fontOptions: { fauxBold: boolean; fauxItalic: boolean }): string => {
    const r = resolveFamily(css);
    if (r === null) {
      const serif = familyList(css).some((f) => classOf(f) === 'serif' || classOf(f) === 'dejavu-serif');
      const base = serif ? 'Times' : 'Helvetica';
      if (serif) return bold && italic ? 'Times-BoldItalic' : bold ? 'Times-Bold' : italic ? 'Times-Italic' : 'Times-Roman';
      return bold && italic ? `${base}-BoldOblique` : bold ? `${base}-Bold` : italic ? `${base}-Oblique` : base;
    }
    const want: FontStyle = bold && italic ? 'boldItalic' : bold ? 'bold' : italic ? 'italic' : 'regular';
    let style: FontStyle = want;
    if (r.fam.files[want] === undefined) {
      style = bold && r.fam.files.bold !== undefined ? 'bold' : italic && r.fam.files.italic !== undefined ? 'italic' : 'regular';
      fontOptions.fauxBold = bold && style !== 'bold';
      fontOptions.fauxItalic = italic && style !== 'italic';
    }
    const name = `${r.fam.family.replace(/\s+/g, '')}-${style}`;
    if (!registered.has(name)) {
      doc.registerFont(name, r.fam.files[style] as string);
      registered.add(name);
    }
    return name;
  };

  // Base-14 fonts only encode WinAnsi: spell the typographic minus as a hyphen there.
  const canEmbed = installed('sans') !== null || installed('dejavu-sans') !== null || installed('serif') !== null;
  const source = canEmbed ? svg : svg.replace(/\u2212/g, '-');
  svgToPdfKit(doc, source, 0, 0, {
    width: wPt,
    height: hPt,
    assumePt: true,
    preserveAspectRatio: 'none',
    fontCallback: fontName,
    warningCallback: options.onWarning ?? (() => undefined),
  });

  // PDFKit writes synchronously into its (paused) readable buffer: drain it once the document ends.
  doc.end();
  const chunks: Buffer[] = [];
  for (let chunk = doc.read() as Buffer | null; chunk !== null; chunk = doc.read() as Buffer | null) chunks.push(chunk);
  const pdf = Buffer.concat(chunks);
  if (!pdf.subarray(Math.max(0, pdf.length - 32)).toString('latin1').includes('%%EOF')) throw new Error('svgToPdf: PDFKit did not finish the document');
  return pdf;
}
