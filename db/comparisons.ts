/** Saved comparisons: a comparison spec (shared/compare.ts) under a unique name. */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { comparisonSpecSchema, parseComparisonSpec, type ComparisonSpecInput, type SavedComparison } from '../shared/compare.js';
import { NotFoundError } from '../shared/errors.js';
import { formatIssue, zodIssues } from '../shared/issues.js';
import { now, prepare, toJson } from './sql.js';

interface ComparisonRow {
  id: number;
  uid: string;
  name: string;
  spec_json: string;
  created_at: string;
  updated_at: string;
}

const MAX_COMPARISON_NAME = 200;

function comparisonName(name: unknown): string {
  if (typeof name !== 'string') throw new Error(`comparison name: must be a string, got ${typeof name}`);
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new Error('comparison name: must not be empty');
  if (trimmed.length > MAX_COMPARISON_NAME) {
    throw new Error(`comparison name: must be at most ${MAX_COMPARISON_NAME} characters, got ${trimmed.length}`);
  }
  return trimmed;
}

function comparisonFromRow(row: ComparisonRow): SavedComparison {
  // Parsed again so specs saved before a field was added get its default.
  const stored: unknown = JSON.parse(row.spec_json);
  const parsed = comparisonSpecSchema.safeParse(stored);
  if (!parsed.success) {
    throw new Error(`comparison "${row.name}" (id ${row.id}) has an invalid stored spec: ${zodIssues(parsed.error.issues, stored).map(formatIssue).join('; ')}`);
  }
  return { id: row.id, name: row.name, spec: parsed.data, createdAt: row.created_at, updatedAt: row.updated_at };
}

function prepareStatements(db: Database.Database) {
  return {
    // Saving under an existing name replaces the spec and keeps the row's id, uid and created_at.
    saveComparison: prepare<[{ uid: string; name: string; spec: string; now: string }], ComparisonRow>(
      db,
      `INSERT INTO comparisons (uid, name, spec_json, created_at, updated_at) VALUES (@uid, @name, @spec, @now, @now)
       ON CONFLICT (name) DO UPDATE SET spec_json = excluded.spec_json, updated_at = excluded.updated_at
       RETURNING *`,
    ),
    comparisons: prepare<[], ComparisonRow>(db, `SELECT * FROM comparisons ORDER BY name COLLATE NOCASE, name, id`),
    comparisonById: prepare<[number], ComparisonRow>(db, `SELECT * FROM comparisons WHERE id = ?`),
    comparisonByName: prepare<[string], ComparisonRow>(db, `SELECT * FROM comparisons WHERE name = ?`),
    deleteComparison: prepare<[number]>(db, `DELETE FROM comparisons WHERE id = ?`),
  };
}

export class ComparisonRepository {
  private readonly stmt: ReturnType<typeof prepareStatements>;

  constructor(db: Database.Database) {
    this.stmt = prepareStatements(db);
  }

  /**
   * Saves a comparison under a name (trimmed; 1 to 200 characters). Saving under a name that
   * exists replaces that comparison's spec and keeps its id. The spec is validated with
   * comparisonSpecSchema and stored with its defaults filled in; an invalid one is refused with
   * an error naming the field (e.g. `invalid comparison spec: smoothing: ...`).
   */
  save(name: string, spec: ComparisonSpecInput): SavedComparison {
    const cleanName = comparisonName(name);
    const parsed = parseComparisonSpec(spec);
    const row = this.stmt.saveComparison.get({
      uid: randomUUID(),
      name: cleanName,
      spec: toJson(parsed, 'the comparison spec'),
      now: now(),
    });
    if (!row) throw new Error(`comparison "${cleanName}" could not be saved`);
    return comparisonFromRow(row);
  }

  /** Every saved comparison, by name (case-insensitive). */
  list(): SavedComparison[] {
    return this.stmt.comparisons.all().map(comparisonFromRow);
  }

  /** By id (a number) or by name (a string, trimmed); null when there is none. */
  get(idOrName: number | string): SavedComparison | null {
    const row =
      typeof idOrName === 'number'
        ? this.stmt.comparisonById.get(idOrName)
        : this.stmt.comparisonByName.get(idOrName.trim());
    return row ? comparisonFromRow(row) : null;
  }

  delete(id: number): void {
    if (this.stmt.deleteComparison.run(id).changes === 0) throw new NotFoundError('comparison', id);
  }
}
