import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng } from './png.ts';

function chunks(png: Buffer): Array<{ type: string; payload: Buffer; crcOk: boolean }> {
  const found = [];
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const payload = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    found.push({
      type,
      payload,
      crcOk: crc === crc32(png.subarray(offset + 4, offset + 8 + length)),
    });
    offset += 12 + length;
  }
  return found;
}

describe('encodePng', () => {
  const pixels = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 9, 9, 9, 9]);
  const png = encodePng({ width: 2, height: 2, data: pixels });

  it('starts with the PNG signature', () => {
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('writes IHDR, IDAT and IEND with valid checksums', () => {
    const found = chunks(png);
    expect(found.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(found.every((c) => c.crcOk)).toBe(true);
  });

  it('declares the size as 8-bit RGBA', () => {
    const header = chunks(png)[0]?.payload;
    expect(header?.readUInt32BE(0)).toBe(2);
    expect(header?.readUInt32BE(4)).toBe(2);
    expect([header?.[8], header?.[9]]).toEqual([8, 6]);
  });

  it('stores the pixels row by row behind a no-filter byte', () => {
    const rows = inflateSync(chunks(png)[1]?.payload ?? Buffer.alloc(0));
    expect([...rows]).toEqual([0, ...pixels.subarray(0, 8), 0, ...pixels.subarray(8)]);
  });

  it('refuses data that does not match the size', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(3) })).toThrow();
  });
});

describe('crc32', () => {
  it('matches the well-known checksum of an IEND chunk', () => {
    expect(crc32(Buffer.from('IEND', 'latin1'))).toBe(0xae426082);
  });
});
