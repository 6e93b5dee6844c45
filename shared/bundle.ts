/**
 * Experiment bundles: one file carrying whole experiments (runs, metrics, artifacts) from one lab
 * database to another. Written and read by db/bundle.ts; these are the parts the app and the CLI
 * need without Node. Pure TypeScript.
 */

/** The `format` field of every bundle header. */
export const BUNDLE_FORMAT = 'relu-lab-bundle';
/** The bundle format version this build writes, and the newest it reads. */
export const BUNDLE_VERSION = 1;
/** Suggested file name extension (without the dot). The file is gzip-compressed. */
export const BUNDLE_FILE_EXTENSION = 'relulab';

/** The first record of every bundle, whatever its version. */
export interface BundleHeader {
  format: typeof BUNDLE_FORMAT;
  version: number;
  /** ISO-8601 UTC. */
  createdAt: string;
  app: { name: string; version: string };
  /** Database schema version of the exporting lab (informative). */
  schemaVersion: number;
  /** How many experiments and runs follow. */
  experiments: number;
  runs: number;
}

/**
 * What importing a bundle did. Experiments and runs already in the database (same uid) are
 * skipped, so importing a bundle twice adds nothing the second time.
 */
export interface BundleImportResult {
  /** Experiments added. */
  experiments: number;
  /** Runs added. */
  runs: number;
  /** Experiments plus runs that were already in the database. */
  skipped: number;
  /** Local ids of every experiment of the bundle, added or already there, in bundle order. */
  experimentIds: number[];
}

/**
 * Why a bundle was refused (the database is then left untouched):
 * - `not-a-bundle`: some other file (an image, a plain JSON file, another gzip file...);
 * - `damaged`: truncated or corrupted (failed decompression, checksum mismatch, invalid record);
 * - `too-new`: written by a newer ReLU Lab, in a format version this build cannot read;
 * - `conflict`: its content clashes with the database (e.g. a run index already taken);
 * - `too-large`: it decompresses to more than one import takes (a "zip bomb" is refused early).
 */
export const BUNDLE_ERROR_REASONS = ['not-a-bundle', 'damaged', 'too-new', 'conflict', 'too-large'] as const;
export type BundleErrorReason = (typeof BUNDLE_ERROR_REASONS)[number];
