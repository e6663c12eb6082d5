import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BinaryFiles, locateElectronBinary } from './electron-binary.ts';

const PACKAGE = '/repo/node_modules/electron';

function files(present: Record<string, string>): BinaryFiles {
  return {
    exists: (path) => path in present,
    readText: (path) => present[path] ?? '',
  };
}

describe('locateElectronBinary', () => {
  it('reports the missing dist folder in the words the e2e skip uses', () => {
    expect(locateElectronBinary(PACKAGE, files({}))).toEqual({
      available: false,
      reason: 'Electron binary not available: node_modules/electron/dist missing',
    });
  });

  it('reports a dist folder without path.txt', () => {
    const result = locateElectronBinary(PACKAGE, files({ [join(PACKAGE, 'dist')]: '' }));
    expect(result).toMatchObject({
      available: false,
      reason: expect.stringContaining('path.txt missing'),
    });
  });

  it('reports an executable that path.txt names but that is not there', () => {
    const result = locateElectronBinary(
      PACKAGE,
      files({ [join(PACKAGE, 'dist')]: '', [join(PACKAGE, 'path.txt')]: 'electron' }),
    );
    expect(result).toMatchObject({
      available: false,
      reason: expect.stringContaining('dist/electron missing'),
    });
  });

  it('finds the executable path.txt names', () => {
    const result = locateElectronBinary(
      PACKAGE,
      files({
        [join(PACKAGE, 'dist')]: '',
        [join(PACKAGE, 'path.txt')]: 'electron\n',
        [join(PACKAGE, 'dist', 'electron')]: '',
      }),
    );
    expect(result).toEqual({ available: true, executablePath: join(PACKAGE, 'dist', 'electron') });
  });
});
