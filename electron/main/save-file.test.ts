import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type SaveFileDeps, saveFile, saveFileName } from './save-file.ts';

const DOWNLOADS = '/home/ada/Downloads';

function fakeDesktop(choice: { canceled: boolean; filePath?: string }) {
  const proposed: string[] = [];
  const written: Array<[string, Uint8Array]> = [];
  const deps: SaveFileDeps = {
    downloadsDir: () => DOWNLOADS,
    joinPath: path.posix.join,
    showSaveDialog: async ({ defaultPath }) => {
      proposed.push(defaultPath);
      return choice;
    },
    writeFile: async (filePath, bytes) => {
      written.push([filePath, bytes]);
    },
  };
  return { deps, proposed, written };
}

const bytes = new Uint8Array([37, 80, 68, 70]);

describe('saveFile: the desktop’s save dialog', () => {
  it('proposes the name in the Downloads folder and writes the bytes where the user chose', async () => {
    const { deps, proposed, written } = fakeDesktop({
      canceled: false,
      filePath: '/home/ada/Documents/lease.pdf',
    });
    await expect(saveFile(deps, { suggestedName: 'Lease 2026.pdf', bytes })).resolves.toBe('saved');
    expect(proposed).toEqual([`${DOWNLOADS}/Lease 2026.pdf`]);
    expect(written).toEqual([['/home/ada/Documents/lease.pdf', bytes]]);
  });

  it('writes nothing when the user cancels the dialog', async () => {
    const { deps, written } = fakeDesktop({ canceled: true, filePath: '' });
    await expect(saveFile(deps, { suggestedName: 'a.pdf', bytes })).resolves.toBe('cancelled');
    expect(written).toEqual([]);
  });

  it('writes nothing when the dialog answers no path', async () => {
    const { deps, written } = fakeDesktop({ canceled: false, filePath: '' });
    await expect(saveFile(deps, { suggestedName: 'a.pdf', bytes })).resolves.toBe('cancelled');
    expect(written).toEqual([]);
  });

  it('lets a failed write reach the renderer, which says the file could not be saved', async () => {
    const { deps } = fakeDesktop({ canceled: false, filePath: '/read-only/a.pdf' });
    deps.writeFile = async () => {
      throw new Error('EACCES');
    };
    await expect(saveFile(deps, { suggestedName: 'a.pdf', bytes })).rejects.toThrow('EACCES');
  });

  it.each([
    ['a Unix path', '../../.ssh/authorized_keys', '.._.._.ssh_authorized_keys'],
    ['a Windows path', 'C:\\Windows\\System32\\evil.dll', 'C__Windows_System32_evil.dll'],
    ['a folder', '..', 'download'],
    ['only dots', '....', 'download'],
    ['only spaces', '   ', 'download'],
    ['characters Windows forbids', 'a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['a control character', 'a\u0000b.txt', 'a_b.txt'],
    ['trailing dots and spaces, which Windows drops', 'report. . ', 'report'],
    ['a Windows device name', 'CON', '_CON'],
    ['a Windows device name with an extension', 'nul.txt', '_nul.txt'],
    ['a name that only starts like a device', 'console.log', 'console.log'],
  ])('never proposes %s as the name it is', (_label, suggestedName, proposed) => {
    expect(saveFileName(suggestedName)).toBe(proposed);
  });

  it('keeps a proposed name inside the Downloads folder, whatever it was', async () => {
    for (const suggestedName of ['../x', '..', '/etc/passwd', '\\\\server\\share\\x']) {
      const { deps, proposed } = fakeDesktop({ canceled: true });
      await saveFile(deps, { suggestedName, bytes });
      expect(path.posix.dirname(proposed[0] ?? '')).toBe(DOWNLOADS);
    }
  });

  it('shortens a name too long for a file system, keeping its extension and whole characters', () => {
    const name = `${'報告'.repeat(100)}.pdf`;
    const proposed = saveFileName(name);
    // 83 three-byte characters and the extension: 253 bytes; one more character is 256.
    expect(proposed).toBe(`${'報告'.repeat(41)}報.pdf`);
    expect(saveFileName('short.pdf')).toBe('short.pdf');
  });

  it('shortens an emoji name without splitting a character', () => {
    const proposed = saveFileName('😀'.repeat(100));
    expect(new TextEncoder().encode(proposed).length).toBeLessThanOrEqual(255);
    expect(proposed).toBe('😀'.repeat(63));
  });
});
