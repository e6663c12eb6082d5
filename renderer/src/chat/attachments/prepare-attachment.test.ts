import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ATTACHMENT_LIMITS, REFUSED_TYPE_REASON } from '../../../../shared/attachments.ts';
import type { PreparedAttachment } from '../../../sync/api.ts';
import {
  fitWithin,
  type Preparation,
  prepareAttachment,
  reencodeSize,
  sendableFileName,
  sendFiles,
} from './prepare-attachment.ts';

// The browser's decoder and canvas, faked: a file's text says its stored size and the size
// it shows at once its EXIF orientation is applied ("3000x4000 shown 4000x3000"), and an
// encoded image weighs in proportion to its pixels and quality, as real ones roughly do.
const canvases: { width: number; height: number; encoded: string[] }[] = [];

function fakeBrowser({ encodesWebp = true } = {}) {
  vi.stubGlobal('createImageBitmap', async (file: Blob, options?: ImageBitmapOptions) => {
    const text = await file.text();
    const match = /(\d+)x(\d+)(?: shown (\d+)x(\d+))?/.exec(text);
    if (!match) throw new DOMException('The source image cannot be decoded.', 'InvalidStateError');
    const [width, height, shownWidth, shownHeight] = match.slice(1).map(Number);
    const isTurned = options?.imageOrientation === 'from-image' && match[3] !== undefined;
    return {
      width: isTurned ? shownWidth : width,
      height: isTurned ? shownHeight : height,
      close() {},
    };
  });
  vi.stubGlobal(
    'OffscreenCanvas',
    class {
      readonly record: (typeof canvases)[number];
      constructor(width: number, height: number) {
        this.record = { width, height, encoded: [] };
        canvases.push(this.record);
      }
      getContext() {
        return { fillRect() {}, drawImage() {} };
      }
      async convertToBlob({ type = 'image/png', quality = 1 }: ImageEncodeOptions = {}) {
        const actual = type === 'image/webp' && !encodesWebp ? 'image/png' : type;
        this.record.encoded.push(actual);
        const bytes = Math.ceil(this.record.width * this.record.height * quality * 0.5);
        return new Blob([new Uint8Array(bytes)], { type: actual });
      }
    },
  );
}

/** A chunk of a PNG (big-endian length) or a WebP (little-endian, padded); the fakes
 * and the metadata stripper read no checksum. */
function chunk(type: string, data: string, isPng: boolean): Uint8Array {
  const body = new TextEncoder().encode(data);
  const out = new Uint8Array(8 + body.length + (isPng ? 4 : body.length % 2));
  const view = new DataView(out.buffer);
  view.setUint32(isPng ? 0 : 4, body.length, !isPng);
  out.set(new TextEncoder().encode(type), isPng ? 4 : 0);
  out.set(body, 8);
  return out;
}

/** An image whose `content` (what the fake decoder reads) sits in a metadata chunk of a
 * PNG or WebP, so stripping the metadata shows in the bytes sent. */
function imageFile(name: string, type: string, content: string): File {
  if (type === 'image/png') {
    const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const parts = [signature, chunk('IHDR', 'header', true), chunk('tEXt', content, true)];
    return new File([...parts, chunk('IEND', '', true)] as BlobPart[], name, { type });
  }
  if (type === 'image/webp') {
    const chunks = [chunk('VP8L', 'pixels', false), chunk('EXIF', content, false)];
    const size = 4 + chunks.reduce((sum, c) => sum + c.length, 0);
    const header = new Uint8Array(12);
    header.set(new TextEncoder().encode('RIFF'), 0);
    new DataView(header.buffer).setUint32(4, size, true);
    header.set(new TextEncoder().encode('WEBP'), 8);
    return new File([header, ...chunks] as BlobPart[], name, { type });
  }
  return new File([content], name, { type });
}

function prepared(result: Preparation): PreparedAttachment {
  if ('refused' in result) throw new Error(`refused: ${result.refused}`);
  return result;
}

beforeEach(() => {
  canvases.length = 0;
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('what may be sent', () => {
  it('refuses programs and empty files before reading them', async () => {
    expect(await prepareAttachment(new File(['MZ'], 'setup.exe'))).toEqual({
      refused: REFUSED_TYPE_REASON,
    });
    expect(await prepareAttachment(new File([], 'empty.txt'))).toEqual({
      refused: 'the file is empty',
    });
  });

  it('refuses a program whose ".exe" shows only once a bidi control is dropped', async () => {
    const disguised = new File(['MZ'], 'photo.ex\u202ee', { type: 'application/x-msdownload' });
    expect(await prepareAttachment(disguised)).toEqual({ refused: REFUSED_TYPE_REASON });
  });
});

describe('files', () => {
  it('sends a document as a file with its own name and type', async () => {
    const file = new File(['%PDF-1.7'], 'Lease 2026.pdf', { type: 'application/pdf' });
    expect(await prepareAttachment(file)).toEqual({
      kind: 'file',
      blob: file,
      fileName: 'Lease 2026.pdf',
      contentType: 'application/pdf',
      image: null,
    });
  });

  it('says application/octet-stream for a file the system gave no type', async () => {
    const result = prepared(await prepareAttachment(new File(['x'], 'notes.custom')));
    expect(result.contentType).toBe('application/octet-stream');
  });

  it('sends an image the browser cannot decode as a file, without its metadata', async () => {
    fakeBrowser();
    const file = imageFile('broken.png', 'image/png', 'not an image GPSLatitude 52.52');
    const result = prepared(await prepareAttachment(file));
    expect(result).toMatchObject({ kind: 'file', contentType: 'image/png', image: null });
    expect(await result.blob.text()).not.toContain('GPS');
    const notAContainer = new File(['just text'], 'odd.png', { type: 'image/png' });
    expect(prepared(await prepareAttachment(notAContainer)).blob).toBe(notAContainer);
  });
});

describe('images', () => {
  it('measures an image as it is shown, turned by its EXIF orientation', async () => {
    fakeBrowser();
    const file = imageFile('portrait.png', 'image/png', '4000x3000 shown 3000x4000');
    const result = prepared(await prepareAttachment(file));
    expect(result.image).toMatchObject({ width: 3000, height: 4000 });
  });

  it('makes the thumbnail smaller until its data URL fits in the message', async () => {
    fakeBrowser();
    const result = prepared(await prepareAttachment(imageFile('a.png', 'image/png', '4000x3000')));
    const thumbnail = result.image?.thumbnail ?? '';
    expect(thumbnail.startsWith('data:image/webp;base64,')).toBe(true);
    expect(thumbnail.length).toBeLessThanOrEqual(ATTACHMENT_LIMITS.thumbnailMaxChars);
    // 320 px on the long side was too heavy at both qualities; 240 px fits.
    expect(canvases.map((canvas) => `${canvas.width}x${canvas.height}`)).toEqual([
      '320x240',
      '320x240',
      '240x180',
    ]);
  });

  it('makes a JPEG thumbnail where the browser cannot encode WebP', async () => {
    fakeBrowser({ encodesWebp: false });
    const result = prepared(await prepareAttachment(imageFile('a.png', 'image/png', '400x300')));
    expect(result.image?.thumbnail.startsWith('data:image/jpeg;base64,')).toBe(true);
  });

  it('re-encodes a JPEG, so what is sent has none of its EXIF (GPS, camera)', async () => {
    fakeBrowser();
    const file = imageFile('IMG_0001.JPG', 'image/jpeg', '3000x4000 shown 4000x3000');
    const result = prepared(await prepareAttachment(file));
    expect(result.blob).not.toBe(file);
    expect(result).toMatchObject({
      kind: 'image',
      fileName: 'IMG_0001.JPG',
      contentType: 'image/jpeg',
      image: { width: 4000, height: 3000 },
    });
    expect(canvases.at(-1)).toEqual({ width: 4000, height: 3000, encoded: ['image/jpeg'] });
  });

  it('sends a PNG or WebP without its metadata chunks, and a GIF as it is (with its animation)', async () => {
    fakeBrowser();
    for (const [name, type] of [
      ['a.png', 'image/png'],
      ['b.gif', 'image/gif'],
      ['c.webp', 'image/webp'],
    ] as const) {
      const file = imageFile(name, type, '640x480 GPSLatitude 52.52');
      const result = prepared(await prepareAttachment(file));
      expect(result).toMatchObject({ kind: 'image', contentType: type });
      expect(result.image).toMatchObject({ width: 640, height: 480 });
      const sent = await result.blob.text();
      if (type === 'image/gif') expect(sent).toBe(await file.text());
      else expect(sent).not.toContain('GPS');
    }
  });

  it('sends an image wider than the server accepts as a file', async () => {
    fakeBrowser();
    const result = prepared(
      await prepareAttachment(imageFile('pano.png', 'image/png', '40000x200')),
    );
    expect(result.kind).toBe('file');
  });
});

describe('sizes', () => {
  it('scales a thumbnail down to its long side, never up', () => {
    expect(fitWithin({ width: 4000, height: 3000 }, 320)).toEqual({ width: 320, height: 240 });
    expect(fitWithin({ width: 100, height: 5000 }, 320)).toEqual({ width: 6, height: 320 });
    expect(fitWithin({ width: 50, height: 40 }, 320)).toEqual({ width: 50, height: 40 });
    expect(fitWithin({ width: 10_000, height: 1 }, 320)).toEqual({ width: 320, height: 1 });
  });

  it('re-encodes a photo at its own size unless a canvas could not hold it', () => {
    expect(reencodeSize({ width: 4032, height: 3024 })).toEqual({ width: 4032, height: 3024 });
    const huge = reencodeSize({ width: 16_320, height: 12_240 });
    expect(huge.width * huge.height).toBeLessThanOrEqual(64_000_000);
    expect(huge.width / huge.height).toBeCloseTo(16_320 / 12_240, 2);
    expect(reencodeSize({ width: 20_000, height: 1_000 }).width).toBe(16_384);
  });
});

describe('file names', () => {
  const now = new Date(2026, 11, 3, 14, 25, 1);

  it('gives a pasted picture a dated name instead of "image.png"', () => {
    expect(sendableFileName('image.png', 'image/png', now)).toBe('image-2026-12-03-142501.png');
    expect(sendableFileName('', 'image/jpeg', now)).toBe('image-2026-12-03-142501.jpg');
    expect(sendableFileName('', 'application/pdf', now)).toBe('file-2026-12-03-142501');
  });

  it('keeps a real name as it is', () => {
    expect(sendableFileName('Imagine Dragons.mp3', 'audio/mpeg', now)).toBe('Imagine Dragons.mp3');
  });

  it('cuts a long name to what the server stores, keeping its extension and whole characters', () => {
    // The emoji would end at unit 197 of the 196 left for the name before ".pdf".
    const name = `${'a'.repeat(195)}😀😀.pdf`;
    const cut = sendableFileName(name, 'application/pdf', now);
    expect(cut.length).toBeLessThanOrEqual(ATTACHMENT_LIMITS.fileNameMaxChars);
    expect(cut.endsWith('.pdf')).toBe(true);
    expect(cut).toBe(`${'a'.repeat(195)}.pdf`);
  });

  it('drops what a one-line name may not hold: control and bidi characters, slashes', () => {
    expect(sendableFileName('re\u0007port\u202e.txt', 'text/plain', now)).toBe('report.txt');
    expect(sendableFileName('a/b\\c.txt', 'text/plain', now)).toBe('a_b_c.txt');
  });
});

describe('sending several files', () => {
  function recordingEngine(failOn: string | null = null) {
    const sent: [string, string][] = [];
    return {
      sent,
      engine: {
        async sendAttachment(_convKey: string, file: PreparedAttachment, caption: string) {
          if (file.fileName === failOn) throw new Error('the device is out of space');
          sent.push([file.fileName, caption]);
          return 'id';
        },
      },
    };
  }
  const file = (name: string) => new File(['x'], name, { type: 'text/plain' });

  it('sends each file as its own message, in order, the caption with the first one sent', async () => {
    const { sent, engine } = recordingEngine();
    const refusals = await sendFiles(
      engine,
      's10',
      [file('setup.exe'), file('a.txt'), file('b.txt')],
      'see these',
    );
    expect(sent).toEqual([
      ['a.txt', 'see these'],
      ['b.txt', ''],
    ]);
    expect(refusals).toEqual([{ fileName: 'setup.exe', reason: REFUSED_TYPE_REASON }]);
  });

  it('goes on with the other files when one cannot be queued, and says why', async () => {
    const { sent, engine } = recordingEngine('a.txt');
    const refusals = await sendFiles(engine, 's10', [file('a.txt'), file('b.txt')], '');
    expect(sent).toEqual([['b.txt', '']]);
    expect(refusals).toEqual([{ fileName: 'a.txt', reason: 'the device is out of space' }]);
  });
});
