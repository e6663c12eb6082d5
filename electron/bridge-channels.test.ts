// No IPC channel exists outside the bridge table: the source of every runtime is read and
// every place that could open a channel of its own is looked for.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './test-support/builder-config.ts';

const TABLE_FILE = 'shared/platform/bridge-table.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
    .map((file) => join(dir, file));
}

const sources = ['electron', 'shared', 'renderer'].flatMap(sourceFiles).map((file) => ({
  file,
  text: readFileSync(join(REPO_ROOT, file), 'utf8'),
}));

function filesMatching(pattern: RegExp): string[] {
  return sources.filter(({ text }) => pattern.test(text)).map(({ file }) => file);
}

describe('[§6] no IPC channel exists outside the bridge table', () => {
  it('reads the sources of every runtime', () => {
    expect(sources.map(({ file }) => file)).toContain(TABLE_FILE);
    expect(sources.length).toBeGreaterThan(50);
  });

  it('names channels only in the table (the timenest:// deep-link scheme is not a channel)', () => {
    expect(filesMatching(/['"`]timenest:(?!\/\/)/)).toEqual([TABLE_FILE]);
  });

  it('registers IPC handlers only through the router that checks sender and argument', () => {
    expect(filesMatching(/\bipcMain\.(?:handle|handleOnce|on|once|addListener)\(/)).toEqual([
      'electron/main/ipc.ts',
    ]);
  });

  it('never calls ipcRenderer directly: the preload hands it to the table-driven bridge', () => {
    expect(filesMatching(/\bipcRenderer\.\w+\(/)).toEqual([]);
  });

  it('sends to the page in one place, fed only by the table’s events', () => {
    expect(filesMatching(/\.webContents\.send\(/)).toEqual(['electron/main/index.ts']);
    const main = sources.find(({ file }) => file === 'electron/main/index.ts')?.text ?? '';
    expect(main.match(/\.webContents\.send\(/g)).toHaveLength(1);
    expect(main).not.toMatch(/\bsendToPage\(/);
  });
});
