// Saving bytes the renderer hands over (an attachment) where the user chooses: the save
// dialog proposes the Downloads folder and a name that is safe on every system, and the
// bytes go only to the path the user picked.
import type { SaveFileResult } from '../../shared/platform/bridge.ts';

/** What the renderer's request holds once main has validated it. */
export interface SaveFileRequest {
  suggestedName: string;
  bytes: Uint8Array;
}

export interface SaveFileDeps {
  downloadsDir: () => string;
  joinPath: (dir: string, name: string) => string;
  /** Electron's dialog.showSaveDialog, for the app's window. */
  showSaveDialog: (options: {
    defaultPath: string;
  }) => Promise<{ canceled: boolean; filePath?: string | undefined }>;
  writeFile: (path: string, bytes: Uint8Array) => Promise<void>;
}

/** Names Windows keeps for devices, whatever the extension (`NUL.txt` is the device too). */
const WINDOWS_DEVICE_NAME = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$/i;
// Separators, the characters Windows forbids in names, and controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_CHARACTERS = /[/\\<>:"|?*\u0000-\u001f\u007f]/g;
const FALLBACK_NAME = 'download';
/** The longest name ext4, APFS and NTFS all take, counted in UTF-8 bytes (NTFS counts
 * 255 UTF-16 units, which is never fewer). */
const MAX_NAME_BYTES = 255;
/** An extension longer than this is part of the name, not something to keep whole. */
const MAX_KEPT_EXTENSION = 16;

const utf8 = new TextEncoder();

/** Shortens a name to fit MAX_NAME_BYTES, keeping its extension and whole characters. */
function fitName(name: string): string {
  if (utf8.encode(name).length <= MAX_NAME_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= MAX_KEPT_EXTENSION ? name.slice(dot) : '';
  const stem = [...name.slice(0, name.length - extension.length)];
  while (stem.length > 0 && utf8.encode(stem.join('') + extension).length > MAX_NAME_BYTES) {
    stem.pop();
  }
  return stem.join('') + extension;
}

/**
 * The file name the dialog proposes. The renderer's name was already refused if it was a
 * path; this also makes it a name Windows and macOS accept as it is: no reserved
 * characters, no trailing dots or spaces (Windows drops them), no device names, not longer
 * than a file system takes, and never a name that means a folder (`.` or `..`).
 */
export function saveFileName(suggestedName: string): string {
  const replaced = suggestedName.replace(UNSAFE_CHARACTERS, '_').replace(/[. ]+$/, '');
  const name = replaced.trim();
  if (name === '' || /^\.+$/.test(name)) return FALLBACK_NAME;
  return fitName(WINDOWS_DEVICE_NAME.test(name) ? `_${name}` : name);
}

export async function saveFile(
  deps: SaveFileDeps,
  request: SaveFileRequest,
): Promise<SaveFileResult> {
  const defaultPath = deps.joinPath(deps.downloadsDir(), saveFileName(request.suggestedName));
  const choice = await deps.showSaveDialog({ defaultPath });
  if (choice.canceled || !choice.filePath) return 'cancelled';
  await deps.writeFile(choice.filePath, request.bytes);
  return 'saved';
}
