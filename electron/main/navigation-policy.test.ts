import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from './app-origin.ts';
import { decideWindowOpen, externalUrlToOpen, isNavigationAllowed } from './navigation-policy.ts';

const DEV_ORIGIN = 'http://localhost:5173';

describe('isNavigationAllowed', () => {
  it('allows a page of the app protocol', () => {
    expect(isNavigationAllowed('app://timenest/index.html#/c/1', APP_ORIGIN)).toBe(true);
  });

  it('allows a page of the development server when that is the app origin', () => {
    expect(isNavigationAllowed('http://localhost:5173/chat?x=1', DEV_ORIGIN)).toBe(true);
  });

  it.each([
    ['a look-alike app host', 'app://timenest.evil/index.html'],
    ['another app host', 'app://evil/index.html'],
    ['the app host with a port', 'app://timenest:1/index.html'],
    ['credentials in front of the app host', 'app://timenest@evil/index.html'],
    ['the app host as credentials', 'app://evil@timenest/index.html'],
    ['no host', 'app:///index.html'],
    ['an opaque app URL', 'app:timenest/index.html'],
    ['a file URL', 'file:///etc/passwd'],
    ['a web page', 'https://timenest.chat/'],
    ['a data URL', 'data:text/html,<script>alert(1)</script>'],
    ['javascript', 'javascript:alert(1)'],
    ['about:blank', 'about:blank'],
    ['a relative URL', '/index.html'],
  ])('denies navigating to %s', (_label, url) => {
    expect(isNavigationAllowed(url, APP_ORIGIN)).toBe(false);
  });

  it.each([
    ['a look-alike dev host', 'http://localhost.evil.example:5173/'],
    ['another port', 'http://localhost:5174/'],
    ['https instead of http', 'https://localhost:5173/'],
    ['a host that starts with the origin', 'http://localhost:51730/'],
    ['credentials hiding another host', 'http://localhost:5173@evil.example/'],
    ['a websocket URL', 'ws://localhost:5173/'],
  ])('denies %s when the app runs from the development server', (_label, url) => {
    expect(isNavigationAllowed(url, DEV_ORIGIN)).toBe(false);
  });
});

describe('externalUrlToOpen', () => {
  it('lets an https link open in the system browser', () => {
    expect(externalUrlToOpen('https://timenest.example/help?q=1')).toBe(
      'https://timenest.example/help?q=1',
    );
  });

  it('lets an http link open in the system browser', () => {
    expect(externalUrlToOpen('http://example.com/')).toBe('http://example.com/');
  });

  it('lets a mail address open in the mail client', () => {
    expect(externalUrlToOpen('mailto:someone@example.com')).toBe('mailto:someone@example.com');
  });

  it.each([
    ['file', 'file:///C:/Windows/System32/calc.exe'],
    ['smb', 'smb://evil.example/share/payload.exe'],
    ['ms-msdt', 'ms-msdt:/id PCWDiagnostic /skip force'],
    ['javascript', 'javascript:alert(1)'],
    ['the app protocol', 'app://timenest/index.html'],
    ['the deep link scheme', 'timenest://chat/1?conversation_id=1'],
    ['mailto that attaches a file', 'mailto:someone@example.com?attach=/etc/passwd'],
    ['data', 'data:text/html,hi'],
  ])('refuses to open a %s URL externally', (_label, url) => {
    expect(externalUrlToOpen(url)).toBeNull();
  });

  it('refuses an https link whose credentials disguise the real host', () => {
    expect(externalUrlToOpen('https://bank.example@evil.example/login')).toBeNull();
  });

  it('refuses text that is not a URL', () => {
    expect(externalUrlToOpen('example.com')).toBeNull();
  });

  it('refuses an overlong URL', () => {
    expect(externalUrlToOpen(`https://example.com/${'a'.repeat(3000)}`)).toBeNull();
  });
});

describe('decideWindowOpen', () => {
  it('denies a new window for a web link and sends it to the browser', () => {
    expect(decideWindowOpen('https://example.com/', APP_ORIGIN)).toEqual({
      action: 'deny',
      openExternally: 'https://example.com/',
    });
  });

  it('denies a new window for a page of the app without opening anything', () => {
    expect(decideWindowOpen('app://timenest/index.html', APP_ORIGIN)).toEqual({
      action: 'deny',
      openExternally: null,
    });
  });

  it('denies a new window for a look-alike app URL without opening anything', () => {
    expect(decideWindowOpen('app://timenest.evil/', APP_ORIGIN)).toEqual({
      action: 'deny',
      openExternally: null,
    });
  });

  it('denies a new window for a file URL without opening anything', () => {
    expect(decideWindowOpen('file:///etc/passwd', APP_ORIGIN).openExternally).toBeNull();
  });
});
