/** Fixtures for the main-process tests: temp folders, a tiny experiment, services that are closed after each test. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { LabEvent } from '../../../shared/api.js';
import { LabService, type LabServiceOptions } from '../../../electron/lab/service.js';

const tempDirs: string[] = [];
const services: LabService[] = [];

afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-main-'));
  tempDirs.push(dir);
  return dir;
}

/** A tiny experiment: 64 blobs, one hidden layer of 4 units, a couple of epochs. Trains in well under a second. */
export function tinyConfig(overrides: { name?: string; epochs?: number; seeds?: number[]; learningRate?: number; samples?: number } = {}) {
  return {
    name: overrides.name ?? 'tiny',
    dataset: { kind: 'blobs', samples: overrides.samples ?? 64, features: 4, classes: 2 },
    model: { hiddenLayers: 1, width: 4 },
    training: { learningRate: overrides.learningRate ?? 0.1, epochs: overrides.epochs ?? 2, batchSize: 16 },
    probe: { samples: 32 },
    seeds: overrides.seeds ?? [1],
  };
}

export interface TestService {
  service: LabService;
  dir: string;
  dbFile: string;
  settingsFile: string;
  events: LabEvent[];
  logs: string[];
}

/** A LabService on a fresh database and settings file (cpu backend, one worker), closed after the test. */
export function openService(options: Partial<LabServiceOptions> & { dir?: string } = {}): TestService {
  const dir = options.dir ?? tempDir();
  const dbFile = path.join(dir, 'lab.sqlite');
  const settingsFile = options.settingsFile ?? path.join(dir, 'settings.json');
  const logs: string[] = [];
  const service = LabService.open({
    transport: 'ipc',
    settingsFile,
    env: {},
    log: (m) => logs.push(m),
    ...options,
    overrides: { databaseFile: dbFile, defaultBackend: 'cpu', workers: 1, ...(options.overrides ?? {}) },
  });
  services.push(service);
  const events: LabEvent[] = [];
  service.subscribe((e) => events.push(e));
  return { service, dir, dbFile, settingsFile, events, logs };
}

/** Resolves with the first event matching `predicate` (rejects after `ms`). */
export function waitForEvent<T extends LabEvent>(
  service: { subscribe(listener: (event: LabEvent) => void): () => void },
  predicate: (event: LabEvent) => event is T,
  ms?: number,
): Promise<T>;
export function waitForEvent(service: { subscribe(listener: (event: LabEvent) => void): () => void }, predicate: (event: LabEvent) => boolean, ms?: number): Promise<LabEvent>;
export function waitForEvent(service: { subscribe(listener: (event: LabEvent) => void): () => void }, predicate: (event: LabEvent) => boolean, ms = 60_000): Promise<LabEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching event within ${ms} ms`));
    }, ms);
    const off = service.subscribe((event) => {
      if (predicate(event)) {
        clearTimeout(timer);
        off();
        resolve(event);
      }
    });
  });
}

const FINAL = new Set(['completed', 'diverged', 'failed', 'cancelled', 'interrupted']);

/** Resolves once every one of these runs has reached a final status. */
export function waitForRuns(service: LabService, runIds: number[], ms = 60_000): Promise<void> {
  const pending = new Set(runIds);
  return new Promise((resolve, reject) => {
    const check = async () => {
      for (const id of [...pending]) {
        const r = await service.handle('getRun', [id]);
        if (r.ok && FINAL.has((r.value as { status: string }).status)) pending.delete(id);
      }
      if (pending.size === 0) {
        clearTimeout(timer);
        off();
        resolve();
      }
    };
    const timer = setTimeout(() => {
      off();
      reject(new Error(`runs ${[...pending].join(', ')} did not finish within ${ms} ms`));
    }, ms);
    const off = service.subscribe((event) => {
      if (event.type === 'run-status' && FINAL.has(event.status)) void check();
    });
    void check();
  });
}
