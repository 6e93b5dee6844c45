/** Run artifacts: a run's final weights (TF.js layers format) and its probe set. */
import type Database from 'better-sqlite3';
import type { RunArtifacts } from '../shared/metrics.js';
import { blobToBytes, blobToFloat32, float32ToBlob } from './blobs.js';
import type { RunRepository } from './runs.js';
import { prepare, toJson } from './sql.js';

interface ArtifactsRow {
  model_topology_json: string;
  weight_specs_json: string;
  weight_data: Buffer;
  probe_indices_json: string;
  probe_inputs: Buffer;
  input_size: number;
}

function prepareStatements(db: Database.Database) {
  return {
    upsertArtifacts: prepare(
      db,
      `INSERT INTO run_artifacts (run_id, model_topology_json, weight_specs_json, weight_data,
         probe_indices_json, probe_inputs, input_size)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET
         model_topology_json = excluded.model_topology_json, weight_specs_json = excluded.weight_specs_json,
         weight_data = excluded.weight_data, probe_indices_json = excluded.probe_indices_json,
         probe_inputs = excluded.probe_inputs, input_size = excluded.input_size`,
    ),
    artifacts: prepare<[number], ArtifactsRow>(db, `SELECT * FROM run_artifacts WHERE run_id = ?`),
  };
}

export class ArtifactRepository {
  private readonly stmt: ReturnType<typeof prepareStatements>;

  constructor(
    db: Database.Database,
    private readonly runs: RunRepository,
  ) {
    this.stmt = prepareStatements(db);
  }

  /** Saves (or replaces) a run's artifacts. */
  save(runId: number, artifacts: RunArtifacts): void {
    this.runs.require(runId);
    this.stmt.upsertArtifacts.run(
      runId,
      toJson(artifacts.modelTopology, 'the model topology'),
      toJson(artifacts.weightSpecs, 'the weight specs'),
      Buffer.from(artifacts.weightData.buffer, artifacts.weightData.byteOffset, artifacts.weightData.byteLength),
      toJson(artifacts.probeIndices, 'the probe indices'),
      float32ToBlob(artifacts.probeInputs),
      artifacts.inputSize,
    );
  }

  /** The run's artifacts, or null when none were saved. */
  get(runId: number): RunArtifacts | null {
    const row = this.stmt.artifacts.get(runId);
    if (!row) {
      this.runs.require(runId);
      return null;
    }
    return {
      modelTopology: JSON.parse(row.model_topology_json) as unknown,
      weightSpecs: JSON.parse(row.weight_specs_json) as RunArtifacts['weightSpecs'],
      weightData: blobToBytes(row.weight_data),
      probeIndices: JSON.parse(row.probe_indices_json) as number[],
      probeInputs: blobToFloat32(row.probe_inputs, `run ${runId} probe inputs`),
      inputSize: row.input_size,
    };
  }
}
