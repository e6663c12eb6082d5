// Drops the metadata a PNG, WebP or JPEG can carry (EXIF with the place a photo was
// taken, XMP, IPTC, text chunks) without decoding the image: its pixels, colour profile
// and animation stay as they are. Chunks are copied whole, so each keeps its own
// checksum. Null when the bytes are not the container they claim to be.

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** EXIF, the three text kinds (XMP travels in iTXt) and the modification time. */
const PNG_METADATA = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

const WEBP_METADATA = new Set(['EXIF', 'XMP ']);
/** The VP8X flags that announce EXIF (bit 3) and XMP (bit 2) chunks. */
const VP8X_METADATA_FLAGS = 0x08 | 0x04;

const ascii = (bytes: Uint8Array, at: number) =>
  String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function stripPngMetadata(bytes: Uint8Array): Uint8Array | null {
  if (!PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let at = 8;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) return null;
    const end = at + 12 + view.getUint32(at);
    if (end > bytes.length) return null;
    const type = ascii(bytes, at + 4);
    if (!PNG_METADATA.has(type)) kept.push(bytes.subarray(at, end));
    at = end;
    if (type === 'IEND') return concat(kept);
  }
  return null;
}

export function stripWebpMetadata(bytes: Uint8Array): Uint8Array | null {
  if (bytes.length < 12 || ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WEBP') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffEnd = 8 + view.getUint32(4, true);
  if (riffEnd > bytes.length) return null;
  const kept: Uint8Array[] = [];
  let at = 12;
  while (at < riffEnd) {
    if (at + 8 > riffEnd) return null;
    const size = view.getUint32(at + 4, true);
    // Chunks are padded to an even length.
    const end = at + 8 + size + (size % 2);
    if (end > riffEnd) return null;
    const type = ascii(bytes, at);
    if (type === 'VP8X') {
      const chunk = bytes.slice(at, end);
      chunk[8] = (chunk[8] ?? 0) & ~VP8X_METADATA_FLAGS;
      kept.push(chunk);
    } else if (!WEBP_METADATA.has(type)) {
      kept.push(bytes.subarray(at, end));
    }
    at = end;
  }
  const body = concat(kept);
  const header = new Uint8Array(12);
  header.set(bytes.subarray(0, 12));
  new DataView(header.buffer).setUint32(4, 4 + body.length, true);
  return concat([header, body]);
}

/** APP1 (EXIF and XMP), APP13 (IPTC) and comments; the colour profile (APP2) stays. */
const JPEG_METADATA = new Set([0xe1, 0xed, 0xfe]);
/** Markers that stand alone, without a length. */
const isStandalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);

/** A JPEG without its metadata segments, its image data byte for byte: for a photo sent
 * as a file, which is not re-encoded. */
export function stripJpegMetadata(bytes: Uint8Array): Uint8Array | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const kept: Uint8Array[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) {
      // End of image, or the scan: what follows is image data, kept as it is.
      kept.push(bytes.subarray(at));
      return concat(kept);
    }
    if (isStandalone(marker)) {
      kept.push(bytes.subarray(at, at + 2));
      at += 2;
      continue;
    }
    if (at + 4 > bytes.length) return null;
    const end = at + 2 + (((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0));
    if (end > bytes.length) return null;
    if (!JPEG_METADATA.has(marker)) kept.push(bytes.subarray(at, end));
    at = end;
  }
  return null;
}

/** The image's bytes without metadata, for the types that carry it in chunks or
 * segments; the bytes unchanged for GIF (it has no EXIF); null when they do not parse. */
export function stripImageMetadata(bytes: Uint8Array, contentType: string): Uint8Array | null {
  if (contentType === 'image/png') return stripPngMetadata(bytes);
  if (contentType === 'image/webp') return stripWebpMetadata(bytes);
  if (contentType === 'image/jpeg') return stripJpegMetadata(bytes);
  return bytes;
}
