// Turns a file the user picked, pasted or dropped into what the engine queues. The policy
// refuses at once what the server would refuse; an image the browser can decode is
// measured and given a thumbnail that fits in the message; its metadata (EXIF with the
// place it was taken, the camera) never leaves this device: a JPEG is re-encoded, a PNG
// or WebP loses its metadata chunks.
import {
  ATTACHMENT_LIMITS,
  extensionOf,
  isInlineImageType,
  refusalOf,
} from '../../../../shared/attachments.ts';
import type { PreparedAttachment, SyncEngineApi } from '../../../sync/api.ts';
import { cleanTypedText } from '../../../sync/typed-text.ts';
import { stripImageMetadata } from './strip-metadata.ts';

export type Preparation = PreparedAttachment | { refused: string };

/** A file that was not sent, and why, in words for the user. */
export interface Refusal {
  fileName: string;
  reason: string;
}

/** Tried in turn until the data URL fits `thumbnailMaxChars`; the last always does. */
const THUMBNAIL_STEPS = [
  { side: 320, quality: 0.7 },
  { side: 320, quality: 0.5 },
  { side: 240, quality: 0.5 },
  { side: 160, quality: 0.45 },
  { side: 96, quality: 0.4 },
] as const;
const JPEG_QUALITY = 0.92;
/** What every current browser can draw into one canvas (Safari's limit is 16,384 a side),
 * and about 256 MB of pixels: a larger photo is re-encoded at this size. */
const CANVAS_MAX_SIDE = 16_384;
const CANVAS_MAX_PIXELS = 64_000_000;

const IMAGE_EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** What browsers and the desktop call a pasted picture or a blob without a name. */
const GENERIC_NAME = /^(?:image|blob|pasted graphic(?: \d+)?|untitled)(?:\.[a-z0-9]+)?$/i;

export interface Size {
  width: number;
  height: number;
}

/** The size of an image scaled down (never up) so its long side is at most `maxSide`. */
export function fitWithin({ width, height }: Size, maxSide: number): Size {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** The size a JPEG is re-encoded at: its own, unless a canvas cannot hold it. */
export function reencodeSize({ width, height }: Size): Size {
  const scale = Math.min(
    1,
    CANVAS_MAX_SIDE / Math.max(width, height),
    Math.sqrt(CANVAS_MAX_PIXELS / (width * height)),
  );
  return {
    width: Math.max(1, Math.floor(width * scale)),
    height: Math.max(1, Math.floor(height * scale)),
  };
}

function timestamp(now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}-` +
    `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`
  );
}

/** Keeps the first code points of `text` that fit in `max` UTF-16 units, never half a
 * surrogate pair (the server refuses lone surrogates). */
function cutTo(text: string, max: number): string {
  let cut = '';
  for (const point of text) {
    if (cut.length + point.length > max) break;
    cut += point;
  }
  return cut;
}

/** The name a file is sent under: one clean line the server accepts, at most 200
 * characters with its extension kept, and a dated name for a pasted picture
 * (`image-2026-12-03-142501.png`) instead of "image.png". */
export function sendableFileName(name: string, contentType: string, now: Date): string {
  const clean = cleanTypedText(name, false).replace(/[/\\]/g, '_');
  const typeExtension = IMAGE_EXTENSIONS[contentType];
  if (clean === '' || GENERIC_NAME.test(clean)) {
    const extension = typeExtension ?? extensionOf(clean);
    const stem = `${typeExtension ? 'image' : 'file'}-${timestamp(now)}`;
    return extension ? `${stem}.${extension}` : stem;
  }
  if (clean === '.' || clean === '..') return `file-${timestamp(now)}`;
  const max = ATTACHMENT_LIMITS.fileNameMaxChars;
  if (clean.length <= max) return clean;
  const extension = extensionOf(clean);
  // An extension too long to be one is cut with the rest.
  if (extension === '' || extension.length > 16) return cutTo(clean, max);
  const stem = clean.slice(0, clean.length - extension.length - 1);
  return `${cutTo(stem, max - extension.length - 1)}.${extension}`;
}

async function decodeImage(file: Blob): Promise<ImageBitmap | null> {
  if (typeof createImageBitmap !== 'function') return null;
  try {
    // Turned as the camera's orientation says: what is measured is what people see.
    return await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return null;
  }
}

/** Draws the image at `size` and encodes it. A JPEG has no transparency: it gets white. */
async function encodeImage(
  bitmap: ImageBitmap,
  size: Size,
  type: string,
  quality: number,
): Promise<Blob> {
  const paint = (context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D) => {
    if (type === 'image/jpeg') {
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, size.width, size.height);
    }
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, size.width, size.height);
  };
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(size.width, size.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no canvas to draw the image in');
    paint(context);
    return canvas.convertToBlob({ type, quality });
  }
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no canvas to draw the image in');
  paint(context);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the image could not be encoded'))),
      type,
      quality,
    ),
  );
}

async function dataUrlOf(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  // In slices: spreading a whole image into one call can overflow the stack.
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return `data:${blob.type};base64,${btoa(binary)}`;
}

/** A WebP small enough to travel in the message; null if even the smallest is not. */
async function makeThumbnail(bitmap: ImageBitmap): Promise<string | null> {
  for (const step of THUMBNAIL_STEPS) {
    const size = fitWithin(bitmap, step.side);
    let blob = await encodeImage(bitmap, size, 'image/webp', step.quality);
    // A browser that cannot encode WebP (older Safari) answers with a PNG instead.
    if (blob.type !== 'image/webp')
      blob = await encodeImage(bitmap, size, 'image/jpeg', step.quality);
    const url = await dataUrlOf(blob);
    if (url.length <= ATTACHMENT_LIMITS.thumbnailMaxChars) return url;
  }
  return null;
}

/** A file ready for `sendAttachment`, or why it cannot be sent. */
export async function prepareAttachment(file: File, now = new Date()): Promise<Preparation> {
  const contentType = file.type || 'application/octet-stream';
  const fileName = sendableFileName(file.name, contentType, now);
  // The name as typed and as sent: dropping a bidi control must not uncover ".exe".
  const refusal = refusalOf(file) ?? refusalOf({ name: fileName, size: file.size });
  if (refusal) return { refused: refusal };
  const asFile: PreparedAttachment = {
    kind: 'file',
    blob: file,
    fileName,
    contentType,
    image: null,
  };
  if (!isInlineImageType(contentType)) return asFile;
  // An image sent as a file (too large to show, or one the browser cannot draw) keeps
  // its pixels but not its metadata, where it parses as what it says it is.
  const asImageFile = async (): Promise<PreparedAttachment> => {
    const stripped = stripImageMetadata(new Uint8Array(await file.arrayBuffer()), contentType);
    return stripped
      ? { ...asFile, blob: new Blob([stripped as BlobPart], { type: contentType }) }
      : asFile;
  };

  const bitmap = await decodeImage(file);
  if (!bitmap) return asImageFile();
  try {
    const side = ATTACHMENT_LIMITS.maxImageSide;
    if (bitmap.width > side || bitmap.height > side) return await asImageFile();
    const thumbnail = await makeThumbnail(bitmap).catch(() => null);
    if (!thumbnail) return await asImageFile();
    if (contentType !== 'image/jpeg') {
      // PNG, GIF and WebP keep their pixels and animation, and lose their metadata.
      const bytes = stripImageMetadata(new Uint8Array(await file.arrayBuffer()), contentType);
      if (!bytes) return { refused: 'the image could not be prepared for sending' };
      const image = { width: bitmap.width, height: bitmap.height, thumbnail };
      const blob = new Blob([bytes as BlobPart], { type: contentType });
      return { kind: 'image', blob, fileName, contentType, image };
    }
    const size = reencodeSize(bitmap);
    const blob = await encodeImage(bitmap, size, 'image/jpeg', JPEG_QUALITY).catch(() => null);
    // Sending the original would send its location: better not at all.
    if (!blob) return { refused: 'the photo could not be prepared for sending' };
    const tooLarge = refusalOf({ name: fileName, size: blob.size });
    if (tooLarge) return { refused: tooLarge };
    const image = { ...size, thumbnail };
    return { kind: 'image', blob, fileName, contentType: 'image/jpeg', image };
  } finally {
    bitmap.close();
  }
}

type AttachmentSender = Pick<SyncEngineApi, 'sendAttachment'>;

/** Prepares and queues each file as its own message, in order; the caption goes with the
 * first one sent. Resolves with the files that were not sent and why. */
export async function sendFiles(
  engine: AttachmentSender,
  convKey: string,
  files: readonly File[],
  caption: string,
): Promise<Refusal[]> {
  const refusals: Refusal[] = [];
  let captionLeft = caption;
  for (const file of files) {
    const fileName = file.name || 'the pasted file';
    try {
      const prepared = await prepareAttachment(file);
      if ('refused' in prepared) {
        refusals.push({ fileName, reason: prepared.refused });
        continue;
      }
      await engine.sendAttachment(convKey, prepared, captionLeft);
      captionLeft = '';
    } catch (error) {
      const reason =
        error instanceof Error ? error.message : 'it could not be saved on this device';
      refusals.push({ fileName, reason });
    }
  }
  return refusals;
}
