/** Minimal, deterministic SVG/XML writing: escaping, number formatting, element strings. */

// Characters XML 1.0 forbids (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/FFFF).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape text for element content or a double-quoted attribute; drops characters XML cannot hold. */
export function escapeXml(value: string): string {
  return value
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A coordinate with at most 2 decimals (points: 1/100 pt is far below print resolution). */
export function num(v: number): string {
  if (!Number.isFinite(v)) return '0';
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) || r === 0 ? '0' : String(r);
}

export type Attrs = Record<string, string | number | undefined | null | false>;

function attrs(a: Attrs): string {
  let s = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined || v === null || v === false) continue;
    s += ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v)}"`;
  }
  return s;
}

/** `<name attrs/>` or `<name attrs>children</name>`; children are already-serialized XML. */
export function el(name: string, a: Attrs, children?: string | string[]): string {
  const body = Array.isArray(children) ? children.join('') : children;
  if (body === undefined || body === '') return `<${name}${attrs(a)}/>`;
  return `<${name}${attrs(a)}>${body}</${name}>`;
}

/** Path data from a list of points: "M x y L x y …". */
export function pathData(points: [number, number][], close = false): string {
  let d = '';
  for (let i = 0; i < points.length; i++) d += `${i === 0 ? 'M' : 'L'}${num(points[i][0])} ${num(points[i][1])}`;
  return close && points.length > 0 ? `${d}Z` : d;
}
