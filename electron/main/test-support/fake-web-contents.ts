// A stand-in for WebContents that records the listeners hardenWebContents attaches and
// lets a test fire navigations at them.
import { vi } from 'vitest';
import { APP_ORIGIN } from '../app-origin.ts';
import {
  type FrameNavigationEvent,
  type HardenableContents,
  hardenWebContents,
} from '../harden-web-contents.ts';

export function hardenedFakeWebContents(appOrigin = APP_ORIGIN) {
  const listeners = new Map<string, (event: FrameNavigationEvent) => void>();
  let windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  const contents: HardenableContents = {
    on: (event: string, listener: (event: FrameNavigationEvent) => void) =>
      listeners.set(event, listener),
    setWindowOpenHandler: (handler) => {
      windowOpenHandler = handler;
    },
  };
  const opened: string[] = [];
  hardenWebContents(
    contents,
    () => appOrigin,
    (url) => opened.push(url),
  );
  /** Fires an event; true when the handler prevented it. */
  const fire = (event: string, url: string, isMainFrame = true): boolean => {
    const preventDefault = vi.fn();
    listeners.get(event)?.({ url, isMainFrame, preventDefault });
    return preventDefault.mock.calls.length > 0;
  };
  const openWindow = (url: string) => windowOpenHandler?.({ url });
  return { fire, openWindow, opened };
}
