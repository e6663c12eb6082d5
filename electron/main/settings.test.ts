import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  loadSettingsStore,
  muteAllFor,
  ONE_HOUR_MS,
  type StoredSettings,
} from './settings.ts';
import { createMemoryFileStore } from './test-support/memory-file-store.ts';

const PATH = '/data/settings.json';

describe('loadSettingsStore', () => {
  it('starts with everything off when there is no file', async () => {
    const store = await loadSettingsStore(createMemoryFileStore(), PATH);
    expect(store.current()).toEqual(DEFAULT_SETTINGS);
  });

  it('persists an update so the next start sees it', async () => {
    const files = createMemoryFileStore();
    const store = await loadSettingsStore(files, PATH);
    await store.update({ doNotDisturb: true });
    const reloaded = await loadSettingsStore(files, PATH);
    expect(reloaded.current().doNotDisturb).toBe(true);
  });

  it('falls back to the defaults when the file is not JSON', async () => {
    const store = await loadSettingsStore(createMemoryFileStore({ [PATH]: '{oops' }), PATH);
    expect(store.current()).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps the valid fields of a file with one bad field', async () => {
    const files = createMemoryFileStore({
      [PATH]: JSON.stringify({ doNotDisturb: true, mutedUntil: 'tomorrow' }),
    });
    const store = await loadSettingsStore(files, PATH);
    expect(store.current()).toEqual({ ...DEFAULT_SETTINGS, doNotDisturb: true });
  });

  it('ignores fields it does not know', async () => {
    const files = createMemoryFileStore({
      [PATH]: '{"hideMessagePreviews":true,"__proto__":{"polluted":true},"extra":1}',
    });
    const store = await loadSettingsStore(files, PATH);
    expect(store.current()).toEqual({ ...DEFAULT_SETTINGS, hideMessagePreviews: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses an update of the wrong shape and keeps the old settings', async () => {
    const store = await loadSettingsStore(createMemoryFileStore(), PATH);
    const bad = { mutedUntil: -1 } as Partial<StoredSettings>;
    await expect(store.update(bad)).rejects.toThrow();
    expect(store.current()).toEqual(DEFAULT_SETTINGS);
  });

  it('tells listeners about every change', async () => {
    const store = await loadSettingsStore(createMemoryFileStore(), PATH);
    const seen: boolean[] = [];
    store.onChange((settings) => seen.push(settings.hideMessagePreviews));
    await store.update({ hideMessagePreviews: true });
    await store.update({ hideMessagePreviews: false });
    expect(seen).toEqual([true, false]);
  });

  it('writes the last of several quick updates last', async () => {
    const files = createMemoryFileStore();
    const store = await loadSettingsStore(files, PATH);
    await Promise.all([store.update({ mutedUntil: 1 }), store.update({ mutedUntil: 2 })]);
    expect(JSON.parse(files.text(PATH) ?? '{}').mutedUntil).toBe(2);
  });
});

describe('muteAllFor', () => {
  it('mutes until an hour from now', () => {
    expect(muteAllFor(ONE_HOUR_MS, 1_000)).toEqual({ mutedUntil: 1_000 + 3_600_000 });
  });
});
