// The platform bridge for a plain browser: the Notification API, the page title as the
// badge, the page's own sign-in with the token in localStorage (web-session.ts),
// window.open for links, the Clipboard API for copied text, a download link for saved
// files, and the page's own events for network changes and resume.
import type {
  ConversationTarget,
  NotificationAccess,
  NotifyArgs,
  PlatformBridge,
  Unsubscribe,
} from '../../shared/platform/bridge.ts';
import { safeExternalHref } from '../../shared/platform/external-link.ts';
import { createWebSession } from './web-session.ts';

export const APP_TITLE = 'TimeNest Chat';

export function badgeTitle(count: number): string {
  return count > 0 ? `(${count > 999 ? '999+' : count}) ${APP_TITLE}` : APP_TITLE;
}

function listenerSet<T>() {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener: (value: T) => void): Unsubscribe {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(value: T) {
      for (const listener of listeners) listener(value);
    },
  };
}

export type BrowserWindow = Window & typeof globalThis;

export interface WebBridgeOptions {
  version: string;
  /** Where the page signs in (and presents its token). */
  serverUrl: string;
}

export function createWebBridge(win: BrowserWindow, options: WebBridgeOptions): PlatformBridge {
  const { version } = options;
  const { sessions, serverAuth } = createWebSession(win, options.serverUrl);
  const live = new Map<string, Notification>();
  const openRequests = listenerSet<ConversationTarget>();

  const notify = (args: NotifyArgs) => {
    const Api = win.Notification;
    if (Api?.permission !== 'granted') return;
    live.get(args.conversationKey)?.close();
    const notification = new Api(args.title, {
      body: args.body,
      tag: args.conversationKey,
      silent: args.silent ?? false,
    });
    live.set(args.conversationKey, notification);
    notification.onclick = () => {
      win.focus();
      notification.close();
      if (args.target) openRequests.emit(args.target);
    };
    notification.onclose = () => {
      if (live.get(args.conversationKey) === notification) live.delete(args.conversationKey);
    };
  };

  return {
    kind: 'web',
    authHeaders: serverAuth.authHeaders,
    socketAuthParams: serverAuth.socketAuthParams,
    notify,
    notificationAccess: () => notificationAccessOf(win),
    async requestNotificationAccess() {
      const Api = win.Notification;
      if (Api?.permission === 'default') await Api.requestPermission().catch(() => 'default');
      return notificationAccessOf(win);
    },
    withdrawNotification(conversationKey) {
      live.get(conversationKey)?.close();
      live.delete(conversationKey);
    },
    setBadge(count) {
      win.document.title = badgeTitle(count);
      const nav = win.navigator as Navigator & { setAppBadge?: (n: number) => Promise<void> };
      nav.setAppBadge?.(count).catch(() => {});
    },
    hasSession: () => sessions.hasSession(),
    signIn: (credentials) => sessions.signIn(credentials),
    createAccount: (account) => sessions.createAccount(account),
    signOut: () => sessions.signOut(),
    // Kept as long as the browser keeps the site's storage; the page cannot say more.
    tokenStorage: async () => 'browser',
    async openExternal(url) {
      const href = safeExternalHref(url);
      if (href !== null) win.open(href, '_blank', 'noopener,noreferrer');
    },
    async copyText(text) {
      await win.navigator.clipboard.writeText(text);
    },
    async appVersion() {
      return version;
    },
    async saveFile({ suggestedName, bytes, mimeType }) {
      // A page cannot choose where a file goes, nor learn whether the user kept it: it
      // hands the bytes to the browser's download, which asks or saves by its settings.
      downloadFile(win, new Blob([bytes], mimeType ? { type: mimeType } : {}), suggestedName);
      return 'saved';
    },
    setActiveConversation() {
      // The browser has no shell that notifies on its own; the app already skips
      // notifications for the conversation on screen.
    },
    onOpenConversation: openRequests.add,
    onResume(listener) {
      const onVisible = () => {
        if (win.document.visibilityState === 'visible') listener();
      };
      win.document.addEventListener('visibilitychange', onVisible);
      return () => win.document.removeEventListener('visibilitychange', onVisible);
    },
    onNetworkChange(listener) {
      const online = () => listener(true);
      const offline = () => listener(false);
      win.addEventListener('online', online);
      win.addEventListener('offline', offline);
      return () => {
        win.removeEventListener('online', online);
        win.removeEventListener('offline', offline);
      };
    },
  };
}

/** How long a download's object URL outlives the click: the browser has read the bytes
 * by then. */
const DOWNLOAD_URL_LIFETIME_MS = 10_000;

function downloadFile(win: BrowserWindow, blob: Blob, fileName: string): void {
  const url = win.URL.createObjectURL(blob);
  try {
    const link = win.document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.rel = 'noopener';
    win.document.body.append(link);
    link.click();
    link.remove();
  } finally {
    win.setTimeout(() => win.URL.revokeObjectURL(url), DOWNLOAD_URL_LIFETIME_MS);
  }
}

function notificationAccessOf(win: BrowserWindow): NotificationAccess {
  const permission = win.Notification?.permission;
  if (permission === undefined) return 'unsupported';
  if (permission === 'granted') return 'allowed';
  return permission === 'denied' ? 'blocked' : 'not-asked';
}
