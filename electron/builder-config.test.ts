import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Configuration } from 'electron-builder';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { APP_ID, DEEP_LINK_SCHEME, LINUX_DESKTOP_NAME, PRODUCT_NAME } from './main/app-id.ts';
import {
  loadBuilderConfig,
  REPO_ROOT,
  validateBuilderConfig,
} from './test-support/builder-config.ts';
import { appIconPng } from './tools/write-app-icon.ts';

let release: Configuration;
let e2e: Configuration;
beforeAll(async () => {
  release = await loadBuilderConfig('electron-builder.yml');
  e2e = await loadBuilderConfig('electron-builder.e2e.yml');
});

const packageJson = z
  .object({ main: z.string() })
  .parse(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')));
/** electron-builder normalizes `files` into FileSets with filters; flatten them back. */
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
const filePatterns = (files: unknown): string[] =>
  asList(files).flatMap((entry): string[] => {
    if (typeof entry === 'string') return [entry];
    const filter: unknown =
      typeof entry === 'object' && entry !== null ? Reflect.get(entry, 'filter') : undefined;
    if (typeof filter === 'string') return [filter];
    return Array.isArray(filter) ? filter.filter((f): f is string => typeof f === 'string') : [];
  });
const targetNames = (target: unknown): string[] =>
  asList(target).map((t) =>
    typeof t === 'object' && t !== null ? String(Reflect.get(t, 'target')) : String(t),
  );

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(validateBuilderConfig(release)).resolves.toBeUndefined();
  });

  it('would be rejected by that validation if a fuse name were misspelled', async () => {
    const misspelled = { ...release, electronFuses: { runAsnode: false } } as Configuration;
    await expect(validateBuilderConfig(misspelled)).rejects.toThrow(/configuration\.electronFuses/);
  });

  it('uses the AppUserModelId the code sets as its appId', () => {
    expect(release.appId).toBe(APP_ID);
  });

  it('names the product as the code does', () => {
    expect(release.productName).toBe(PRODUCT_NAME);
  });

  it('packs the electron-vite output and writes installers to dist', () => {
    expect(release.directories?.output).toBe('dist');
    expect(filePatterns(release.files)).toContain('out/**/*');
    expect(release.extraMetadata?.main).toBe(packageJson.main);
  });

  it('registers the deep link scheme, which gives Linux the x-scheme-handler/timenest MIME type', () => {
    const protocols = Array.isArray(release.protocols) ? release.protocols : [release.protocols];
    expect(protocols.flatMap((p) => p?.schemes ?? [])).toEqual([DEEP_LINK_SCHEME]);
  });

  it('installs per user on Windows with a Start-menu shortcut, which toasts need', () => {
    expect(targetNames(release.win?.target)).toEqual(['nsis']);
    expect(release.nsis?.perMachine).toBe(false);
    expect(release.nsis?.oneClick).toBe(true);
    expect(release.nsis?.createStartMenuShortcut).toBe(true);
  });

  it('builds a hardened, entitled DMG and zip on macOS', () => {
    expect(targetNames(release.mac?.target)).toEqual(['dmg', 'zip']);
    expect(release.mac?.hardenedRuntime).toBe(true);
    const entitlements = readFileSync(join(REPO_ROOT, release.mac?.entitlements ?? ''), 'utf8');
    expect(entitlements).toContain('com.apple.security.cs.allow-jit');
  });

  it('notarizes through the afterSign hook only, not twice', () => {
    expect(release.afterSign).toBe('build/notarize.cjs');
    expect(release.mac?.notarize).toBe(false);
  });

  it('builds an AppImage and a deb on Linux', () => {
    expect(targetNames(release.linux?.target)).toEqual(['AppImage', 'deb']);
  });

  it('names the Linux .desktop file after the desktopName Electron reads', () => {
    expect(release.extraMetadata?.desktopName).toBe(LINUX_DESKTOP_NAME);
    expect(release.linux?.syncDesktopName).toBe(true);
    expect(release.linux?.desktop?.entry?.StartupWMClass).toBe(
      LINUX_DESKTOP_NAME.replace(/\.desktop$/, ''),
    );
  });

  it('sets the release fuses', () => {
    expect(release.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('publishes nothing by default, so the updater stays off', () => {
    expect(release.publish).toBeNull();
  });

  it('ships the icon the app draws', () => {
    const icon = readFileSync(join(REPO_ROOT, 'build/icon.png'));
    expect(icon.equals(appIconPng())).toBe(true);
  });
});

describe('electron-builder.e2e.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(validateBuilderConfig(e2e)).resolves.toBeUndefined();
  });

  it('differs from the release build only by the inspector fuse and the output folder', () => {
    expect(e2e.electronFuses).toEqual({
      ...release.electronFuses,
      enableNodeCliInspectArguments: true,
    });
    expect(e2e.directories?.output).toBe('dist/e2e');
    const { electronFuses: _a, directories: _b, extends: _c, ...e2eRest } = e2e;
    const { electronFuses: _d, directories: _e, ...releaseRest } = release;
    expect(e2eRest).toEqual(releaseRest);
  });
});

describe('build/notarize.cjs', () => {
  type Fn = (arg: unknown) => unknown;
  const isFn = (value: unknown): value is Fn => typeof value === 'function';
  const hook: unknown = createRequire(import.meta.url)(join(REPO_ROOT, 'build/notarize.cjs'));
  const member = (name: string): Fn => {
    const value: unknown = isFn(hook) ? Reflect.get(hook, name) : undefined;
    if (!isFn(value)) throw new Error(`build/notarize.cjs does not export ${name}`);
    return value;
  };
  const notarizeCredentials = (env: Record<string, string>) => member('notarizeCredentials')(env);
  const afterSign = async (context: unknown) => member('default')(context);

  it('finds no credentials in an empty environment', () => {
    expect(notarizeCredentials({})).toBeNull();
  });

  it('needs every part of a credential, not just the Apple ID', () => {
    expect(notarizeCredentials({ APPLE_ID: 'dev@timenest.chat' })).toBeNull();
  });

  it('prefers an App Store Connect API key', () => {
    expect(
      notarizeCredentials({
        APPLE_API_KEY: 'k.p8',
        APPLE_API_KEY_ID: 'ID',
        APPLE_API_ISSUER: 'iss',
        APPLE_ID: 'x',
      }),
    ).toEqual({ appleApiKey: 'k.p8', appleApiKeyId: 'ID', appleApiIssuer: 'iss' });
  });

  it('accepts an Apple ID with app-specific password and team', () => {
    expect(
      notarizeCredentials({
        APPLE_ID: 'a@b.c',
        APPLE_APP_SPECIFIC_PASSWORD: 'pw',
        APPLE_TEAM_ID: 'T',
      }),
    ).toEqual({ appleId: 'a@b.c', appleIdPassword: 'pw', teamId: 'T' });
  });

  it('does nothing for a macOS build without credentials', async () => {
    for (const name of ['APPLE_API_KEY', 'APPLE_ID', 'APPLE_KEYCHAIN_PROFILE'])
      vi.stubEnv(name, '');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const context = {
      electronPlatformName: 'darwin',
      appOutDir: '/nowhere',
      packager: { appInfo: { productFilename: 'TimeNest Chat' } },
    };
    await expect(afterSign(context)).resolves.toBeUndefined();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('notarization skipped'));
    vi.unstubAllEnvs();
    log.mockRestore();
  });

  it('does nothing for Windows and Linux builds', async () => {
    await expect(afterSign({ electronPlatformName: 'linux' })).resolves.toBeUndefined();
  });
});
