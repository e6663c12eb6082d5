// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BrowserWindow, badgeTitle, createWebBridge } from './web.ts';

const win = window as unknown as BrowserWindow;
const OPTIONS = { version: '1.0.0', serverUrl: 'http://server.test' };

afterEach(() => {
  localStorage.clear();
  vi.unstubAllGlobals();
});

describe('the web platform bridge', () => {
  it('shows the unread count in the page title', () => {
    const bridge = createWebBridge(win, OPTIONS);
    bridge.setBadge(3);
    expect(document.title).toBe('(3) TimeNest Chat');
    bridge.setBadge(0);
    expect(document.title).toBe('TimeNest Chat');
    expect(badgeTitle(5000)).toBe('(999+) TimeNest Chat');
  });

  it('signs in itself, keeps the token in the browser’s storage and presents it to the server', async () => {
    const user = { userId: 7, email: 'me@test.local', displayName: 'Me' };
    const requests: Array<{ url: string; headers: Record<string, string> }> = [];
    vi.spyOn(window, 'fetch').mockImplementation(async (url, init) => {
      requests.push({ url: String(url), headers: Object.fromEntries(new Headers(init?.headers)) });
      const data = String(url).endsWith('/auth.login') ? { token: 'secret', user } : { ok: true };
      return new Response(JSON.stringify({ result: { data } }), { status: 200 });
    });
    const bridge = createWebBridge(win, OPTIONS);
    expect(await bridge.hasSession()).toBe(false);
    expect(bridge.authHeaders()).toEqual({});

    const credentials = { email: 'me@test.local', password: 'secret-pass', deviceName: 'Web' };
    expect(await bridge.signIn(credentials)).toEqual({ kind: 'signed-in', user });
    expect(requests[0]?.url).toBe('http://server.test/trpc/auth.login');
    expect(await bridge.hasSession()).toBe(true);
    expect(bridge.authHeaders()).toEqual({ authorization: 'Bearer secret' });
    expect(bridge.socketAuthParams()).toEqual({ token: 'secret' });
    expect(await bridge.tokenStorage()).toBe('browser');

    await bridge.signOut();
    expect(requests[1]).toMatchObject({
      url: 'http://server.test/trpc/auth.logout',
      headers: { authorization: 'Bearer secret' },
    });
    expect(await bridge.hasSession()).toBe(false);
    expect(bridge.authHeaders()).toEqual({});
    vi.restoreAllMocks();
  });

  it('shows one notification per conversation and opens it on click', () => {
    const shown: Array<{
      title: string;
      tag: string | undefined;
      instance: { onclick: (() => void) | null; close: () => void };
    }> = [];
    class FakeNotification {
      static permission = 'granted';
      onclick: (() => void) | null = null;
      onclose: (() => void) | null = null;
      close = vi.fn();
      constructor(title: string, options?: { tag?: string }) {
        shown.push({ title, tag: options?.tag, instance: this });
      }
    }
    vi.stubGlobal('Notification', FakeNotification);
    const bridge = createWebBridge(win, OPTIONS);
    const opened: unknown[] = [];
    bridge.onOpenConversation((target) => opened.push(target));
    const target = { userId: 2, conversationId: 10 };
    bridge.notify({ conversationKey: 's10', title: 'Bob · Guitar', body: 'hi', target });
    bridge.notify({ conversationKey: 's10', title: 'Bob · Guitar', body: 'again', target });
    expect(shown.map((s) => s.tag)).toEqual(['s10', 's10']);
    expect(shown[0]?.instance.close).toHaveBeenCalled();
    shown[1]?.instance.onclick?.();
    expect(opened).toEqual([target]);
  });

  it('stays silent without notification permission', () => {
    const constructed = vi.fn();
    vi.stubGlobal(
      'Notification',
      class {
        static permission = 'denied';
        constructor() {
          constructed();
        }
      },
    );
    createWebBridge(win, OPTIONS).notify({
      conversationKey: 's1',
      title: 't',
      body: 'b',
      target: null,
    });
    expect(constructed).not.toHaveBeenCalled();
  });

  it('opens only http(s) and mailto links, without giving the page a handle back', async () => {
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const bridge = createWebBridge(win, OPTIONS);
    await bridge.openExternal('javascript:alert(1)');
    await bridge.openExternal('file:///etc/passwd');
    await bridge.openExternal('https://example.com/a');
    await bridge.openExternal('mailto:bob@example.com');
    expect(open.mock.calls).toEqual([
      ['https://example.com/a', '_blank', 'noopener,noreferrer'],
      ['mailto:bob@example.com', '_blank', 'noopener,noreferrer'],
    ]);
  });

  it('reports network changes and a return to the page', () => {
    const bridge = createWebBridge(win, OPTIONS);
    const network: boolean[] = [];
    const resumed = vi.fn();
    const stopNetwork = bridge.onNetworkChange((online) => network.push(online));
    bridge.onResume(resumed);
    window.dispatchEvent(new Event('offline'));
    window.dispatchEvent(new Event('online'));
    document.dispatchEvent(new Event('visibilitychange'));
    stopNetwork();
    window.dispatchEvent(new Event('offline'));
    expect(network).toEqual([false, true]);
    expect(resumed).toHaveBeenCalledTimes(1);
  });

  it('saves a file through a download link named after it, then lets the bytes go', async () => {
    vi.useFakeTimers();
    try {
      const blobs: Blob[] = [];
      vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
        if (blob instanceof Blob) blobs.push(blob);
        return 'blob:saved-file';
      });
      const revoked = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
      const clicked: Array<{ href: string; download: string; isInPage: boolean }> = [];
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
        this: HTMLAnchorElement,
      ) {
        clicked.push({ href: this.href, download: this.download, isInPage: this.isConnected });
      });
      const bridge = createWebBridge(win, OPTIONS);
      const bytes = new TextEncoder().encode('hello');
      const result = await bridge.saveFile({
        suggestedName: 'notes.txt',
        bytes,
        mimeType: 'text/plain',
      });
      expect(result).toBe('saved');
      expect(clicked).toEqual([{ href: 'blob:saved-file', download: 'notes.txt', isInPage: true }]);
      expect(document.querySelector('a[download]')).toBeNull();
      expect(blobs[0]?.type).toBe('text/plain');
      expect(new Uint8Array(await blobs[0]!.arrayBuffer())).toEqual(bytes);
      expect(revoked).not.toHaveBeenCalled();
      vi.runAllTimers();
      expect(revoked).toHaveBeenCalledWith('blob:saved-file');
    } finally {
      vi.useRealTimers();
      vi.restoreAllMocks();
    }
  });
});
