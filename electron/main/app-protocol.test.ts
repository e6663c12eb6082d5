import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_SCHEME_PRIVILEGES,
  contentTypeFor,
  createAppProtocolHandler,
  resolveAppFilePath,
} from './app-protocol.ts';

const ROOT = '/opt/TimeNest/resources/app.asar/out/renderer';

describe('resolveAppFilePath', () => {
  it('serves index.html for the root', () => {
    expect(resolveAppFilePath('app://timenest/', ROOT)).toBe(`${ROOT}/index.html`);
  });

  it('serves a built asset', () => {
    expect(resolveAppFilePath('app://timenest/assets/index-abc123.js', ROOT)).toBe(
      `${ROOT}/assets/index-abc123.js`,
    );
  });

  it('ignores the query and fragment', () => {
    expect(resolveAppFilePath('app://timenest/assets/a.css?v=1#x', ROOT)).toBe(
      `${ROOT}/assets/a.css`,
    );
  });

  it('serves index.html for a client-side route', () => {
    expect(resolveAppFilePath('app://timenest/conversations/12', ROOT)).toBe(`${ROOT}/index.html`);
  });

  it('decodes percent-encoded file names', () => {
    expect(resolveAppFilePath('app://timenest/assets/my%20font.woff2', ROOT)).toBe(
      `${ROOT}/assets/my font.woff2`,
    );
  });

  it.each([
    ['dot segments', 'app://timenest/../../../etc/passwd.txt'],
    ['encoded dot segments', 'app://timenest/%2e%2e/%2e%2e/etc/passwd.txt'],
    ['encoded slashes', 'app://timenest/..%2f..%2f..%2fetc%2fpasswd.txt'],
    ['double-encoded slashes', 'app://timenest/..%252f..%252fetc%252fpasswd.txt'],
    ['a sibling folder with the same prefix', 'app://timenest/..%2frenderer-secrets%2fkey.txt'],
  ])('never leaves the renderer folder through %s', (_label, url) => {
    const resolved = resolveAppFilePath(url, ROOT);
    if (resolved !== null) expect(resolved.startsWith(`${ROOT}/`)).toBe(true);
  });

  it.each([
    ['an encoded backslash', 'app://timenest/..%5c..%5cetc%5cpasswd.txt'],
    ['a null byte', 'app://timenest/index.html%00.png'],
    ['a drive letter', 'app://timenest/C:/Windows/win.ini'],
    ['an alternate data stream', 'app://timenest/index.html:secret.txt'],
    ['malformed percent-encoding', 'app://timenest/%E0%A4%A.js'],
    ['a control character', 'app://timenest/a%0Ab.js'],
  ])('refuses a path with %s', (_label, url) => {
    expect(resolveAppFilePath(url, ROOT)).toBeNull();
  });

  it.each([
    ['another host', 'app://evil/index.html'],
    ['a look-alike host', 'app://timenest.evil/index.html'],
    ['another scheme', 'file:///opt/TimeNest/resources/app.asar/out/renderer/index.html'],
    ['the web', 'https://timenest/index.html'],
    ['no host', 'app:///index.html'],
  ])('refuses a URL for %s', (_label, url) => {
    expect(resolveAppFilePath(url, ROOT)).toBeNull();
  });

  it('stays inside the folder with Windows path rules', () => {
    const root = 'C:\\Program Files\\TimeNest Chat\\resources\\app.asar\\out\\renderer';
    expect(resolveAppFilePath('app://timenest/assets/a.js', root, path.win32)).toBe(
      `${root}\\assets\\a.js`,
    );
    expect(resolveAppFilePath('app://timenest/..%2f..%2fsecret.txt', root, path.win32)).toBeNull();
  });
});

describe('contentTypeFor', () => {
  it('labels scripts as JavaScript, as module scripts require', () => {
    expect(contentTypeFor('/x/index-abc.js')).toBe('text/javascript; charset=utf-8');
  });

  it('labels unknown files as opaque bytes', () => {
    expect(contentTypeFor('/x/file.unknown')).toBe('application/octet-stream');
  });
});

describe('createAppProtocolHandler', () => {
  const files = new Map([[`${ROOT}/index.html`, '<!doctype html><title>TimeNest</title>']]);
  const handler = createAppProtocolHandler({
    rootDir: ROOT,
    readFile: async (filePath) => {
      const text = files.get(filePath);
      return text === undefined ? null : Buffer.from(text);
    },
    contentSecurityPolicy: "default-src 'none'; script-src 'self'",
  });

  it('serves the page with its CSP and no content sniffing', async () => {
    const response = await handler(new Request('app://timenest/'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>TimeNest</title>');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'",
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('answers 404 for a missing asset', async () => {
    expect((await handler(new Request('app://timenest/assets/missing.js'))).status).toBe(404);
  });

  it('answers 404, not the file, for a traversal attempt', async () => {
    const response = await handler(new Request('app://timenest/..%2f..%2f..%2fetc%2fpasswd.txt'));
    expect(response.status).toBe(404);
  });

  it('refuses to accept uploads', async () => {
    const response = await handler(new Request('app://timenest/', { method: 'POST', body: 'x' }));
    expect(response.status).toBe(405);
  });

  it('answers 404 when reading fails', async () => {
    const failing = createAppProtocolHandler({
      rootDir: ROOT,
      readFile: async () => {
        throw new Error('EISDIR');
      },
      contentSecurityPolicy: '',
    });
    expect((await failing(new Request('app://timenest/assets.js'))).status).toBe(404);
  });
});

describe('APP_SCHEME_PRIVILEGES', () => {
  it('does not let the scheme bypass the CSP', () => {
    expect('bypassCSP' in APP_SCHEME_PRIVILEGES.privileges).toBe(false);
  });
});
