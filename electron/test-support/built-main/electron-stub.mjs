// The `electron` module for the built main bundle under plain Node: every export records
// how the main process used it (recorder.mjs).
import { stub } from './recorder.mjs';

export const app = stub('app');
export const autoUpdater = stub('autoUpdater');
export const BaseWindow = stub('BaseWindow');
export const BrowserWindow = stub('BrowserWindow');
export const clipboard = stub('clipboard');
export const contentTracing = stub('contentTracing');
export const crashReporter = stub('crashReporter');
export const desktopCapturer = stub('desktopCapturer');
export const dialog = stub('dialog');
export const globalShortcut = stub('globalShortcut');
export const ipcMain = stub('ipcMain');
export const Menu = stub('Menu');
export const MenuItem = stub('MenuItem');
export const MessageChannelMain = stub('MessageChannelMain');
export const nativeImage = stub('nativeImage');
export const nativeTheme = stub('nativeTheme');
export const net = stub('net');
export const Notification = stub('Notification');
export const powerMonitor = stub('powerMonitor');
export const powerSaveBlocker = stub('powerSaveBlocker');
export const protocol = stub('protocol');
export const safeStorage = stub('safeStorage');
export const screen = stub('screen');
export const session = stub('session');
export const shell = stub('shell');
export const systemPreferences = stub('systemPreferences');
export const Tray = stub('Tray');
export const utilityProcess = stub('utilityProcess');
export const webContents = stub('webContents');
export const WebContentsView = stub('WebContentsView');
export default stub('electron');
