/**
 * Maps a request path to a file of the built renderer (dist/renderer), safely: no way out of the
 * folder (`..`, encoded slashes, symlinks), no dotfiles, and a single-page-app fallback to
 * index.html for paths that look like app routes. Used by the web server and by the Electron app's
 * own protocol.
 */
import fs from 'node:fs';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | {
      kind: 'file';
      file: string;
      size: number;
      contentType: string;
      /** Content-hashed build output (assets/): cacheable forever. */
      immutable: boolean;
      /** index.html served for an app route. */
      fallback: boolean;
    }
  | { kind: 'not-found' }
  | { kind: 'bad-request'; reason: string };

function isInside(root: string, file: string): boolean {
  return file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function statFile(file: string): fs.Stats | null {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? stat : null;
  } catch {
    return null;
  }
}

/**
 * Resolves a URL path (as it appears in the request, percent-encoded, dot segments already
 * resolved by the URL parser) inside `root`.
 */
export function resolveStatic(root: string, urlPath: string): StaticLookup {
  const rootDir = path.resolve(root);
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'bad-request', reason: 'malformed percent-encoding in the path' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'bad-request', reason: 'invalid character in the path' };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return { kind: 'bad-request', reason: 'the path leaves the app folder' };
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'not-found' };
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const file = path.resolve(rootDir, relative);
  if (!isInside(rootDir, file)) return { kind: 'bad-request', reason: 'the path leaves the app folder' };

  const stat = statFile(file);
  if (stat) {
    // A symlink inside the folder must not lead outside it.
    let real: string;
    let realRoot: string;
    try {
      real = fs.realpathSync(file);
      realRoot = fs.realpathSync(rootDir);
    } catch {
      return { kind: 'not-found' };
    }
    if (!isInside(realRoot, real)) return { kind: 'not-found' };
    return {
      kind: 'file',
      file,
      size: stat.size,
      contentType: contentTypeFor(file),
      immutable: segments[0] === 'assets',
      fallback: false,
    };
  }
  // App routes (no file extension, outside assets/) get the app itself; missing assets are 404s.
  const last = segments[segments.length - 1] ?? '';
  if (segments[0] !== 'assets' && !last.includes('.')) {
    const index = path.join(rootDir, 'index.html');
    const indexStat = statFile(index);
    if (indexStat) {
      return { kind: 'file', file: index, size: indexStat.size, contentType: contentTypeFor(index), immutable: false, fallback: true };
    }
  }
  return { kind: 'not-found' };
}
