import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { stripJpegMetadata, stripPngMetadata, stripWebpMetadata } from './strip-metadata.ts';

const text = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([text(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 1×1 PNG with a GPS position in EXIF, an XMP packet and a comment. */
function pngWithMetadata(): { withMetadata: Buffer; pixelsOnly: Buffer } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = pngChunk('IHDR', new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
  const idat = pngChunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0])));
  const iend = pngChunk('IEND', new Uint8Array());
  const exif = pngChunk('eXIf', text('MM\0*GPSLatitude 52.52 GPSLongitude 13.40'));
  const xmp = pngChunk('iTXt', text('XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>'));
  const comment = pngChunk('tEXt', text('Comment\0taken at home'));
  return {
    withMetadata: Buffer.concat([signature, ihdr, exif, xmp, idat, comment, iend]),
    pixelsOnly: Buffer.concat([signature, ihdr, idat, iend]),
  };
}

function riffChunk(type: string, data: Uint8Array): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(data.length);
  return Buffer.concat([text(type), size, data, Buffer.alloc(data.length % 2)]);
}

function webp(chunks: Buffer[]): Buffer {
  const body = Buffer.concat([text('WEBP'), ...chunks]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length);
  return Buffer.concat([text('RIFF'), size, body]);
}

describe('[§4a] image metadata stays on the device', () => {
  it('a PNG loses its EXIF, XMP and text chunks and keeps every other byte', () => {
    const { withMetadata, pixelsOnly } = pngWithMetadata();
    const stripped = stripPngMetadata(new Uint8Array(withMetadata));
    expect(stripped && Buffer.from(stripped)).toEqual(pixelsOnly);
    expect(Buffer.from(stripped ?? []).includes('GPS')).toBe(false);
  });

  it('a WebP loses its EXIF and XMP chunks, the flags announcing them and their length', () => {
    const vp8x = new Uint8Array(10);
    vp8x[0] = 0x08 | 0x04 | 0x10; // EXIF, XMP and alpha
    const image = riffChunk('VP8L', new Uint8Array([0x2f, 0, 0, 0, 0x10, 7]));
    const original = webp([
      riffChunk('VP8X', vp8x),
      image,
      riffChunk('EXIF', text('MM\0*GPSLatitude 52.52 odd')),
      riffChunk('XMP ', text('<x:xmpmeta/>')),
    ]);
    const stripped = stripWebpMetadata(new Uint8Array(original));
    const alphaOnly = new Uint8Array(10);
    alphaOnly[0] = 0x10;
    expect(stripped && Buffer.from(stripped)).toEqual(webp([riffChunk('VP8X', alphaOnly), image]));
  });

  it('bytes that are not the container they claim to be give null', () => {
    const { withMetadata } = pngWithMetadata();
    expect(stripPngMetadata(new Uint8Array(withMetadata.subarray(0, 40)))).toBeNull();
    expect(stripPngMetadata(text('GIF89a'))).toBeNull();
    expect(stripWebpMetadata(text('RIFF\x10\0\0\0WEBPVP8 '))).toBeNull();
  });
});

describe('[§4a] a JPEG sent as a file', () => {
  const segment = (marker: number, data: string) => {
    const body = Buffer.from(data, 'latin1');
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(body.length + 2, 2);
    return Buffer.concat([head, body]);
  };
  it('loses its EXIF, XMP, IPTC and comments, and keeps its profile and image data', () => {
    const soi = Buffer.from([0xff, 0xd8]);
    const jfif = segment(0xe0, 'JFIF\0');
    const exif = segment(0xe1, 'Exif\0\0GPSLatitude 52.52');
    const icc = segment(0xe2, 'ICC_PROFILE\0');
    const comment = segment(0xfe, 'taken at home');
    const scan = Buffer.concat([
      segment(0xda, 'scan header'),
      Buffer.from([1, 2, 0xff, 0, 3, 0xff, 0xd9]),
    ]);
    const stripped = stripJpegMetadata(
      new Uint8Array(Buffer.concat([soi, jfif, exif, icc, comment, scan])),
    );
    expect(stripped && Buffer.from(stripped)).toEqual(Buffer.concat([soi, jfif, icc, scan]));
    expect(stripJpegMetadata(text('not a jpeg'))).toBeNull();
  });
});
