// Writes build/icon.png, the 512×512 icon electron-builder turns into .icns, .ico and
// the Linux icon set. Run after changing the drawing: npx tsx electron/tools/write-app-icon.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderAppIcon } from '../main/icon-bitmaps.ts';
import { encodePng } from '../main/png.ts';

export const APP_ICON_SIZE = 512;
export const APP_ICON_PATH = fileURLToPath(new URL('../../build/icon.png', import.meta.url));

export function appIconPng(): Buffer {
  return encodePng(renderAppIcon(APP_ICON_SIZE));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(APP_ICON_PATH, appIconPng());
  console.log(`wrote ${APP_ICON_PATH}`);
}
