// The built main bundle, run as an installed app with every development switch set, must
// do exactly what it does with none set. It runs out/main/index.js itself (the file
// electron-builder packages) with Electron stubbed, so it fails if the build that ships
// honours a switch, whatever the source looks like.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseContentSecurityPolicy } from './main/content-security-policy.ts';
import {
  type BuiltMainRun,
  callsTo,
  runBuiltMain,
  stringsPassed,
} from './test-support/built-main.ts';

const OTHER_ORIGIN = 'https://evil.example';
const OTHER_FEED = 'https://updates.evil.example/feed';
const PREPARED_PROFILE = '/tmp/prepared-profile';
const SWITCHES = {
  ELECTRON_RENDERER_URL: `${OTHER_ORIGIN}/`,
  // Honoured by earlier versions; the updater now reads only the feed built in.
  TIMENEST_UPDATE_URL: OTHER_FEED,
  TIMENEST_USER_DATA_DIR: PREPARED_PROFILE,
};
// macOS is where an installed app with a feed checks for updates, so a feed switch that
// got through would reach electron-updater there.
const PLATFORMS = ['darwin', 'win32', 'linux'] as const;

function mentions(run: BuiltMainRun, text: string): string[] {
  return stringsPassed(run).filter((value) => value.includes(text));
}

interface InstalledRuns {
  withSwitches: BuiltMainRun;
  without: BuiltMainRun;
}

describe('[§6] the packaged main bundle ignores development switches', () => {
  let development: BuiltMainRun;
  const installed = new Map<string, InstalledRuns>();
  beforeAll(async () => {
    const runs = await Promise.all([
      runBuiltMain({ isPackaged: false, platform: 'linux', env: SWITCHES }),
      ...PLATFORMS.flatMap((platform) => [
        runBuiltMain({ isPackaged: true, platform, env: SWITCHES }),
        runBuiltMain({ isPackaged: true, platform, env: {} }),
      ]),
    ]);
    development = runs[0]!;
    PLATFORMS.forEach((platform, i) => {
      installed.set(platform, { withSwitches: runs[1 + 2 * i]!, without: runs[2 + 2 * i]! });
    });
  }, 60_000);

  it('sees a switch a build honours: the development build loads the other origin', () => {
    // The control: this harness does see a switch reach Electron when one is honoured.
    expect(development.failure).toBeNull();
    expect(callsTo(development, 'new BrowserWindow.loadURL')).toEqual([[`${OTHER_ORIGIN}/`]]);
    expect(callsTo(development, 'app.setPath')).toContainEqual(['userData', PREPARED_PROFILE]);
    expect(development.contentSecurityPolicy).toContain("'unsafe-inline'");
  });

  describe.each(PLATFORMS)('installed on %s', (platform) => {
    const runs = () => installed.get(platform)!;

    it('starts up and quits as it does without the switches', () => {
      expect(runs().without.failure).toBeNull();
      expect(runs().withSwitches.failure).toBeNull();
    });

    it('loads its own app:// page, never ELECTRON_RENDERER_URL', () => {
      expect(callsTo(runs().withSwitches, 'new BrowserWindow.loadURL')).toEqual([
        ['app://timenest/'],
      ]);
      expect(mentions(runs().withSwitches, OTHER_ORIGIN)).toEqual([]);
    });

    it('hands no Electron or electron-updater API the TIMENEST_UPDATE_URL feed', () => {
      expect(mentions(runs().withSwitches, OTHER_FEED)).toEqual([]);
    });

    it('keeps its profile in its own folder, never TIMENEST_USER_DATA_DIR', () => {
      const { withSwitches, without } = runs();
      expect(callsTo(withSwitches, 'app.setPath')).toEqual(callsTo(without, 'app.setPath'));
      expect(mentions(withSwitches, PREPARED_PROFILE)).toEqual([]);
    });

    it('does everything it does without the switches, call for call', () => {
      expect(runs().withSwitches.calls).toEqual(runs().without.calls);
    });

    it("serves its pages with a CSP whose scripts are its own, never 'unsafe-inline'", () => {
      const { withSwitches, without } = runs();
      const directives = parseContentSecurityPolicy(withSwitches.contentSecurityPolicy ?? '');
      expect(directives.get('script-src')).toEqual(["'self'"]);
      expect(withSwitches.contentSecurityPolicy).toBe(without.contentSecurityPolicy);
    });

    it('says once which switches it ignored', () => {
      const notices = (run: BuiltMainRun) => run.logged.filter((line) => line.includes('Ignored'));
      expect(notices(runs().withSwitches)).toEqual([
        '[timenest] Ignored ELECTRON_RENDERER_URL, TIMENEST_USER_DATA_DIR: development switches have no effect in an installed app.',
      ]);
      expect(notices(runs().without)).toEqual([]);
    });
  });
});
