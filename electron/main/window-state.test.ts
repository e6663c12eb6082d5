import { describe, expect, it } from 'vitest';
import { createMemoryFileStore } from './test-support/memory-file-store.ts';
import {
  createWindowStateStore,
  DEFAULT_SIZE,
  MIN_SIZE,
  type Rectangle,
  restoreWindowPlacement,
  type WindowState,
} from './window-state.ts';

const laptop: Rectangle = { x: 0, y: 25, width: 1440, height: 875 };
const monitorOnTheRight: Rectangle = { x: 1440, y: 0, width: 2560, height: 1400 };

function saved(overrides: Partial<WindowState> = {}): WindowState {
  return { x: 100, y: 100, width: 1000, height: 700, isMaximized: false, ...overrides };
}

describe('restoreWindowPlacement', () => {
  it('opens at the default size, centred, the first time', () => {
    expect(restoreWindowPlacement(null, [laptop])).toEqual({
      bounds: DEFAULT_SIZE,
      isMaximized: false,
    });
  });

  it('restores the saved position and size on the display it was on', () => {
    expect(restoreWindowPlacement(saved(), [laptop])).toEqual({
      bounds: { x: 100, y: 100, width: 1000, height: 700 },
      isMaximized: false,
    });
  });

  it('restores onto a second display that is still connected', () => {
    const onMonitor = saved({ x: 2000, y: 200 });
    expect(restoreWindowPlacement(onMonitor, [laptop, monitorOnTheRight]).bounds).toMatchObject({
      x: 2000,
      y: 200,
    });
  });

  it('centres the window when the display it was on is gone', () => {
    const onMonitor = saved({ x: 2000, y: 200 });
    const { bounds } = restoreWindowPlacement(onMonitor, [laptop]);
    expect(bounds.x).toBeUndefined();
    expect(bounds.y).toBeUndefined();
  });

  it('centres a window whose title bar sits above the top of every display', () => {
    const { bounds } = restoreWindowPlacement(saved({ y: -500 }), [laptop]);
    expect(bounds.x).toBeUndefined();
  });

  it('centres a window that only peeks in by a few pixels', () => {
    const { bounds } = restoreWindowPlacement(saved({ x: 1435 }), [laptop]);
    expect(bounds.x).toBeUndefined();
  });

  it('shrinks a window larger than the display it lands on', () => {
    const huge = saved({ x: 0, y: 25, width: 5000, height: 4000 });
    expect(restoreWindowPlacement(huge, [laptop]).bounds).toMatchObject({
      width: laptop.width,
      height: laptop.height,
    });
  });

  it('grows a window below the minimum size', () => {
    const tiny = saved({ width: 10, height: 10 });
    expect(restoreWindowPlacement(tiny, [laptop]).bounds).toMatchObject(MIN_SIZE);
  });

  it('remembers that the window was maximized', () => {
    expect(restoreWindowPlacement(saved({ isMaximized: true }), [laptop]).isMaximized).toBe(true);
  });
});

describe('createWindowStateStore', () => {
  it('loads what it saved', async () => {
    const store = createWindowStateStore(createMemoryFileStore(), '/data/window-state.json');
    await store.save(saved());
    expect(await store.load()).toEqual(saved());
  });

  it('ignores a saved state with impossible numbers', async () => {
    const files = createMemoryFileStore({
      '/data/window-state.json': JSON.stringify(saved({ width: -5, x: 1e12 })),
    });
    expect(await createWindowStateStore(files, '/data/window-state.json').load()).toBeNull();
  });
});
