import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_URL, DesktopConfigError, parseDesktopConfig } from './config.ts';

describe('parseDesktopConfig', () => {
  it('uses the default server and no dev server, update feed or data folder', () => {
    expect(parseDesktopConfig({}, undefined)).toEqual({
      serverUrl: DEFAULT_SERVER_URL,
      rendererDevUrl: null,
      userDataDir: null,
      updateUrl: null,
    });
  });

  it('uses the server URL the app was built with', () => {
    expect(parseDesktopConfig({}, 'https://chat.timenest.example').serverUrl).toBe(
      'https://chat.timenest.example',
    );
  });

  it('reads the development renderer URL electron-vite sets', () => {
    const config = parseDesktopConfig(
      { ELECTRON_RENDERER_URL: 'http://localhost:5173' },
      undefined,
    );
    expect(config.rendererDevUrl).toBe('http://localhost:5173');
  });

  it('refuses an update feed that is not https', () => {
    expect(() =>
      parseDesktopConfig({ TIMENEST_UPDATE_URL: 'http://updates.example/' }, undefined),
    ).toThrow(/TIMENEST_UPDATE_URL/);
  });

  it('refuses a built-in server URL that is not http(s)', () => {
    expect(() => parseDesktopConfig({}, 'file:///etc/passwd')).toThrow(DesktopConfigError);
  });

  it('names every bad variable, one per line', () => {
    try {
      parseDesktopConfig(
        { ELECTRON_RENDERER_URL: 'javascript:alert(1)', TIMENEST_UPDATE_URL: 'nope' },
        'ftp://x',
      );
      expect.unreachable();
    } catch (error) {
      const lines = String((error as Error).message).split('\n');
      expect(lines).toHaveLength(4);
    }
  });
});
