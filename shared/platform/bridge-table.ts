// Every operation between the renderer and the desktop shell, once: its IPC channel, its
// kind and the schemas of what crosses. `invoke` is what the renderer calls: a `command`
// is not awaited, a `request` is, and names the schema of main's answer. `events` is
// what main sends. The preload's API, the main process's handlers and their validation,
// and the renderer's PlatformBridge are all derived from this table; no IPC channel
// exists outside it. To add an operation, add an entry here, then its main handler
// (electron/main/index.ts) and its browser version (renderer/platform/web.ts): the
// compiler asks for both.
import { z } from 'zod';
import { type BridgeTable, command, event, nothing, request } from './bridge-operations.ts';
import {
  badgeCountSchema,
  clipboardTextSchema,
  conversationKeySchema,
  conversationTargetSchema,
  createAccountArgsSchema,
  externalUrlSchema,
  notifyArgsSchema,
  saveFileArgsSchema,
  saveFileResultSchema,
  signInArgsSchema,
  signInResultSchema,
  tokenStorageSchema,
} from './bridge-schemas.ts';

export const BRIDGE_TABLE = {
  invoke: {
    /** Shows what the renderer's notification policy decided; the platform decides nothing. */
    notify: command('timenest:notify', notifyArgsSchema),
    withdrawNotification: command('timenest:withdraw-notification', conversationKeySchema),
    setBadge: command('timenest:set-badge', badgeCountSchema),
    /** Tells the shell which conversation is on screen, so it can skip its notifications. */
    setActiveConversation: command(
      'timenest:set-active-conversation',
      conversationKeySchema.nullable(),
    ),

    // The session: the platform signs in and keeps the token; the renderer learns who
    // signed in, never the token (docs/desktop.md, "The session token").
    hasSession: request('timenest:has-session', nothing, z.boolean()),
    signIn: request('timenest:sign-in', signInArgsSchema, signInResultSchema),
    createAccount: request('timenest:create-account', createAccountArgsSchema, signInResultSchema),
    /** Ends the session on the server (when reachable) and forgets the token. */
    signOut: request('timenest:sign-out', nothing, nothing),
    /** Whether the token survives a restart, for the notice when it cannot. */
    tokenStorage: request('timenest:token-storage', nothing, tokenStorageSchema),
    openExternal: request('timenest:open-external', externalUrlSchema, nothing),
    copyText: request('timenest:copy-text', clipboardTextSchema, nothing),
    appVersion: request('timenest:app-version', nothing, z.string().max(64)),
    /** Asks the user where to save the bytes (the desktop's save dialog, the browser's
     * download) and writes them there. */
    saveFile: request('timenest:save-file', saveFileArgsSchema, saveFileResultSchema),
  },
  events: {
    onOpenConversation: event('timenest:open-conversation', conversationTargetSchema, {
      keepLatestUntilHeard: true,
    }),
    onResume: event('timenest:resume', nothing),
    onNetworkChange: event('timenest:network', z.boolean()),
  },
} as const satisfies BridgeTable;
