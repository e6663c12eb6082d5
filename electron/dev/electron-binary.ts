// Finds the Electron executable without requiring the `electron` package, whose index.js
// tries to download the binary when it is missing. Used by the end-to-end test to skip
// with a clear reason where no binary can be had.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary =
  | { available: true; executablePath: string }
  | { available: false; reason: string };

export interface BinaryFiles {
  exists(path: string): boolean;
  readText(path: string): string;
}

const nodeFiles: BinaryFiles = {
  exists: existsSync,
  readText: (path) => readFileSync(path, 'utf8'),
};

export function electronPackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
}

export function locateElectronBinary(
  packageDir: string,
  files: BinaryFiles = nodeFiles,
): ElectronBinary {
  const missing = (what: string): ElectronBinary => ({
    available: false,
    reason: `Electron binary not available: node_modules/electron/${what} missing`,
  });
  if (!files.exists(join(packageDir, 'dist'))) return missing('dist');
  // path.txt names the executable inside dist/ (electron, Electron.app/…, electron.exe).
  const pathFile = join(packageDir, 'path.txt');
  if (!files.exists(pathFile)) return missing('path.txt');
  const relative = files.readText(pathFile).trim();
  const executablePath = join(packageDir, 'dist', relative);
  if (relative === '' || !files.exists(executablePath)) return missing(`dist/${relative}`);
  return { available: true, executablePath };
}
