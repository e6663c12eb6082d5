// Attachments (DESIGN §4a, docs/attachments.md): what a device may upload, how a message
// names its upload, and what the server says of an attachment. The sending device checks
// the same policy before it queues a file, so a refusal is shown at once, offline too;
// the server checks it again against the bytes themselves.
import { z } from 'zod';
import { userText } from './user-text.ts';

export const ATTACHMENT_LIMITS = {
  /** Bytes of one file. */
  maxBytes: 100 * 1024 * 1024,
  /** Characters of an image's thumbnail as a data URL (about 12 KB of image). */
  thumbnailMaxChars: 16_000,
  /** Pixels of an image's side, as the sending device measured it. */
  maxImageSide: 30_000,
  /** The seed's `file_name VARCHAR(200)`. */
  fileNameMaxChars: 200,
  /** Uploads a user may have started and not yet sent. */
  unsentUploadsPerUser: 50,
} as const;

/** Shown inline; every other type is a file card and downloads as a file. SVG is not
 * here: it can carry script. */
export const INLINE_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

export function isInlineImageType(type: string): boolean {
  return (INLINE_IMAGE_TYPES as readonly string[]).includes(type);
}

/** Programs and scripts a double click would run on Windows or macOS: refused by name
 * and, on the server, by what the bytes are. */
const REFUSED_EXTENSIONS = new Set([
  'exe',
  'msi',
  'msix',
  'scr',
  'com',
  'bat',
  'cmd',
  'ps1',
  'vbs',
  'vbe',
  'jse',
  'wsf',
  'hta',
  'cpl',
  'lnk',
  'reg',
  'pif',
  'jar',
  'app',
  'pkg',
  'command',
]);
export const REFUSED_SNIFFED_TYPES = new Set([
  'application/x-msdownload',
  'application/x-ms-installer',
  'application/x-mach-binary',
  'application/x-elf',
  'application/java-archive',
]);

export const REFUSED_TYPE_REASON = 'programs and scripts cannot be sent';

export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

/** Why a file may not be sent, judged by its name and size; null when it may. */
export function refusalOf(file: { name: string; size: number }): string | null {
  if (file.size <= 0) return 'the file is empty';
  if (file.size > ATTACHMENT_LIMITS.maxBytes) {
    return `files can be at most ${ATTACHMENT_LIMITS.maxBytes / 1024 / 1024} MB`;
  }
  if (REFUSED_EXTENSIONS.has(extensionOf(file.name))) return REFUSED_TYPE_REASON;
  return null;
}

/** A file's name as stored and shown: one line, no folders. */
export const fileNameSchema = userText({ min: 1, max: ATTACHMENT_LIMITS.fileNameMaxChars }).refine(
  (name) => !/[/\\]/.test(name) && name !== '.' && name !== '..',
  'must be a file name, not a path',
);

/** The server names each upload with 16 random bytes in hex. */
export const uploadIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'must be an upload id');

const thumbnailSchema = z
  .string()
  .max(ATTACHMENT_LIMITS.thumbnailMaxChars)
  .regex(
    /^data:image\/(?:jpeg|webp|png);base64,[A-Za-z0-9+/]+={0,2}$/,
    'must be an image data URL',
  );

const sideSchema = z.number().int().min(1).max(ATTACHMENT_LIMITS.maxImageSide);

/** What the sending device measured of an image. */
export const imageMetaSchema = z.strictObject({
  width: sideSchema,
  height: sideSchema,
  thumbnail: thumbnailSchema,
});
export type ImageMeta = z.infer<typeof imageMetaSchema>;

/** How a send names the upload it carries (the caller's own, complete). */
export const attachmentRefSchema = z.strictObject({
  uploadId: uploadIdSchema,
  image: imageMetaSchema.optional(),
});
export type AttachmentRef = z.infer<typeof attachmentRefSchema>;

/** What the server says of a message's attachment, next to the seed's file columns. */
export const attachmentViewSchema = z.object({
  uploadId: uploadIdSchema,
  /** Sniffed from the bytes on the server, never taken from the client. */
  contentType: z.string().max(100),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  thumbnail: z.string().nullable(),
});
export type AttachmentView = z.infer<typeof attachmentViewSchema>;

/** Where the server serves an upload's bytes: the seed's `file_url`. */
export function attachmentPath(uploadId: string): string {
  return `/api/v1/attachments/${uploadId}`;
}

export const UPLOADS_PATH = '/api/v1/uploads/';
