import { describe, expect, it, vi } from 'vitest';
import {
  buildTrayMenu,
  createTrayController,
  shouldHideOnClose,
  type TrayActions,
} from './tray.ts';

function actions(): TrayActions {
  return { open: vi.fn(), quit: vi.fn() };
}

describe('buildTrayMenu', () => {
  it('offers open and quit, and no notification switches of its own', () => {
    const labels = buildTrayMenu(actions())
      .map((entry) => entry.label)
      .filter(Boolean);
    expect(labels).toEqual(['Open TimeNest Chat', 'Quit TimeNest Chat']);
  });

  it('quits when chosen', () => {
    const a = actions();
    buildTrayMenu(a)
      .find((entry) => entry.label === 'Quit TimeNest Chat')
      ?.click?.({} as never, undefined, {} as never);
    expect(a.quit).toHaveBeenCalledOnce();
  });
});

describe('createTrayController', () => {
  it('re-sets the context menu and tooltip on every update', () => {
    const tray = { setToolTip: vi.fn(), setContextMenu: vi.fn() };
    const controller = createTrayController({
      tray,
      buildMenu: (template) => template.map((entry) => entry.label),
      actions: actions(),
    });
    controller.update({ unreadCount: 0 });
    controller.update({ unreadCount: 3 });
    expect(tray.setContextMenu).toHaveBeenCalledTimes(2);
    expect(tray.setToolTip).toHaveBeenLastCalledWith('TimeNest Chat — 3 unread messages');
  });
});

describe('shouldHideOnClose', () => {
  it('hides on macOS even without a tray', () => {
    expect(shouldHideOnClose({ platform: 'darwin', hasTray: false, isQuitting: false })).toBe(true);
  });

  it('hides on Windows and Linux when a tray icon can bring the window back', () => {
    expect(shouldHideOnClose({ platform: 'win32', hasTray: true, isQuitting: false })).toBe(true);
    expect(shouldHideOnClose({ platform: 'linux', hasTray: true, isQuitting: false })).toBe(true);
  });

  it('closes on Linux without a tray, or the app could not be reached again', () => {
    expect(shouldHideOnClose({ platform: 'linux', hasTray: false, isQuitting: false })).toBe(false);
  });

  it('closes when the user quits', () => {
    expect(shouldHideOnClose({ platform: 'darwin', hasTray: true, isQuitting: true })).toBe(false);
  });
});
