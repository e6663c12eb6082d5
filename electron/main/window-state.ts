// Remembers the window's size and position between runs. A saved position is used only
// when the title bar would land on a connected display: monitors get unplugged, and a
// window restored off-screen cannot be grabbed.
import { z } from 'zod';
import { type FileStore, readJsonFile, writeJsonFile } from './file-store.ts';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** x and y absent: let the system centre the window. */
export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface WindowPlacement {
  bounds: WindowBounds;
  isMaximized: boolean;
}

const windowStateSchema = z.object({
  x: z.number().int().min(-100_000).max(100_000),
  y: z.number().int().min(-100_000).max(100_000),
  width: z.number().int().min(1).max(100_000),
  height: z.number().int().min(1).max(100_000),
  isMaximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export const DEFAULT_SIZE = { width: 1100, height: 760 };
export const MIN_SIZE = { width: 420, height: 360 };
/** How much of the title bar must be on a display to count as reachable. */
const TITLE_BAR = { height: 32, minVisibleWidth: 100, minVisibleHeight: 16 };

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

function clampSize(width: number, height: number, area: Rectangle | undefined) {
  const maxWidth = area ? Math.max(MIN_SIZE.width, area.width) : Number.POSITIVE_INFINITY;
  const maxHeight = area ? Math.max(MIN_SIZE.height, area.height) : Number.POSITIVE_INFINITY;
  return {
    width: Math.min(Math.max(width, MIN_SIZE.width), maxWidth),
    height: Math.min(Math.max(height, MIN_SIZE.height), maxHeight),
  };
}

/** Where to open the window, given what was saved and the displays' work areas
 * (the primary display first). */
export function restoreWindowPlacement(
  saved: WindowState | null,
  workAreas: readonly Rectangle[],
): WindowPlacement {
  const primary = workAreas[0];
  if (saved === null) {
    return {
      bounds: clampSize(DEFAULT_SIZE.width, DEFAULT_SIZE.height, primary),
      isMaximized: false,
    };
  }
  const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: TITLE_BAR.height };
  const home = workAreas.find((area) => {
    const visible = overlap(titleBar, area);
    return (
      visible.width >= Math.min(TITLE_BAR.minVisibleWidth, saved.width) &&
      visible.height >= TITLE_BAR.minVisibleHeight
    );
  });
  if (home === undefined) {
    return {
      bounds: clampSize(saved.width, saved.height, primary),
      isMaximized: saved.isMaximized,
    };
  }
  return {
    bounds: { x: saved.x, y: saved.y, ...clampSize(saved.width, saved.height, home) },
    isMaximized: saved.isMaximized,
  };
}

export function createWindowStateStore(files: FileStore, path: string) {
  return {
    load: (): Promise<WindowState | null> => readJsonFile(files, path, windowStateSchema),
    save: (state: WindowState): Promise<void> => writeJsonFile(files, path, state),
  };
}
