/**
 * The app's root folder (the one holding its package.json), found by walking up from this module,
 * so it is right both from the sources (electron/) and from a bundle (dist/electron/, app.asar).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppPackage {
  root: string;
  name: string;
  version: string;
}

let cached: AppPackage | null = null;

export function appPackage(): AppPackage {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'relu-lab') return (cached = { root: dir, name: pkg.name, version: pkg.version ?? 'unknown' });
    } catch {
      // Not here: keep looking.
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Should not happen: fall back to the working directory.
  return (cached = { root: process.cwd(), name: 'relu-lab', version: 'unknown' });
}

/** The app's root folder. */
export function appRoot(): string {
  return appPackage().root;
}
