import type { MenuItem, MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type StoredSettings } from './settings.ts';
import {
  buildTrayMenu,
  createTrayController,
  shouldHideOnClose,
  type TrayActions,
} from './tray.ts';

const NOW = 1_700_000_000_000;
const formatTime = (ms: number) => `t${ms}`;

function actions(): TrayActions {
  return {
    open: vi.fn(),
    muteAllForAnHour: vi.fn(),
    unmuteAll: vi.fn(),
    setDoNotDisturb: vi.fn(),
    setHideMessagePreviews: vi.fn(),
    quit: vi.fn(),
  };
}

function menu(settings: Partial<StoredSettings> = {}, a = actions()) {
  return buildTrayMenu({ settings: { ...DEFAULT_SETTINGS, ...settings }, now: NOW, formatTime }, a);
}

function item(template: MenuItemConstructorOptions[], label: string | RegExp) {
  const found = template.find((entry) =>
    typeof label === 'string' ? entry.label === label : label.test(entry.label ?? ''),
  );
  if (!found) throw new Error(`no menu item ${label}`);
  return found;
}

function click(entry: MenuItemConstructorOptions, checked = false): void {
  entry.click?.({ checked } as MenuItem, undefined, {} as KeyboardEvent as never);
}

describe('buildTrayMenu', () => {
  it('offers open, mute all for 1 hour and quit', () => {
    const labels = menu()
      .map((entry) => entry.label)
      .filter(Boolean);
    expect(labels).toEqual([
      'Open TimeNest Chat',
      'Mute all for 1 hour',
      'Do not disturb',
      'Hide message previews',
      'Quit TimeNest Chat',
    ]);
  });

  it('mutes all for an hour when chosen', () => {
    const a = actions();
    click(item(menu({}, a), 'Mute all for 1 hour'));
    expect(a.muteAllForAnHour).toHaveBeenCalledOnce();
  });

  it('offers to unmute while muted, naming the end time', () => {
    const a = actions();
    const entry = item(menu({ mutedUntil: NOW + 60_000 }, a), /^Muted until/);
    expect(entry.label).toBe(`Muted until t${NOW + 60_000} — Unmute`);
    click(entry);
    expect(a.unmuteAll).toHaveBeenCalledOnce();
  });

  it('offers to mute again once the mute has run out', () => {
    expect(() => item(menu({ mutedUntil: NOW - 1 }), 'Mute all for 1 hour')).not.toThrow();
  });

  it('shows do-not-disturb as checked when on and passes the new state on click', () => {
    const a = actions();
    const entry = item(menu({ doNotDisturb: true }, a), 'Do not disturb');
    expect(entry.checked).toBe(true);
    click(entry, false);
    expect(a.setDoNotDisturb).toHaveBeenCalledWith(false);
  });

  it('quits when chosen', () => {
    const a = actions();
    click(item(menu({}, a), 'Quit TimeNest Chat'));
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
      formatTime,
    });
    controller.update({ unreadCount: 0, settings: DEFAULT_SETTINGS, now: NOW });
    controller.update({
      unreadCount: 3,
      settings: { ...DEFAULT_SETTINGS, mutedUntil: NOW + 1 },
      now: NOW,
    });
    expect(tray.setContextMenu).toHaveBeenCalledTimes(2);
    expect(tray.setToolTip).toHaveBeenLastCalledWith('TimeNest Chat — 3 unread messages');
    expect(tray.setContextMenu.mock.lastCall?.[0]).toContain(`Muted until t${NOW + 1} — Unmute`);
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
