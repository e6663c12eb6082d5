// The `electron-updater` module for the built main bundle under plain Node (recorder.mjs).
import { stub } from './recorder.mjs';

export const autoUpdater = stub('updater.autoUpdater');
export default { autoUpdater };
