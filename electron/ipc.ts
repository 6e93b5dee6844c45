/**
 * The main process's side of the IPC carrier, as plain functions it applies to what the page sends:
 * save requests, file names, database switches, external links. The operation list, the channel
 * names and the bridge's type are declared in shared/api-operations.ts. Free of Electron and of
 * Node, so all of it is tested in plain Node.
 */
import type { SaveFileRequest } from '../shared/api.js';

/** `path.resolve` for the one use here, without pulling Node's path module into this file. */
type Resolve = (file: string) => string;

/** Largest file the renderer may ask to save (bytes or characters). */
export const MAX_SAVE_FILE_BYTES = 1024 * 1024 * 1024;

/** Checks a save request coming from the renderer; returns the reason it is refused, or null. */
export function saveRequestProblem(request: unknown): string | null {
  if (request === null || typeof request !== 'object') return 'saveFile: the request must be an object';
  const r = request as Partial<SaveFileRequest>;
  if (typeof r.suggestedName !== 'string' || r.suggestedName.trim() === '' || r.suggestedName.length > 255) {
    return 'saveFile: suggestedName must be a file name of 1 to 255 characters';
  }
  if (typeof r.mimeType !== 'string' || r.mimeType.length > 255) return 'saveFile: mimeType must be a string';
  if (typeof r.data === 'string') {
    if (r.data.length > MAX_SAVE_FILE_BYTES) return 'saveFile: the file is too large';
  } else if (r.data instanceof Uint8Array) {
    if (r.data.byteLength > MAX_SAVE_FILE_BYTES) return 'saveFile: the file is too large';
  } else {
    return 'saveFile: data must be text or bytes';
  }
  return null;
}

/** A file name safe to propose in a save dialog: no folders, no characters file systems reject. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[<>:"|?*\u0000-\u001f]/g, '_').replace(/^\.+/, '').trim();
  return clean || 'export';
}

/**
 * The database file an `updateSettings` call from the page asks to switch to, or null when it asks
 * for no switch (no databaseFile, or the file in use). The main process then lets the user choose
 * the file in a native dialog: the page never opens or creates a file by itself.
 */
export function requestedDatabaseFile(args: unknown[], current: string, resolve: Resolve = (f) => f): string | null {
  const patch = args[0];
  if (patch === null || typeof patch !== 'object') return null;
  const file = (patch as { databaseFile?: unknown }).databaseFile;
  if (typeof file !== 'string' || file.trim() === '') return null;
  const wanted = resolve(file.trim());
  return wanted === resolve(current) ? null : wanted;
}

/** A link the app may offer to open in the system browser (https only, normalised), or null. */
export function externalLink(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return null;
  // The normalised form (punycode host, percent-encoded path) is what the confirmation shows.
  return parsed.href;
}
