import { describe, expect, it, vi } from 'vitest';
import { type AppUpdaterLike, startUpdater } from './updater.ts';

function fakeUpdater(check: () => Promise<unknown> = async () => null): AppUpdaterLike {
  return { setFeedURL: vi.fn(), checkForUpdatesAndNotify: vi.fn(check) };
}

describe('startUpdater', () => {
  it('does not load electron-updater without a feed URL', async () => {
    const loadUpdater = vi.fn(async () => fakeUpdater());
    const status = await startUpdater({
      feedUrl: null,
      isPackaged: true,
      loadUpdater,
      log: () => {},
    });
    expect(status).toEqual({ state: 'disabled', reason: 'no-feed-url' });
    expect(loadUpdater).not.toHaveBeenCalled();
  });

  it('does not check for updates when running unpackaged', async () => {
    const loadUpdater = vi.fn(async () => fakeUpdater());
    const status = await startUpdater({
      feedUrl: 'https://updates.example/',
      isPackaged: false,
      loadUpdater,
      log: () => {},
    });
    expect(status).toEqual({ state: 'disabled', reason: 'not-packaged' });
    expect(loadUpdater).not.toHaveBeenCalled();
  });

  it('checks the configured generic feed in a packaged app', async () => {
    const updater = fakeUpdater();
    await startUpdater({
      feedUrl: 'https://updates.example/timenest/',
      isPackaged: true,
      loadUpdater: async () => updater,
      log: () => {},
    });
    expect(updater.setFeedURL).toHaveBeenCalledWith({
      provider: 'generic',
      url: 'https://updates.example/timenest/',
    });
    expect(updater.checkForUpdatesAndNotify).toHaveBeenCalledOnce();
  });

  it('logs a failed check instead of throwing', async () => {
    const logs: string[] = [];
    const updater = fakeUpdater(async () => {
      throw new Error('net::ERR_NAME_NOT_RESOLVED');
    });
    await expect(
      startUpdater({
        feedUrl: 'https://updates.example/',
        isPackaged: true,
        loadUpdater: async () => updater,
        log: (m) => logs.push(m),
      }),
    ).resolves.toMatchObject({ state: 'checking' });
    expect(logs).toEqual(['Update check failed: net::ERR_NAME_NOT_RESOLVED']);
  });
});
