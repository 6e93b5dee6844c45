/**
 * Where the lab database lives. The default is the folder Electron's `app.getPath('userData')`
 * gives an app named "ReLU Lab", so the CLI and the desktop app share one file without the CLI
 * having to load Electron.
 */
import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'ReLU Lab';
export const DATABASE_FILE_NAME = 'lab.sqlite';
/** Environment variable that overrides the default database path. */
export const DATABASE_ENV_VAR = 'RELU_LAB_DB';

/**
 * The platform's per-user application-data folder, as Electron's `app.getPath('appData')` resolves
 * it. Takes the platform, environment and home folder as parameters so every platform can be tested.
 */
export function appDataFolder(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') return env.APPDATA || path.win32.join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support');
  // Linux and other Unixes: Chromium uses $XDG_CONFIG_HOME when set and non-empty.
  return env.XDG_CONFIG_HOME || path.posix.join(home, '.config');
}

/** `<appData>/ReLU Lab/lab.sqlite`, with the path flavour of the given platform. */
export function defaultDatabasePath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  return join(appDataFolder(platform, env, home), APP_NAME, DATABASE_FILE_NAME);
}

/** The database to use: an explicit path (e.g. `--db`), else `$RELU_LAB_DB`, else the default. */
export function resolveDatabasePath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  const fromEnv = env[DATABASE_ENV_VAR];
  if (fromEnv) return path.resolve(fromEnv);
  return defaultDatabasePath(process.platform, env);
}
