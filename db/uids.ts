/**
 * Stable ids that several databases agree on, so the shards of one experiment, trained apart,
 * merge into the experiment one machine would have stored.
 *
 * - A run's uid is derived from its experiment's uid and its index in the expanded run list
 *   (a name-based UUID, version 5 of RFC 9562): every shard names run i the same way.
 * - An experiment's uid is random, unless given; `experimentUidForConfig` derives one from the
 *   validated config, for shards started without an explicit uid.
 * - A run's local id is the experiment's *id base* plus its index: the experiment reserves a block
 *   of as many ids as its config expands to runs (the runs table's AUTOINCREMENT counter moves past
 *   the block), and each run, whichever process or import brings it, takes its own id in it. In a
 *   fresh database the first experiment's runs get ids 1..R, exactly as one machine numbers them.
 */
import { createHash, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { canonicalJson } from '../shared/shard.js';

/** The namespace of experiment uids derived from configs (a fixed, random UUID). */
const CONFIG_NAMESPACE = '5d1f6c2e-8f3b-4a61-9e0d-7c4b2a9f1e38';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** A name-based UUID (version 5: SHA-1 of the namespace's bytes and the name). */
export function nameBasedUuid(namespace: string, name: string): string {
  if (!isUuid(namespace)) throw new Error(`not a UUID namespace: ${namespace}`);
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The uid of run `index` of an experiment: the same in every database. */
export function runUid(experimentUid: string, index: number): string {
  // Experiments stored before uids were derived may have any text as uid: hash it into a namespace.
  const namespace = isUuid(experimentUid) ? experimentUid : nameBasedUuid(CONFIG_NAMESPACE, `experiment ${experimentUid}`);
  return nameBasedUuid(namespace, `run ${index}`);
}

/** The experiment uid every shard of this validated config derives by itself. */
export function experimentUidForConfig(validatedConfig: unknown): string {
  return nameBasedUuid(CONFIG_NAMESPACE, canonicalJson(validatedConfig));
}

export function newExperimentUid(): string {
  return randomUUID();
}

/**
 * Reserves `count` consecutive run ids after every id handed out so far and returns the first:
 * AUTOINCREMENT never hands them out again, so only runs placed by index take them.
 */
export function reserveRunIds(db: Database.Database, count: number): number {
  const seq = (db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'runs'`).pluck().get() as number | undefined) ?? 0;
  const last = seq + Math.max(0, count);
  if (db.prepare(`UPDATE sqlite_sequence SET seq = ? WHERE name = 'runs'`).run(last).changes === 0) {
    db.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES ('runs', ?)`).run(last);
  }
  return seq + 1;
}

/** The id base of an experiment that has runs here (run id minus run index), else null. */
export function runIdBase(db: Database.Database, experimentId: number): number | null {
  const base = db.prepare(`SELECT MIN(id - run_index) FROM runs WHERE experiment_id = ?`).pluck().get(experimentId) as number | null;
  return base ?? null;
}

/** `base + index` when that id is free, else null (the database then picks the next id). */
export function runIdAt(db: Database.Database, base: number | null, index: number, total: number): number | null {
  if (base === null || index >= total) return null;
  const id = base + index;
  return db.prepare(`SELECT 1 FROM runs WHERE id = ?`).pluck().get(id) === undefined ? id : null;
}
