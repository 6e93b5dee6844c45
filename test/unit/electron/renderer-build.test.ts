/**
 * The renderer both carriers serve is a production build, whatever NODE_ENV the shell (or the test
 * runner, which sets "test") hands to `vite build`: React's development build is several times
 * slower, larger, and prints development warnings into the page's console.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/**
 * Strings only React's development builds contain, and the development JSX runtime's function (a
 * bundle calling it against React's production build fails with "jsxDEV is not a function").
 */
const REACT_DEVELOPMENT_MARKERS = ['Each child in a list should have a unique', 'The above error occurred in the', 'jsxDEV'];

describe('vite build of the renderer', () => {
  // "development" rather than vitest's own "test": a fix that only special-cased the test runner would not pass.
  it('is a production build even with NODE_ENV=development', () => {
    const nodeEnv = 'development';
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-renderer-build-'));
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: nodeEnv },
        stdio: 'pipe',
      });
      const assets = path.join(outDir, 'assets');
      const scripts = fs.readdirSync(assets).filter((f) => f.endsWith('.js'));
      expect(scripts.length).toBeGreaterThan(0);
      const code = scripts.map((f) => fs.readFileSync(path.join(assets, f), 'utf8')).join('\n');
      // (Booleans: a failure should name the marker, not print a megabyte of bundle.)
      expect(REACT_DEVELOPMENT_MARKERS.filter((marker) => code.includes(marker))).toEqual([]);
      expect(/process\.env\.NODE_ENV/.test(code)).toBe(false);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }, 180_000);
});
