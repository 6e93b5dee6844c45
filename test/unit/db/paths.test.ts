import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appDataFolder, defaultDatabasePath, resolveDatabasePath } from '../../../db/paths.js';

describe('database paths', () => {
  const saved = process.env.RELU_LAB_DB;
  afterEach(() => {
    if (saved === undefined) delete process.env.RELU_LAB_DB;
    else process.env.RELU_LAB_DB = saved;
  });

  it("matches Electron's userData folder on each platform", () => {
    expect(defaultDatabasePath('linux', {}, '/home/ada')).toBe('/home/ada/.config/ReLU Lab/lab.sqlite');
    expect(defaultDatabasePath('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/ada')).toBe('/xdg/ReLU Lab/lab.sqlite');
    expect(defaultDatabasePath('darwin', { XDG_CONFIG_HOME: '/xdg' }, '/Users/ada')).toBe(
      '/Users/ada/Library/Application Support/ReLU Lab/lab.sqlite',
    );
    expect(defaultDatabasePath('win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada')).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\ReLU Lab\\lab.sqlite',
    );
    expect(appDataFolder('win32', {}, 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Roaming');
    expect(defaultDatabasePath()).toMatch(/ReLU Lab[/\\]lab\.sqlite$/);
  });

  it('prefers an explicit path, then RELU_LAB_DB, then the default', () => {
    process.env.RELU_LAB_DB = path.join(os.tmpdir(), 'from-env.sqlite');
    expect(resolveDatabasePath('relative/x.sqlite')).toBe(path.resolve('relative/x.sqlite'));
    expect(resolveDatabasePath()).toBe(path.join(os.tmpdir(), 'from-env.sqlite'));
    delete process.env.RELU_LAB_DB;
    expect(resolveDatabasePath()).toBe(defaultDatabasePath());
    expect(resolveDatabasePath('')).toBe(defaultDatabasePath());
  });
});
