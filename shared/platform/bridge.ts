// The platform bridge: the only way the renderer reaches the desktop (or the browser).
// Its operations are the table in bridge-table.ts; the Electron preload implements them
// over IPC, renderer/platform/web.ts with browser APIs.
import type { RendererApi } from './bridge-operations.ts';
import type { BRIDGE_TABLE } from './bridge-table.ts';
import type { ServerAuth } from './server-auth.ts';

export type { Unsubscribe } from './bridge-operations.ts';
export type {
  ConversationTarget,
  CreateAccountArgs,
  NotifyArgs,
  SaveFileArgs,
  SaveFileResult,
  SessionUser,
  SignInArgs,
  SignInResult,
  TokenStorage,
} from './bridge-schemas.ts';
export type { ServerAuth } from './server-auth.ts';

/** Whether the app may show notifications: 'not-asked' until the user acts on a prompt
 * the app shows with its reason; 'blocked' can only be undone in the browser's settings. */
export type NotificationAccess = 'allowed' | 'blocked' | 'not-asked' | 'unsupported';

/** The table's operations, plus what each implementation answers on its own, in the
 * renderer, without crossing IPC: which platform it is, what the page adds to its
 * requests to the server (ServerAuth: the token in the browser, nothing on the desktop,
 * whose main process adds it), and the page's notification permission (the desktop shows
 * notifications from main, which needs none). */
export interface PlatformBridge extends RendererApi<typeof BRIDGE_TABLE>, ServerAuth {
  readonly kind: 'desktop' | 'web';
  notificationAccess(): NotificationAccess;
  /** Asks the user; call only from an explicit action that says why. */
  requestNotificationAccess(): Promise<NotificationAccess>;
}
