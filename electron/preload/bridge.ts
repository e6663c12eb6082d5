// The desktop implementation of PlatformBridge, over IPC. Each method is one narrow
// operation; the renderer never sees ipcRenderer or an IPC event object. Arguments are
// checked here for a clear error in the renderer, and again in main, which is the
// boundary that counts.
import { z } from 'zod';
import {
  badgeCountSchema,
  type ConversationTarget,
  clipboardTextSchema,
  conversationKeySchema,
  conversationTargetSchema,
  externalUrlSchema,
  IPC,
  notifyArgsSchema,
  type PlatformBridge,
  tokenSchema,
  type Unsubscribe,
} from '../../shared/platform/bridge.ts';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
}

interface EventChannel<T> {
  subscribe(listener: (payload: T) => void): Unsubscribe;
}

/**
 * One IPC listener per channel, fanned out to the renderer's listeners. With
 * `keepLatestUntilHeard`, a payload that arrives before anyone listens is kept (only the
 * newest) and handed to the first listener: a notification click or deep link that cold-
 * starts the app arrives before React has subscribed.
 */
function eventChannel<T>(
  ipc: IpcRendererLike,
  channel: string,
  parse: (args: unknown[]) => T | null,
  keepLatestUntilHeard: boolean,
): EventChannel<T> {
  const listeners = new Set<(payload: T) => void>();
  let unheard: { payload: T } | null = null;
  ipc.on(channel, (_event, ...args) => {
    const payload = parse(args);
    if (payload === null) return;
    if (listeners.size === 0) {
      if (keepLatestUntilHeard) unheard = { payload };
      return;
    }
    for (const listener of listeners) listener(payload);
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (unheard !== null) {
        const { payload } = unheard;
        unheard = null;
        queueMicrotask(() => listener(payload));
      }
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

const parseTarget = (args: unknown[]): ConversationTarget | null => {
  const parsed = conversationTargetSchema.safeParse(args[0]);
  return parsed.success ? parsed.data : null;
};
const parseNothing = (): true => true;
const parseOnline = (args: unknown[]): boolean | null =>
  typeof args[0] === 'boolean' ? args[0] : null;

export function createDesktopBridge(
  ipc: IpcRendererLike,
  reportError: (error: unknown) => void = (error) => console.error('[timenest bridge]', error),
): PlatformBridge {
  const send = (channel: string, arg?: unknown): void => {
    const call = arg === undefined ? ipc.invoke(channel) : ipc.invoke(channel, arg);
    call.catch(reportError);
  };
  const openConversation = eventChannel(ipc, IPC.openConversation, parseTarget, true);
  const resume = eventChannel(ipc, IPC.resume, parseNothing, false);
  const network = eventChannel(ipc, IPC.network, parseOnline, false);

  return {
    kind: 'desktop',
    notify: (args) => send(IPC.notify, notifyArgsSchema.parse(args)),
    // The main process shows notifications itself; it needs no page permission.
    notificationAccess: () => 'allowed',
    requestNotificationAccess: async () => 'allowed',
    withdrawNotification: (key) => send(IPC.withdrawNotification, conversationKeySchema.parse(key)),
    setBadge: (count) => send(IPC.setBadge, badgeCountSchema.parse(count)),
    getToken: async () =>
      z
        .string()
        .nullable()
        .parse(await ipc.invoke(IPC.getToken)),
    setToken: async (token) => {
      await ipc.invoke(IPC.setToken, tokenSchema.parse(token));
    },
    clearToken: async () => {
      await ipc.invoke(IPC.clearToken);
    },
    openExternal: async (url) => {
      await ipc.invoke(IPC.openExternal, externalUrlSchema.parse(url));
    },
    copyText: async (text) => {
      await ipc.invoke(IPC.copyText, clipboardTextSchema.parse(text));
    },
    appVersion: async () => z.string().parse(await ipc.invoke(IPC.appVersion)),
    setActiveConversation: (key) =>
      send(IPC.setActiveConversation, key === null ? null : conversationKeySchema.parse(key)),
    onOpenConversation: (listener) => openConversation.subscribe(listener),
    onResume: (listener) => resume.subscribe(() => listener()),
    onNetworkChange: (listener) => network.subscribe(listener),
  };
}
