/**
 * The one rule that turns a name a person gave (an experiment, a saved comparison) into a file name:
 * "Large LR (copy) — é" → "large-lr-copy-e". Accents are dropped, everything but a–z and 0–9 becomes
 * one "-", at most 60 characters. Used by the lab's suggested bundle names and by every file the page
 * names (metrics CSV, config JSON, exported figures).
 */
export function slug(name: string, fallback = 'experiment'): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s || fallback;
}
