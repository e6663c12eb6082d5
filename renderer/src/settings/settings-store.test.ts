import { describe, expect, it } from 'vitest';
import {
  createSettingsStore,
  DEFAULT_SETTINGS,
  parseSettings,
  readSettings,
} from './settings-store.ts';

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => items.delete(key),
    setItem: (key, value) => items.set(key, value),
  };
}

describe('settings kept on this device', () => {
  it('a new store reads what an earlier one saved', () => {
    const storage = memoryStorage();
    createSettingsStore(storage).update({
      isSoundOn: false,
      preview: 'nothing',
      doNotDisturb: { mode: 'schedule', start: '22:30', end: '06:45' },
    });
    expect(createSettingsStore(storage).get()).toEqual({
      ...DEFAULT_SETTINGS,
      isSoundOn: false,
      preview: 'nothing',
      doNotDisturb: { mode: 'schedule', start: '22:30', end: '06:45' },
    });
  });

  it('a field that does not parse falls back to its default and keeps the others', () => {
    expect(
      parseSettings({ isSoundOn: false, doNotDisturb: { mode: 'schedule', start: '25:00' } }),
    ).toEqual({ ...DEFAULT_SETTINGS, isSoundOn: false });
  });

  it('the automatic download size is one of the offered ones, and the sync engine reads it as saved', () => {
    const storage = memoryStorage();
    createSettingsStore(storage).update({ autoDownloadMaxBytes: 0 });
    expect(readSettings(storage).autoDownloadMaxBytes).toBe(0);
    expect(parseSettings({ autoDownloadMaxBytes: 123 }).autoDownloadMaxBytes).toBe(
      DEFAULT_SETTINGS.autoDownloadMaxBytes,
    );
  });

  it('unreadable storage gives the defaults', () => {
    const storage = memoryStorage();
    storage.setItem('timenest.settings', '{not json');
    expect(createSettingsStore(storage).get()).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings(['a list'])).toEqual(DEFAULT_SETTINGS);
  });

  it("another tab's change is picked up on reload", () => {
    const storage = memoryStorage();
    const here = createSettingsStore(storage);
    let changes = 0;
    here.subscribe(() => {
      changes += 1;
    });
    createSettingsStore(storage).update({ isAllMuted: true });
    here.reload();
    expect(here.get().isAllMuted).toBe(true);
    expect(changes).toBe(1);
  });

  it('the old "hide message text" checkbox becomes "name only"', () => {
    expect(parseSettings({ hidePreviews: true }).preview).toBe('name-only');
    expect(parseSettings({ hidePreviews: false }).preview).toBe('name-and-message');
  });
});
