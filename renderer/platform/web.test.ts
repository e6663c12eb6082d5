// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BrowserWindow, badgeTitle, createWebBridge } from './web.ts';

const win = window as unknown as BrowserWindow;

afterEach(() => {
  localStorage.clear();
  vi.unstubAllGlobals();
});

describe('the web platform bridge', () => {
  it('shows the unread count in the page title', () => {
    const bridge = createWebBridge(win, '1.0.0');
    bridge.setBadge(3);
    expect(document.title).toBe('(3) TimeNest Chat');
    bridge.setBadge(0);
    expect(document.title).toBe('TimeNest Chat');
    expect(badgeTitle(5000)).toBe('(999+) TimeNest Chat');
  });

  it('keeps the token in the browser’s storage', async () => {
    const bridge = createWebBridge(win, '1.0.0');
    expect(await bridge.getToken()).toBeNull();
    await bridge.setToken('secret');
    expect(await bridge.getToken()).toBe('secret');
    await bridge.clearToken();
    expect(await bridge.getToken()).toBeNull();
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
    const bridge = createWebBridge(win, '1.0.0');
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
    createWebBridge(win, '1.0.0').notify({
      conversationKey: 's1',
      title: 't',
      body: 'b',
      target: null,
    });
    expect(constructed).not.toHaveBeenCalled();
  });

  it('opens only http(s) and mailto links, without giving the page a handle back', async () => {
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const bridge = createWebBridge(win, '1.0.0');
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
    const bridge = createWebBridge(win, '1.0.0');
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
      const bridge = createWebBridge(win, '1.0.0');
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
