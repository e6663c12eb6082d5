// Every channel the renderer may invoke, the schema of its one argument, and the
// service it reaches. Main-to-renderer events are listed too, so that a test can prove
// no IPC channel exists outside this file.
import { z } from 'zod';
import {
  badgeCountSchema,
  clipboardTextSchema,
  conversationKeySchema,
  externalUrlSchema,
  IPC,
  type NotifyArgs,
  notifyArgsSchema,
  tokenSchema,
} from '../../shared/platform/bridge.ts';
import type { IpcRouter } from './ipc.ts';

const noArgument = z.undefined();

export const INVOKE_CHANNEL_SCHEMAS = {
  [IPC.notify]: notifyArgsSchema,
  [IPC.withdrawNotification]: conversationKeySchema,
  [IPC.setBadge]: badgeCountSchema,
  [IPC.getToken]: noArgument,
  [IPC.setToken]: tokenSchema,
  [IPC.clearToken]: noArgument,
  [IPC.openExternal]: externalUrlSchema,
  [IPC.copyText]: clipboardTextSchema,
  [IPC.appVersion]: noArgument,
  [IPC.setActiveConversation]: conversationKeySchema.nullable(),
} as const;

/** Channels only the main process sends on; nothing listens for them in main. */
export const EVENT_CHANNELS = [IPC.openConversation, IPC.resume, IPC.network] as const;

export interface DesktopServices {
  notify(args: NotifyArgs): void;
  withdrawNotification(conversationKey: string): void;
  setBadge(count: number): void;
  getToken(): Promise<string | null>;
  setToken(token: string): Promise<void>;
  clearToken(): Promise<void>;
  openExternal(url: string): Promise<void>;
  copyText(text: string): void;
  appVersion(): string;
  setActiveConversation(conversationKey: string | null): void;
}

export function registerIpcRoutes(router: IpcRouter, services: DesktopServices): void {
  const s = INVOKE_CHANNEL_SCHEMAS;
  router.handle(IPC.notify, s[IPC.notify], (args) => services.notify(args));
  router.handle(IPC.withdrawNotification, s[IPC.withdrawNotification], (key) =>
    services.withdrawNotification(key),
  );
  router.handle(IPC.setBadge, s[IPC.setBadge], (count) => services.setBadge(count));
  router.handle(IPC.getToken, s[IPC.getToken], () => services.getToken());
  router.handle(IPC.setToken, s[IPC.setToken], (token) => services.setToken(token));
  router.handle(IPC.clearToken, s[IPC.clearToken], () => services.clearToken());
  router.handle(IPC.openExternal, s[IPC.openExternal], (url) => services.openExternal(url));
  router.handle(IPC.copyText, s[IPC.copyText], (text) => services.copyText(text));
  router.handle(IPC.appVersion, s[IPC.appVersion], () => services.appVersion());
  router.handle(IPC.setActiveConversation, s[IPC.setActiveConversation], (key) =>
    services.setActiveConversation(key),
  );
}
