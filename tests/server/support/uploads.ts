// Uploading and fetching attachments the way a device does: tus-js-client for the
// upload, a sync push naming it, a plain GET with the session for the bytes.
import { createHash, randomUUID } from 'node:crypto';
import { Upload } from 'tus-js-client';
import { UPLOADS_PATH } from '../../../shared/attachments.ts';
import { type OpResult, PROTOCOL_VERSION } from '../../../shared/sync/protocol.ts';
import { trpcClient } from '../../support/clients.ts';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface UploadOptions {
  name?: string;
  chunkSize?: number;
  /** Resume this upload instead of creating one. */
  uploadUrl?: string;
  onChunk?: (sent: number, upload: Upload) => void;
}

/** Uploads `bytes`; answers the upload's URL and id, or throws with the server's answer. */
export function uploadBytes(
  baseUrl: string,
  token: string,
  bytes: Uint8Array,
  options: UploadOptions = {},
): Promise<{ url: string; uploadId: string; firstOffset: number }> {
  return new Promise((resolve, reject) => {
    let firstOffset = -1;
    const upload: Upload = new Upload(Buffer.from(bytes), {
      endpoint: `${baseUrl}${UPLOADS_PATH}`,
      uploadUrl: options.uploadUrl ?? null,
      metadata: { filename: options.name ?? 'notes.bin' },
      headers: { authorization: `Bearer ${token}` },
      chunkSize: options.chunkSize ?? Number.POSITIVE_INFINITY,
      retryDelays: null,
      storeFingerprintForResuming: false,
      onUploadUrlAvailable: () => undefined,
      onProgress: (sent) => {
        if (firstOffset < 0) firstOffset = sent;
      },
      onChunkComplete: (_size, accepted) => options.onChunk?.(accepted, upload),
      onSuccess: () => {
        const url = upload.url ?? '';
        resolve({ url, uploadId: url.split('/').at(-1) ?? '', firstOffset });
      },
      onError: reject,
    });
    // Where a resumed upload starts: the offset the server acknowledged.
    if (options.uploadUrl) {
      upload.options.onBeforeRequest = (req) => {
        if (req.getMethod() === 'PATCH' && firstOffset < 0) {
          firstOffset = Number(req.getHeader('Upload-Offset'));
        }
      };
    }
    upload.start();
  });
}

export async function sendAttachment(
  baseUrl: string,
  token: string,
  conversationId: number,
  attachment: { uploadId: string; image?: { width: number; height: number; thumbnail: string } },
  messageType: 'image' | 'file' = attachment.image ? 'image' : 'file',
  clientMsgId: string = randomUUID(),
): Promise<OpResult> {
  const { results } = await trpcClient(baseUrl, token).sync.push.mutate({
    protocolVersion: PROTOCOL_VERSION,
    ops: [
      {
        opId: randomUUID(),
        kind: 'send',
        conversation: { conversationId },
        clientMsgId,
        content: '',
        messageType,
        attachment,
      },
    ],
  });
  const [result] = results;
  if (!result) throw new Error('no result');
  return result;
}

export async function download(
  baseUrl: string,
  token: string | null,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; bytes: Uint8Array; headers: Headers }> {
  const res = await fetch(`${baseUrl}${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  return {
    status: res.status,
    bytes: new Uint8Array(await res.arrayBuffer()),
    headers: res.headers,
  };
}

/** A 1×1 PNG. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
export const THUMBNAIL = `data:image/png;base64,${PNG_1X1.toString('base64')}`;

/** The first bytes of a Windows program. */
export const WINDOWS_PROGRAM = Buffer.concat([
  Buffer.from('MZ'),
  Buffer.alloc(58),
  Buffer.from([0x40, 0, 0, 0]),
  Buffer.from('PE\0\0'),
  Buffer.alloc(2000),
]);
