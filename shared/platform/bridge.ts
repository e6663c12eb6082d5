// The platform bridge: the only way the renderer reaches the desktop (or the browser).
// The Electron preload implements it over IPC; renderer/platform/web.ts implements it
// with browser APIs. Argument schemas live here so both ends validate the same shape.
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { EXTERNAL_URL_MAX, safeExternalHref } from './external-link.ts';

export const conversationTargetSchema = z.strictObject({
  userId: z.number().int().positive(),
  conversationId: z.number().int().positive(),
});
/** What a notification click or a deep link asks the UI to open. */
export type ConversationTarget = z.infer<typeof conversationTargetSchema>;

export const notifyArgsSchema = z.strictObject({
  /** One live notification per conversation: a newer one replaces it. */
  conversationKey: z.string().min(1).max(64),
  title: z.string().min(1).max(300),
  body: z.string().max(1000),
  target: conversationTargetSchema.nullable(),
  silent: z.boolean().optional(),
});
export type NotifyArgs = z.infer<typeof notifyArgsSchema>;

export const badgeCountSchema = z.number().int().min(0).max(1_000_000);
export const tokenSchema = z.string().min(1).max(512);
export const externalUrlSchema = z
  .string()
  .max(EXTERNAL_URL_MAX)
  .refine((url) => safeExternalHref(url) !== null, 'not a link that may leave the app');
/** What "Copy text" may put on the clipboard: one message's text. */
export const clipboardTextSchema = z.string().max(LIMITS.messageMaxChars);
export const conversationKeySchema = z.string().min(1).max(64);

/** Whether the app may show notifications: 'not-asked' until the user acts on a prompt
 * the app shows with its reason; 'blocked' can only be undone in the browser's settings. */
export type NotificationAccess = 'allowed' | 'blocked' | 'not-asked' | 'unsupported';

/** IPC channel names: the only channels that exist between preload and main. */
export const IPC = {
  notify: 'timenest:notify',
  withdrawNotification: 'timenest:withdraw-notification',
  setBadge: 'timenest:set-badge',
  getToken: 'timenest:get-token',
  setToken: 'timenest:set-token',
  clearToken: 'timenest:clear-token',
  openExternal: 'timenest:open-external',
  copyText: 'timenest:copy-text',
  appVersion: 'timenest:app-version',
  setActiveConversation: 'timenest:set-active-conversation',
  openConversation: 'timenest:open-conversation',
  resume: 'timenest:resume',
  network: 'timenest:network',
} as const;

export type Unsubscribe = () => void;

export interface PlatformBridge {
  readonly kind: 'desktop' | 'web';
  /** Shows what the renderer's notification policy decided; the platform decides nothing. */
  notify(args: NotifyArgs): void;
  notificationAccess(): NotificationAccess;
  /** Asks the user; call only from an explicit action that says why. */
  requestNotificationAccess(): Promise<NotificationAccess>;
  withdrawNotification(conversationKey: string): void;
  setBadge(count: number): void;
  getToken(): Promise<string | null>;
  setToken(token: string): Promise<void>;
  clearToken(): Promise<void>;
  openExternal(url: string): Promise<void>;
  copyText(text: string): Promise<void>;
  appVersion(): Promise<string>;
  /** Tells the shell which conversation is on screen, so it can skip its notifications. */
  setActiveConversation(conversationKey: string | null): void;
  onOpenConversation(listener: (target: ConversationTarget) => void): Unsubscribe;
  onResume(listener: () => void): Unsubscribe;
  onNetworkChange(listener: (online: boolean) => void): Unsubscribe;
}
