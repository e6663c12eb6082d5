import { EventEmitter } from 'node:events';
import type { AppUpdater } from 'electron-updater';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AppUpdaterLike,
  compareVersions,
  judgeOffer,
  judgeSignatureCheck,
  type OfferedUpdate,
  startUpdater,
  type UpdaterOptions,
} from './updater.ts';

// The real updater must fit the interface the module drives (checked by tsc, not at run time).
const realUpdaterFits = (updater: AppUpdater): AppUpdaterLike => updater;
void realUpdaterFits;

const FEED = 'https://updates.timenest.example/desktop';
const HOUR = 60 * 60 * 1000;

/** Behaves like electron-updater's AppUpdater as far as this module can tell. */
class FakeUpdater extends EventEmitter implements AppUpdaterLike {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowDowngrade = true;
  allowPrerelease = true;
  forceDevUpdateConfig = true;
  disableWebInstaller = false;
  readonly currentVersion = { version: '1.4.0' };
  feeds: string[] = [];
  checks = 0;
  platformSupports = true;
  nextCheck: () => Promise<{ downloadPromise?: Promise<unknown> | null } | null> = async () => null;

  isUpdateSupported(_info: OfferedUpdate): boolean | Promise<boolean> {
    return this.platformSupports;
  }
  setFeedURL(options: { provider: 'generic'; url: string }): void {
    this.feeds.push(options.url);
  }
  checkForUpdates() {
    this.checks += 1;
    return this.nextCheck().catch((error: unknown) => {
      // As electron-updater does: emit, then reject.
      this.emit('error', error);
      throw error;
    });
  }
}

const release = (version: string, sha512: string | null = 'c2hhNTEy'): OfferedUpdate => ({
  version,
  files: [{ url: `TimeNest-Chat-${version}.exe`, sha512 }],
});

function setup(overrides: Partial<UpdaterOptions> = {}) {
  const updater = new FakeUpdater();
  const logs: string[] = [];
  const loadUpdater = vi.fn(async () => updater);
  const start = () =>
    startUpdater({
      feedUrl: FEED,
      isPackaged: true,
      platform: 'darwin',
      loadUpdater,
      log: (message) => logs.push(message),
      timers: { setInterval, clearInterval },
      ...overrides,
    });
  return { updater, logs, loadUpdater, start };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startUpdater: where it asks', () => {
  it('without a feed URL it never loads electron-updater, so nothing goes on the network', async () => {
    const { start, loadUpdater } = setup({ feedUrl: null });
    const running = await start();
    expect(running.status).toEqual({ state: 'disabled', reason: 'no-feed-url' });
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(loadUpdater).not.toHaveBeenCalled();
  });

  it('an unpackaged run never checks, even with a feed', async () => {
    const { start, loadUpdater } = setup({ isPackaged: false });
    expect((await start()).status).toEqual({ state: 'disabled', reason: 'not-packaged' });
    expect(loadUpdater).not.toHaveBeenCalled();
  });

  it('refuses a feed that is not https', async () => {
    const { start, loadUpdater, logs } = setup({ feedUrl: 'http://updates.timenest.example/' });
    expect((await start()).status).toEqual({ state: 'disabled', reason: 'insecure-feed' });
    expect(loadUpdater).not.toHaveBeenCalled();
    expect(logs).toEqual([
      'Updates are off: the feed http://updates.timenest.example/ is not https',
    ]);
  });

  it('asks only the configured feed, at start and every four hours', async () => {
    const { start, updater } = setup();
    const running = await start();
    expect(running.status).toEqual({ state: 'checking', feedUrl: FEED });
    expect(updater.feeds).toEqual([FEED]);
    expect(updater.checks).toBe(1);
    await vi.advanceTimersByTimeAsync(4 * HOUR);
    expect(updater.checks).toBe(2);
    running.stop();
    await vi.advanceTimersByTimeAsync(8 * HOUR);
    expect(updater.checks).toBe(2);
  });

  it('downloads quietly and installs on quit, never downgrading or taking a pre-release', async () => {
    const { start, updater } = setup();
    await start();
    expect(updater).toMatchObject({
      autoDownload: true,
      autoInstallOnAppQuit: true,
      allowDowngrade: false,
      allowPrerelease: false,
      forceDevUpdateConfig: false,
      disableWebInstaller: true,
    });
  });

  it('stops asking once an update is downloaded: it installs on quit', async () => {
    const { start, updater, logs } = setup();
    await start();
    updater.emit('update-downloaded', { version: '1.5.0' });
    await vi.advanceTimersByTimeAsync(12 * HOUR);
    expect(updater.checks).toBe(1);
    expect(logs).toEqual(['Update 1.5.0 downloaded; it installs when the app quits']);
  });
});

describe('startUpdater: which release it takes', () => {
  it('refuses a downgrade before anything is downloaded', async () => {
    const { start, updater, logs } = setup();
    await start();
    expect(await updater.isUpdateSupported(release('1.3.9'))).toBe(false);
    expect(logs).toEqual(['Update refused: 1.3.9 is not newer than 1.4.0']);
  });

  it('refuses the version it already runs', async () => {
    const { start, updater } = setup();
    await start();
    expect(await updater.isUpdateSupported(release('1.4.0'))).toBe(false);
  });

  it('refuses a release whose file has no sha512 to check the download against', async () => {
    const { start, updater, logs } = setup();
    await start();
    expect(await updater.isUpdateSupported(release('1.5.0', null))).toBe(false);
    expect(logs).toEqual(['Update refused: TimeNest-Chat-1.5.0.exe has no sha512']);
  });

  it('takes a newer, checksummed release when the platform check agrees too', async () => {
    const { start, updater } = setup();
    await start();
    expect(await updater.isUpdateSupported(release('1.5.0'))).toBe(true);
    updater.platformSupports = false; // e.g. the release needs a newer OS
    expect(await updater.isUpdateSupported(release('1.5.0'))).toBe(false);
  });
});

describe('startUpdater: unsigned updates', () => {
  it('on Windows, a build that names no publisher takes no update: nothing would check the signature', async () => {
    const { start, loadUpdater, logs } = setup({ platform: 'win32' });
    expect((await start()).status).toEqual({ state: 'disabled', reason: 'unverifiable' });
    expect(loadUpdater).not.toHaveBeenCalled();
    expect(logs).toEqual([
      'Updates are off: this build names no Windows publisher, so an unsigned installer would pass',
    ]);
  });

  it('on Windows, a signed build checks, and electron-updater verifies its publisher', async () => {
    const { start, updater } = setup({
      platform: 'win32',
      windowsPublisherNames: ['TimeNest Ltd'],
    });
    expect((await start()).status).toMatchObject({ state: 'checking' });
    expect(updater.checks).toBe(1);
  });

  it('on Linux, nothing verifies a signature, so no update is taken', async () => {
    const { start, loadUpdater } = setup({ platform: 'linux' });
    expect((await start()).status).toEqual({ state: 'disabled', reason: 'unverifiable' });
    expect(loadUpdater).not.toHaveBeenCalled();
  });
});

describe('startUpdater: a failing feed does not break the app', () => {
  it('logs a failed check once and asks again later', async () => {
    const { start, updater, logs } = setup();
    updater.nextCheck = async () => {
      throw new Error('net::ERR_NAME_NOT_RESOLVED');
    };
    await expect(start()).resolves.toMatchObject({ status: { state: 'checking' } });
    await vi.advanceTimersByTimeAsync(0);
    expect(logs).toEqual(['Update failed: net::ERR_NAME_NOT_RESOLVED']);
    updater.nextCheck = async () => null;
    await vi.advanceTimersByTimeAsync(4 * HOUR);
    expect(updater.checks).toBe(2);
    expect(logs).toHaveLength(1);
  });

  it('logs a failed background download instead of leaving a rejection unhandled', async () => {
    const { start, updater, logs } = setup();
    const failure = new Error('sha512 checksum mismatch');
    updater.nextCheck = async () => ({ downloadPromise: Promise.reject(failure) });
    await start();
    await vi.advanceTimersByTimeAsync(0);
    expect(logs).toEqual(['Update failed: sha512 checksum mismatch']);
  });

  it('an error event on its own is logged, not thrown', async () => {
    const { start, updater, logs } = setup();
    await start();
    expect(() => updater.emit('error', new Error('ERR_UPDATER_INVALID_SIGNATURE'))).not.toThrow();
    expect(logs).toEqual(['Update failed: ERR_UPDATER_INVALID_SIGNATURE']);
  });

  it('leaves updates off when electron-updater cannot be loaded', async () => {
    const { start, logs } = setup({
      loadUpdater: async () => {
        throw new Error('Cannot find module electron-updater');
      },
    });
    expect((await start()).status).toEqual({ state: 'disabled', reason: 'failed-to-load' });
    expect(logs).toEqual(['Updates are off: Cannot find module electron-updater']);
  });
});

describe('compareVersions', () => {
  it('orders versions by semver precedence (the spec’s own example, §11)', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.2.0',
      '1.10.0',
      '2.0.0',
      '10.0.0',
    ];
    for (let i = 0; i + 1 < ordered.length; i++) {
      const lower = ordered[i] ?? '';
      const higher = ordered[i + 1] ?? '';
      expect(compareVersions(lower, higher), `${lower} < ${higher}`).toBe(-1);
      expect(compareVersions(higher, lower), `${higher} > ${lower}`).toBe(1);
    }
  });

  it('compares numbers as numbers, however long', () => {
    expect(compareVersions('0.1.10', '0.1.9')).toBe(1);
    expect(compareVersions('1.0.0-rc.10', '1.0.0-rc.9')).toBe(1);
    expect(compareVersions('99999999999999999999.0.0', '99999999999999999998.0.0')).toBe(1);
  });

  it('ignores build metadata and a leading v', () => {
    expect(compareVersions('1.2.3+build.7', '1.2.3')).toBe(0);
    expect(compareVersions('v1.2.3', '1.2.3')).toBe(0);
  });

  it('answers null for anything that is not a version', () => {
    for (const bad of ['1.2', '01.2.3', '1.2.3-', '1.2.3-01', 'latest', '', '1.2.3 || 9.9.9']) {
      expect(compareVersions(bad, '1.0.0'), bad).toBeNull();
    }
  });
});

describe('judgeOffer', () => {
  it('refuses lower, equal and unparsable versions', () => {
    expect(judgeOffer('1.4.0', release('1.3.12'))).toMatchObject({ accepted: false });
    expect(judgeOffer('1.4.0', release('1.4.0'))).toMatchObject({ accepted: false });
    expect(judgeOffer('1.4.0', release('1.4.0-beta.1'))).toMatchObject({ accepted: false });
    expect(judgeOffer('1.4.0', release('next'))).toEqual({
      accepted: false,
      reason: '"next" is not a version',
    });
  });

  it('refuses a release with no file, or any file without a sha512', () => {
    expect(judgeOffer('1.4.0', { version: '1.5.0', files: [] })).toMatchObject({
      accepted: false,
    });
    const oneUnchecked: OfferedUpdate = {
      version: '1.5.0',
      files: [
        { url: 'a.zip', sha512: 'c2hh' },
        { url: 'b.dmg', sha512: '' },
      ],
    };
    expect(judgeOffer('1.4.0', oneUnchecked)).toEqual({
      accepted: false,
      reason: 'b.dmg has no sha512',
    });
  });

  it('takes a newer release whose every file is checksummed', () => {
    expect(judgeOffer('1.4.0', release('1.4.1'))).toEqual({ accepted: true });
  });
});

describe('judgeSignatureCheck', () => {
  it('needs a publisher name on Windows, trusts Squirrel.Mac, and refuses elsewhere', () => {
    expect(judgeSignatureCheck('win32', [])).toMatchObject({ accepted: false });
    expect(judgeSignatureCheck('win32', ['TimeNest Ltd'])).toEqual({ accepted: true });
    expect(judgeSignatureCheck('darwin', [])).toEqual({ accepted: true });
    expect(judgeSignatureCheck('linux', ['TimeNest Ltd'])).toMatchObject({ accepted: false });
    expect(judgeSignatureCheck('freebsd', [])).toMatchObject({ accepted: false });
  });
});
