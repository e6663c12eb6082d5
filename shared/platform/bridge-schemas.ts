// What crosses the platform bridge, as zod schemas: the table (bridge-table.ts) names them
// per operation, and the main process, the preload and the renderer parse with them.
import { z } from 'zod';
import { ATTACHMENT_LIMITS, fileNameSchema } from '../attachments.ts';
import { LIMITS } from '../limits.ts';
import { serverFailureSchema } from '../server-call.ts';
import { EXTERNAL_URL_MAX, safeExternalHref } from './external-link.ts';

export const conversationTargetSchema = z.strictObject({
  userId: z.number().int().positive(),
  conversationId: z.number().int().positive(),
});
/** What a notification click or a deep link asks the UI to open. */
export type ConversationTarget = z.infer<typeof conversationTargetSchema>;

export const conversationKeySchema = z.string().min(1).max(64);

export const notifyArgsSchema = z.strictObject({
  /** One live notification per conversation: a newer one replaces it. */
  conversationKey: conversationKeySchema,
  title: z.string().min(1).max(300),
  body: z.string().max(1000),
  target: conversationTargetSchema.nullable(),
  silent: z.boolean().optional(),
});
export type NotifyArgs = z.infer<typeof notifyArgsSchema>;

export const badgeCountSchema = z.number().int().min(0).max(1_000_000);
export const tokenSchema = z.string().min(1).max(512);

// Signing in goes through the platform, which keeps the token and answers only who signed
// in. Lengths are the form's own limits; the server judges the rest (a malformed email is
// its VALIDATION_FAILED, with the field named, which the form explains).
export const signInArgsSchema = z.strictObject({
  email: z.string().max(LIMITS.emailMaxChars),
  password: z.string().max(LIMITS.passwordMaxChars),
  deviceName: z.string().max(LIMITS.deviceNameMaxChars),
});
export type SignInArgs = z.infer<typeof signInArgsSchema>;

export const createAccountArgsSchema = z.strictObject({
  email: z.string().max(LIMITS.emailMaxChars),
  password: z.string().max(LIMITS.passwordMaxChars),
  displayName: z.string().max(LIMITS.displayNameMaxChars),
  deviceName: z.string().max(LIMITS.deviceNameMaxChars),
});
export type CreateAccountArgs = z.infer<typeof createAccountArgsSchema>;

/** The signed-in user as the server described them; the bounds only keep the answer
 * sane, the server already validated both. */
export const sessionUserSchema = z.strictObject({
  userId: z.number().int().positive(),
  email: z.string().max(1000),
  displayName: z.string().max(1000),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

/** Who signed in, or why not: never the token. */
export const signInResultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('signed-in'), user: sessionUserSchema }),
  z.strictObject({ kind: z.literal('refused'), failure: serverFailureSchema }),
]);
export type SignInResult = z.infer<typeof signInResultSchema>;

/** Where the session token is kept: encrypted by the system (Keychain, DPAPI, a Linux
 * keyring), in memory only (no keyring: signed out by a restart), or by the browser. */
export const tokenStorageSchema = z.enum(['encrypted', 'memory-only', 'browser']);
export type TokenStorage = z.infer<typeof tokenStorageSchema>;
export const externalUrlSchema = z
  .string()
  .max(EXTERNAL_URL_MAX)
  .refine((url) => safeExternalHref(url) !== null, 'not a link that may leave the app');
/** What "Copy text" may put on the clipboard: one message's text. */
export const clipboardTextSchema = z.string().max(LIMITS.messageMaxChars);

/** A media type as a Blob or a response names it (`type/subtype`, maybe parameters):
 * printable ASCII on one line. */
const mimeTypeSchema = z
  .string()
  .max(255)
  .regex(/^[!#$&^\w.+-]+\/[!#$&^\w.+-]+(?:;[\x20-\x7e]*)?$/, 'must be a media type');

export const saveFileArgsSchema = z.strictObject({
  /** The name the save dialog proposes: a file name, never a path. */
  suggestedName: fileNameSchema,
  /** The file's bytes; no file the app can hold is larger than an attachment. */
  bytes: z
    .instanceof(Uint8Array)
    .refine(
      (bytes) => bytes.byteLength <= ATTACHMENT_LIMITS.maxBytes,
      `must be at most ${ATTACHMENT_LIMITS.maxBytes} bytes`,
    ),
  mimeType: mimeTypeSchema.optional(),
});
export type SaveFileArgs = z.input<typeof saveFileArgsSchema>;

/** 'cancelled' when the user closed the save dialog without choosing a place. */
export const saveFileResultSchema = z.enum(['saved', 'cancelled']);
export type SaveFileResult = z.infer<typeof saveFileResultSchema>;
