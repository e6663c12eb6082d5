import { describe, expect, it } from 'vitest';
import { hardenedFakeWebContents } from './test-support/fake-web-contents.ts';

describe('hardenWebContents', () => {
  it('lets the page move between its own routes', () => {
    const contents = hardenedFakeWebContents();
    expect(contents.fire('will-navigate', 'app://timenest/chat/5')).toBe(false);
    expect(contents.opened).toEqual([]);
  });

  it('keeps a clicked web link out of the app and opens it in the browser exactly once', () => {
    const contents = hardenedFakeWebContents();
    // Electron reports a main-frame navigation to both events.
    expect(contents.fire('will-navigate', 'https://example.com/')).toBe(true);
    contents.fire('will-frame-navigate', 'https://example.com/', true);
    expect(contents.opened).toEqual(['https://example.com/']);
  });

  it('stops a navigation to a file URL without opening anything', () => {
    const contents = hardenedFakeWebContents();
    expect(contents.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.opened).toEqual([]);
  });

  it('stops a subframe from navigating away, without opening the target', () => {
    const contents = hardenedFakeWebContents();
    expect(contents.fire('will-frame-navigate', 'https://evil.example/', false)).toBe(true);
    expect(contents.opened).toEqual([]);
  });

  it('stops a redirect to another origin, without opening the target', () => {
    const contents = hardenedFakeWebContents();
    expect(contents.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.opened).toEqual([]);
  });

  it('denies window.open and sends a web link to the browser', () => {
    const contents = hardenedFakeWebContents();
    expect(contents.openWindow('https://example.com/')).toEqual({ action: 'deny' });
    expect(contents.opened).toEqual(['https://example.com/']);
  });

  it('refuses to attach a webview', () => {
    expect(hardenedFakeWebContents().fire('will-attach-webview', 'https://example.com/')).toBe(
      true,
    );
  });

  it('judges look-alike development hosts by origin', () => {
    const contents = hardenedFakeWebContents('http://localhost:5173');
    expect(contents.fire('will-navigate', 'http://localhost:5173/chat')).toBe(false);
    expect(contents.fire('will-navigate', 'http://localhost.evil.example:5173/')).toBe(true);
  });
});
