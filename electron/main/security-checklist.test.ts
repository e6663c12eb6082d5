// Electron's security checklist (docs: tutorial/security), item by item, checked against
// the options, policies and configuration the app really uses. Item numbers follow the
// checklist; items about remote content apply because the app talks to a server and
// shows text other people wrote.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Session, WebPreferences } from 'electron';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BRIDGE_TABLE } from '../../shared/platform/bridge-table.ts';
import { createDesktopBridge } from '../preload/bridge.ts';
import { loadBuilderConfig, REPO_ROOT } from '../test-support/builder-config.ts';
import { APP_ORIGIN, rendererEntryUrl } from './app-origin.ts';
import {
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
  resolveAppFilePath,
} from './app-protocol.ts';
import { DEFAULT_SERVER_URL } from './config.ts';
import {
  buildContentSecurityPolicy,
  parseContentSecurityPolicy,
} from './content-security-policy.ts';
import { createIpcRouter, type InvokeEvent } from './ipc.ts';
import { registerIpcRoutes } from './ipc-routes.ts';
import { externalUrlToOpen } from './navigation-policy.ts';
import { fakeDesktopServices } from './test-support/fake-desktop-services.ts';
import { hardenedFakeWebContents } from './test-support/fake-web-contents.ts';
import { createMainWindowOptions, createSessionPolicy } from './window-options.ts';

const windowOptions = createMainWindowOptions({
  preloadPath: '/opt/TimeNest/resources/app.asar/out/preload/index.cjs',
  bounds: { width: 1100, height: 760 },
  isPackaged: true,
});
const webPreferences: WebPreferences = windowOptions.webPreferences ?? {};
const sessionPolicy = createSessionPolicy(() => APP_ORIGIN);
const csp = buildContentSecurityPolicy({ serverUrl: DEFAULT_SERVER_URL, devServerUrl: null });
const cspDirectives = parseContentSecurityPolicy(csp);

type Permission = Parameters<NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>>[1];
// Every permission Electron 45 knows: the Record type makes the compiler reject a
// missing one, so a new Electron permission cannot slip past this test.
const EVERY_PERMISSION: Record<Permission, true> = {
  ar: true,
  'automatic-fullscreen': true,
  'background-fetch': true,
  'background-sync': true,
  'captured-surface-control': true,
  'clipboard-read': true,
  'clipboard-sanitized-write': true,
  'deprecated-sync-clipboard-read': true,
  'display-capture': true,
  fileSystem: true,
  fullscreen: true,
  geolocation: true,
  'geolocation-approximate': true,
  'hand-tracking': true,
  hid: true,
  'idle-detection': true,
  keyboardLock: true,
  'local-fonts': true,
  'local-network': true,
  'local-network-access': true,
  'loopback-network': true,
  media: true,
  mediaKeySystem: true,
  midi: true,
  midiSysex: true,
  nfc: true,
  notifications: true,
  openExternal: true,
  'payment-handler': true,
  'periodic-background-sync': true,
  'persistent-storage': true,
  pointerLock: true,
  'screen-wake-lock': true,
  sensors: true,
  serial: true,
  'smart-card': true,
  'speaker-selection': true,
  'storage-access': true,
  'system-wake-lock': true,
  'top-level-storage-access': true,
  usb: true,
  vr: true,
  'web-app-installation': true,
  'web-printing': true,
  'window-management': true,
  unknown: true,
};

describe('Electron security checklist', () => {
  let fuses: Record<string, unknown>;
  beforeAll(async () => {
    fuses = { ...(await loadBuilderConfig()).electronFuses };
  });

  it('1. Only load secure content', () => {
    expect(new URL(rendererEntryUrl(null)).protocol).toBe('app:');
    expect(APP_SCHEME_PRIVILEGES.privileges.secure).toBe(true);
    // The only other content is the configured server, over http(s) and ws(s).
    expect(cspDirectives.get('connect-src')).toEqual([
      "'self'",
      'http://127.0.0.1:8787',
      'ws://127.0.0.1:8787',
    ]);
  });

  it('2. Do not enable Node.js integration for remote content', () => {
    expect(webPreferences.nodeIntegration).toBe(false);
    expect(webPreferences.nodeIntegrationInWorker).toBe(false);
    expect(webPreferences.nodeIntegrationInSubFrames).toBe(false);
  });

  it('3. Enable context isolation', () => {
    expect(webPreferences.contextIsolation).toBe(true);
  });

  it('4. Enable process sandboxing', () => {
    expect(webPreferences.sandbox).toBe(true);
  });

  it('5. Handle session permission requests from remote content', () => {
    const granted = Object.keys(EVERY_PERMISSION).filter((permission) =>
      sessionPolicy.isPermissionGranted(permission, 'app://timenest/index.html'),
    );
    expect(granted).toEqual(['notifications']);
    expect(sessionPolicy.isPermissionGranted('notifications', 'https://evil.example/')).toBe(false);
    expect(sessionPolicy.isPermissionGranted('notifications', 'app://timenest.evil/')).toBe(false);
  });

  it('6. Do not disable webSecurity', () => {
    expect(webPreferences.webSecurity).toBe(true);
  });

  it('7. Define a Content Security Policy', async () => {
    expect(cspDirectives.get('default-src')).toEqual(["'none'"]);
    expect(cspDirectives.get('script-src')).toEqual(["'self'"]);
    expect(cspDirectives.get('object-src')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe-eval');
    const handler = createAppProtocolHandler({
      rootDir: '/r',
      readFile: async () => Buffer.from('<!doctype html>'),
      contentSecurityPolicy: csp,
    });
    const response = await handler(new Request('app://timenest/index.html'));
    expect(response.headers.get('content-security-policy')).toBe(csp);
  });

  it('8. Do not enable allowRunningInsecureContent', () => {
    expect(webPreferences.allowRunningInsecureContent).toBe(false);
  });

  it('9. Do not enable experimental features', () => {
    expect(webPreferences.experimentalFeatures).toBe(false);
  });

  it('10. Do not use enableBlinkFeatures', () => {
    expect(webPreferences.enableBlinkFeatures).toBeUndefined();
  });

  it('11. <webview>: Do not use allowpopups', () => {
    expect(webPreferences.webviewTag).toBe(false);
    expect(hardenedFakeWebContents().fire('will-attach-webview', '')).toBe(true);
  });

  it('12. <webview>: Verify options and params', () => {
    // There is nothing to verify because no webview may be attached at all.
    expect(hardenedFakeWebContents().fire('will-attach-webview', 'https://evil.example/')).toBe(
      true,
    );
  });

  it('13. Disable or limit navigation', () => {
    const contents = hardenedFakeWebContents();
    expect(contents.fire('will-navigate', 'app://timenest/index.html')).toBe(false);
    for (const url of ['app://timenest.evil/', 'https://evil.example/', 'file:///etc/passwd']) {
      expect(contents.fire('will-navigate', url)).toBe(true);
      expect(contents.fire('will-frame-navigate', url, false)).toBe(true);
      expect(contents.fire('will-redirect', url)).toBe(true);
    }
    expect(webPreferences.navigateOnDragDrop).toBe(false);
  });

  it('14. Disable or limit creation of new windows', () => {
    const contents = hardenedFakeWebContents();
    for (const url of ['app://timenest/index.html', 'https://example.com/', 'file:///etc/passwd']) {
      expect(contents.openWindow(url)).toEqual({ action: 'deny' });
    }
    expect(contents.opened).toEqual(['https://example.com/']);
  });

  it('15. Do not use shell.openExternal with untrusted content', () => {
    expect(externalUrlToOpen('https://example.com/')).toBe('https://example.com/');
    for (const url of [
      'file:///C:/Windows/System32/calc.exe',
      'smb://evil/x',
      'ms-msdt:/id x',
      'javascript:alert(1)',
    ]) {
      expect(externalUrlToOpen(url)).toBeNull();
    }
  });

  it('16. Use a current version of Electron', () => {
    const { version } = JSON.parse(
      readFileSync(join(REPO_ROOT, 'node_modules/electron/package.json'), 'utf8'),
    ) as {
      version: string;
    };
    // 45 was current when this checklist was last reviewed (November 2026).
    expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(45);
  });

  it('17. Validate the sender of all IPC messages', async () => {
    const listeners = new Map<string, (event: InvokeEvent, ...args: unknown[]) => unknown>();
    const router = createIpcRouter({
      ipcMain: { handle: (channel, listener) => listeners.set(channel, listener) },
      appOrigin: () => APP_ORIGIN,
      onRejected: () => {},
    });
    const services = fakeDesktopServices();
    registerIpcRoutes(router, services);
    expect(listeners.size).toBeGreaterThan(0);
    const foreign: InvokeEvent = { senderFrame: { url: 'https://evil.example/', parent: null } };
    for (const [channel, listener] of listeners) {
      await expect(
        Promise.resolve().then(() => listener(foreign)),
        channel,
      ).rejects.toThrow('untrusted-sender');
    }
  });

  it('18. Avoid usage of the file:// protocol and prefer usage of custom protocols', () => {
    expect(rendererEntryUrl(null).startsWith('file:')).toBe(false);
    expect(resolveAppFilePath(rendererEntryUrl(null), '/r')).toBe('/r/index.html');
    expect(fuses.grantFileProtocolExtraPrivileges).toBe(false);
  });

  it('19. Check which fuses you can change', () => {
    expect(fuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('20. Do not expose Electron APIs to untrusted web content', () => {
    const ipc = {
      invoke: vi.fn(async (_channel: string) => null),
      on: vi.fn((_channel: string, _listener: unknown) => {}),
    };
    const bridge = createDesktopBridge(ipc);
    // Only functions and the kind string cross into the page: no object, so no
    // ipcRenderer, no event, nothing with methods of its own.
    const notFunctions = Object.entries(bridge).filter(([, value]) => typeof value !== 'function');
    expect(notFunctions).toEqual([['kind', 'desktop']]);
    // The preload listens only on the event channels of the bridge table.
    expect(ipc.on.mock.calls.map(([channel]) => channel)).toEqual(
      Object.values(BRIDGE_TABLE.events).map((operation) => operation.channel),
    );
    const preload = readFileSync(join(REPO_ROOT, 'electron/preload/index.ts'), 'utf8');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toContain("exposeInMainWorld('timenest', createDesktopBridge(ipcRenderer))");
  });
});
