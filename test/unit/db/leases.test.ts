/**
 * Run ownership by lease: two live processes never take each other's runs for orphans, whatever
 * their process ids; runs of a process whose lease expired become interrupted (queued ones too).
 * Each LabStore stands for one process (its own owner id and lease), on a real SQLite file.
 */
import { describe, expect, it } from 'vitest';
import {
  CLOSED_RUN_ERROR,
  DEFAULT_LEASE_MS,
  LEASE_ENV_VAR,
  LabStore,
  ORPHANED_QUEUED_ERROR,
  ORPHANED_RUN_ERROR,
  leaseDurationMs,
} from '../../../db/store.js';
import { openStore, sampleRuns, tempDbPath } from './helpers.js';
import { storeConnection, withConnection } from './connection.js';

const VERSIONS = { tfjs: '4.22.0', backend: 'cpu', node: 'v20' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function lease(store: LabStore, ownerId: string) {
  return withConnection(store, (db) => db.prepare(`SELECT * FROM run_leases WHERE owner_id = ?`).get(ownerId)) as
    | { owner_id: string; pid: number; host: string; renewed_at: string; expires_at: string }
    | undefined;
}

/** Stops a store the way a killed process stops: no close, no release, no more renewals. */
function crash(store: LabStore): void {
  storeConnection(store).close();
}

describe('run leases', () => {
  it('never marks the runs of a live process interrupted, whatever its process id (PID 1, a pid from another namespace)', () => {
    const file = tempDbPath();
    const cli = openStore(file);
    const { runIds } = cli.createExperiment({ name: 'e', config: {}, runs: sampleRuns() });
    // PID 1 is "always alive" in a container; a pid from another PID namespace looks dead here.
    expect(cli.markRunStarted(runIds[0], { backend: 'cpu', versions: VERSIONS, ownerPid: 1 })).toBe(true);
    expect(cli.markRunStarted(runIds[1], { backend: 'cpu', versions: VERSIONS, ownerPid: 2 ** 22 + 12345 })).toBe(true);

    const app = openStore(file);
    expect(app.markOrphanedRunsInterrupted()).toBe(0);
    expect(app.listRuns().map((r) => r.status)).toEqual(['running', 'running', 'queued', 'queued']);
    expect(app.listRuns().every((r) => r.error === null)).toBe(true);
    const row = lease(app, cli.ownerId)!;
    expect(row).toMatchObject({ pid: process.pid });
    expect(Date.parse(row.expires_at) - Date.parse(row.renewed_at)).toBe(cli.leaseMs);
  });

  it('on open, marks running and queued runs of a process whose lease expired as interrupted, each with its reason', async () => {
    const file = tempDbPath();
    const dead = LabStore.open(file, { leaseMs: 200 });
    const { runIds } = dead.createExperiment({ name: 'e', config: {}, runs: sampleRuns() });
    dead.markRunStarted(runIds[0], { backend: 'cpu', versions: VERSIONS, ownerPid: process.pid });
    dead.finishRun(runIds[1], 'completed');
    const deadOwner = dead.ownerId;
    crash(dead);

    // Within the lease, the runs are still the other process's.
    const early = openStore(file);
    expect(early.listRuns().map((r) => r.status)).toEqual(['running', 'completed', 'queued', 'queued']);
    await sleep(300);

    const store = openStore(file);
    const runs = store.listRuns();
    expect(runs.map((r) => [r.status, r.error])).toEqual([
      ['interrupted', ORPHANED_RUN_ERROR],
      ['completed', null],
      ['interrupted', ORPHANED_QUEUED_ERROR],
      ['interrupted', ORPHANED_QUEUED_ERROR],
    ]);
    expect(runs.filter((r) => r.status === 'interrupted').every((r) => r.finishedAt !== null)).toBe(true);
    // The expired lease is gone; checking again changes nothing.
    expect(lease(store, deadOwner)).toBeUndefined();
    expect(store.markOrphanedRunsInterrupted()).toBe(0);
  });

  it('renews the lease on a timer while it owns runs, and gives it up once none is left', async () => {
    const file = tempDbPath();
    const owner = openStore(file);
    const short = LabStore.open(file, { leaseMs: 300 });
    try {
      const { runIds } = short.createExperiment({ name: 'e', config: {}, runs: sampleRuns() });
      const first = lease(owner, short.ownerId)!;
      // Three lease periods later the runs are still its own: the timer renewed the lease.
      await sleep(900);
      const renewed = lease(owner, short.ownerId)!;
      expect(Date.parse(renewed.expires_at)).toBeGreaterThan(Date.parse(first.expires_at) + 300);
      expect(owner.markOrphanedRunsInterrupted()).toBe(0);
      expect(owner.listRuns().every((r) => r.status === 'queued')).toBe(true);

      for (const id of runIds) short.finishRun(id, 'completed');
      short.renewLease();
      expect(lease(owner, short.ownerId)).toBeUndefined();
      // And the timer stopped: nothing writes the lease again.
      await sleep(400);
      expect(lease(owner, short.ownerId)).toBeUndefined();
    } finally {
      short.close();
    }
  });

  it('takes back its runs when another process wrongly took them for orphans (its lease could not be renewed in time)', () => {
    const file = tempDbPath();
    const slow = openStore(file);
    const { runIds } = slow.createExperiment({ name: 'e', config: {}, runs: sampleRuns() });
    slow.markRunStarted(runIds[0], { backend: 'cpu', versions: VERSIONS, ownerPid: process.pid });
    // As if its event loop had been blocked for a whole lease period.
    withConnection(slow, (db) => db.prepare(`UPDATE run_leases SET renewed_at = ?, expires_at = ? WHERE owner_id = ?`).run('2000-01-01T00:00:00.000Z', '2000-01-01T00:00:01.000Z', slow.ownerId));
    const other = openStore(file);
    expect(other.listRuns().map((r) => r.status)).toEqual(['interrupted', 'interrupted', 'interrupted', 'interrupted']);

    slow.renewLease();
    expect(other.listRuns().map((r) => [r.status, r.error, r.finishedAt])).toEqual([
      ['running', null, null],
      ['queued', null, null],
      ['queued', null, null],
      ['queued', null, null],
    ]);
    // A run taken back while it was still waiting can be started as usual.
    expect(slow.markRunStarted(runIds[1], { backend: 'cpu', versions: VERSIONS, ownerPid: process.pid })).toBe(true);
  });

  it('on close, marks the runs it still owns interrupted and removes its lease', () => {
    const file = tempDbPath();
    const store = LabStore.open(file);
    const { runIds } = store.createExperiment({ name: 'e', config: {}, runs: sampleRuns() });
    store.markRunStarted(runIds[0], { backend: 'cpu', versions: VERSIONS, ownerPid: process.pid });
    store.finishRun(runIds[1], 'diverged', 'loss became NaN');
    const ownerId = store.ownerId;
    store.close();

    const after = openStore(file);
    expect(after.listRuns().map((r) => [r.status, r.error])).toEqual([
      ['interrupted', CLOSED_RUN_ERROR],
      ['diverged', 'loss became NaN'],
      ['interrupted', CLOSED_RUN_ERROR],
      ['interrupted', CLOSED_RUN_ERROR],
    ]);
    expect(lease(after, ownerId)).toBeUndefined();
  });

  it('starts only runs it queued and that are still waiting', () => {
    const file = tempDbPath();
    const mine = openStore(file);
    const theirs = openStore(file);
    const a = mine.createExperiment({ name: 'a', config: {}, runs: sampleRuns() });
    const b = theirs.createExperiment({ name: 'b', config: {}, runs: sampleRuns() });
    expect(mine.ownQueuedRunIds(a.experimentId)).toEqual(a.runIds);
    expect(mine.ownQueuedRunIds(b.experimentId)).toEqual([]);
    expect(mine.isRunWaiting(a.runIds[0])).toBe(true);
    expect(mine.isRunWaiting(b.runIds[0])).toBe(false);
    expect(mine.markRunStarted(b.runIds[0], { backend: 'cpu', versions: VERSIONS, ownerPid: process.pid })).toBe(false);
    expect(theirs.getRun(b.runIds[0])?.status).toBe('queued');

    // Cancelled by another process between queueing and starting: not started, status kept.
    theirs.cancelQueuedRuns([a.runIds[1]]);
    expect(mine.isRunWaiting(a.runIds[1])).toBe(false);
    expect(mine.markRunStarted(a.runIds[1], { backend: 'cpu', versions: VERSIONS, ownerPid: process.pid })).toBe(false);
    expect(mine.getRun(a.runIds[1])?.status).toBe('cancelled');
    expect(() => mine.markRunStarted(999, { backend: 'cpu', versions: VERSIONS, ownerPid: process.pid })).toThrow('run 999 does not exist');
  });

  it('reads the lease duration from $RELU_LAB_LEASE_SECONDS, with a message naming it when invalid', () => {
    expect(leaseDurationMs({})).toBe(DEFAULT_LEASE_MS);
    expect(leaseDurationMs({ [LEASE_ENV_VAR]: '2.5' })).toBe(2500);
    expect(leaseDurationMs({ [LEASE_ENV_VAR]: ' ' })).toBe(DEFAULT_LEASE_MS);
    for (const bad of ['abc', '0', '-3', '0.1', '1e9', 'Infinity']) {
      expect(() => leaseDurationMs({ [LEASE_ENV_VAR]: bad })).toThrow(`RELU_LAB_LEASE_SECONDS: must be a number of seconds from 0.2 to 86400, got ${JSON.stringify(bad)}`);
    }
  });
});
