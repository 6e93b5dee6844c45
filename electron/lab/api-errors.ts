/** How the API answers the lab's expected failures: by their type (shared/errors.ts), never by their text. */
import { ApiError, type ApiErrorData } from '../../shared/api.js';
import { ConflictError, InvalidConfigError, NotFoundError, ValidationError } from '../../shared/errors.js';

/**
 * The API's answer to an expected failure, chosen by its type; null for a fault (answered `internal`).
 * A refused bundle or comparison is a ValidationError like a bad argument.
 */
export function apiErrorOf(err: unknown): ApiErrorData | null {
  if (err instanceof ApiError) return err.toData();
  const message = err instanceof Error ? err.message : '';
  if (err instanceof InvalidConfigError) return { code: 'invalid_config', message, issues: err.issues };
  if (err instanceof ValidationError) return { code: 'invalid_argument', message };
  if (err instanceof NotFoundError) return { code: 'not_found', message };
  if (err instanceof ConflictError) return { code: 'conflict', message };
  return null;
}
