/**
 * The lab's expected failures, by kind: what went wrong, not how it is reported. The API answers
 * them with an error code and the CLI with an exit code, both chosen by the error's type (never by
 * its text); anything else is a fault (`internal`, exit 1). Pure TypeScript.
 */
import { formatIssue, type ConfigIssue } from './issues.js';

/** Something named by id or name does not exist (API `not_found`). */
export class NotFoundError extends Error {
  constructor(
    /** What was looked for: `experiment`, `run`, `comparison`. */
    readonly what: string,
    readonly id: number | string,
    message = `${what} ${id} does not exist`,
  ) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The request is fine but the lab's state refuses it now: runs training, shutting down, replaced (API `conflict`). */
export class ConflictError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConflictError';
  }
}

/** What was given is invalid: an argument, a file's content (API `invalid_argument`; CLI exit 2). */
export class ValidationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ValidationError';
  }
}

/** An experiment config refused by the schema or by the checks against this machine, with every issue (API `invalid_config`). */
export class InvalidConfigError extends ValidationError {
  readonly issues: ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const n = issues.length;
    const first = issues[0] ? formatIssue(issues[0]) : 'invalid';
    super(`the experiment config is invalid: ${first}${n > 1 ? ` (and ${n - 1} more problem${n > 2 ? 's' : ''})` : ''}`);
    this.name = 'InvalidConfigError';
    this.issues = [...issues];
  }
}

/** The first line of an error's message (or of what was thrown): a one-line reason for a log or a terminal. */
export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
