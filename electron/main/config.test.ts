import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SERVER_URL,
  DEV_ONLY_VARIABLES,
  DesktopConfigError,
  honouredEnvironment,
  ignoredSwitchesNotice,
  parseDesktopConfig,
} from './config.ts';

const development = (env: Record<string, string | undefined>, builtInServerUrl?: string) =>
  parseDesktopConfig({ env, builtInServerUrl, isPackaged: false });
const installed = (env: Record<string, string | undefined>, builtInServerUrl?: string) =>
  parseDesktopConfig({ env, builtInServerUrl, isPackaged: true });

const EVERY_SWITCH = {
  ELECTRON_RENDERER_URL: 'https://evil.example/',
  TIMENEST_USER_DATA_DIR: '/tmp/prepared-profile',
};

describe('parseDesktopConfig', () => {
  it('uses the default server and no dev server or data folder', () => {
    expect(development({})).toEqual({
      config: {
        serverUrl: DEFAULT_SERVER_URL,
        rendererDevUrl: null,
        userDataDir: null,
      },
      ignored: [],
    });
  });

  it('uses the server URL the app was built with', () => {
    expect(development({}, 'https://chat.timenest.example').config.serverUrl).toBe(
      'https://chat.timenest.example',
    );
    expect(installed({}, 'https://chat.timenest.example').config.serverUrl).toBe(
      'https://chat.timenest.example',
    );
  });

  it('reads the development switches in a development build', () => {
    expect(development(EVERY_SWITCH)).toEqual({
      config: {
        serverUrl: DEFAULT_SERVER_URL,
        rendererDevUrl: 'https://evil.example/',
        userDataDir: '/tmp/prepared-profile',
      },
      ignored: [],
    });
  });

  it('refuses a built-in server URL that is not http(s)', () => {
    expect(() => development({}, 'file:///etc/passwd')).toThrow(DesktopConfigError);
    expect(() => installed({}, 'file:///etc/passwd')).toThrow(DesktopConfigError);
  });

  it('names every bad variable, one per line', () => {
    try {
      development(
        { ELECTRON_RENDERER_URL: 'javascript:alert(1)', TIMENEST_USER_DATA_DIR: '' },
        'ftp://x',
      );
      expect.unreachable();
    } catch (error) {
      const lines = String((error as Error).message).split('\n');
      expect(lines).toHaveLength(4);
    }
  });
});

describe('[§6] an installed app cannot be pointed at another origin or profile', () => {
  it('ignores every development switch when packaged, and says which', () => {
    expect(installed(EVERY_SWITCH)).toEqual({
      config: {
        serverUrl: DEFAULT_SERVER_URL,
        rendererDevUrl: null,
        userDataDir: null,
      },
      ignored: ['ELECTRON_RENDERER_URL', 'TIMENEST_USER_DATA_DIR'],
    });
  });

  it.each(DEV_ONLY_VARIABLES)('ignores %s on its own', (name) => {
    const { config, ignored } = installed({ [name]: EVERY_SWITCH[name] });
    expect(Object.values(config)).not.toContain(EVERY_SWITCH[name]);
    expect(ignored).toEqual([name]);
  });

  it('drops only the development switches from what it reads, and none in development', () => {
    const env = { ...EVERY_SWITCH, HOME: '/home/ada', TIMENEST_USER_DATA_DIR_EXTRA: 'x' };
    expect(honouredEnvironment(env, true).env).toEqual({
      HOME: '/home/ada',
      TIMENEST_USER_DATA_DIR_EXTRA: 'x',
    });
    expect(honouredEnvironment(env, false)).toEqual({ env, ignored: [] });
  });

  it('starts even when a switch it ignores is malformed', () => {
    const { ignored } = installed({ ELECTRON_RENDERER_URL: 'javascript:alert(1)' });
    expect(ignored).toEqual(['ELECTRON_RENDERER_URL']);
  });

  it('logs the ignored switches in one line, and nothing when there were none', () => {
    expect(ignoredSwitchesNotice(['ELECTRON_RENDERER_URL', 'TIMENEST_USER_DATA_DIR'])).toBe(
      'Ignored ELECTRON_RENDERER_URL, TIMENEST_USER_DATA_DIR: development switches have no effect in an installed app.',
    );
    expect(ignoredSwitchesNotice([])).toBeNull();
  });
});
