import { describe, expect, it } from 'vitest';
import { type RevealableWindow, revealWindow } from './reveal-window.ts';

function fakeWindow(state: { minimized?: boolean; visible?: boolean; destroyed?: boolean }) {
  const calls: string[] = [];
  const window: RevealableWindow = {
    isDestroyed: () => state.destroyed ?? false,
    isMinimized: () => state.minimized ?? false,
    isVisible: () => state.visible ?? true,
    restore: () => calls.push('restore'),
    show: () => calls.push('show'),
    focus: () => calls.push('focus'),
  };
  return { window, calls };
}

describe('revealWindow', () => {
  it('shows a window hidden to the tray and focuses it', () => {
    const { window, calls } = fakeWindow({ visible: false });
    expect(revealWindow(window)).toBe(true);
    expect(calls).toEqual(['show', 'focus']);
  });

  it('restores a minimized window before focusing it', () => {
    const { window, calls } = fakeWindow({ minimized: true });
    revealWindow(window);
    expect(calls).toEqual(['restore', 'focus']);
  });

  it('only focuses a window that is already on screen', () => {
    const { window, calls } = fakeWindow({});
    revealWindow(window);
    expect(calls).toEqual(['focus']);
  });

  it('does nothing before the window exists or after it is destroyed', () => {
    const { window, calls } = fakeWindow({ destroyed: true });
    expect(revealWindow(null)).toBe(false);
    expect(revealWindow(window)).toBe(false);
    expect(calls).toEqual([]);
  });
});
