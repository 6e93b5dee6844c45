/**
 * The desktop app's native menu, as a template (main.ts builds it with Menu.buildFromTemplate).
 * Items the renderer handles send it a `{ type: 'menu', action }` event; the rest run in the main
 * process. Only types come from Electron here, so the template can be tested without it.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuAction } from '../shared/api.js';

export interface MenuHandlers {
  /** Forwards a menu action to the renderer. */
  send(action: MenuAction): void;
  /** File › Open database…: a native open dialog, then a switch of the lab's database. */
  openDatabase(): void;
  /** Help › About: a message box with the versions and the training backend. */
  about(): void;
}

export interface MenuOptions {
  /** Offer View › Toggle Developer Tools (and its shortcut): never in packaged builds. */
  devTools?: boolean;
}

export function menuTemplate(
  handlers: MenuHandlers,
  platform: NodeJS.Platform = process.platform,
  appName = 'ReLU Lab',
  options: MenuOptions = {},
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const devTools = options.devTools ?? false;
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: appName,
      submenu: [
        { label: `About ${appName}`, click: () => handlers.about() },
        { type: 'separator' },
        { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => handlers.send('settings') },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push(
    {
      label: '&File',
      submenu: [
        { id: 'new-experiment', label: 'New experiment', accelerator: 'CmdOrCtrl+N', click: () => handlers.send('new-experiment') },
        { id: 'open-database', label: 'Open database…', accelerator: 'CmdOrCtrl+O', click: () => handlers.openDatabase() },
        { type: 'separator' },
        { id: 'import', label: 'Import…', accelerator: 'CmdOrCtrl+I', click: () => handlers.send('import') },
        { id: 'export', label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => handlers.send('export') },
        ...(mac
          ? []
          : ([
              { type: 'separator' },
              { id: 'settings', label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => handlers.send('settings') },
            ] satisfies MenuItemConstructorOptions[])),
        { type: 'separator' },
        mac ? { role: 'close' } : { id: 'quit', role: 'quit', label: 'Quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'delete' },
        { type: 'separator' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        ...(devTools ? ([{ role: 'toggleDevTools' }] satisfies MenuItemConstructorOptions[]) : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Help',
      role: 'help',
      submenu: [{ id: 'about', label: `About ${appName}`, click: () => handlers.about() }],
    },
  );
  return template;
}
