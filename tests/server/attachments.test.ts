// [§4a] Attachments against the real server and its disk store: uploaded resumably,
// readable by the conversation's members only, stored once per content, refused with a
// clear reason and nothing left behind, gone for everyone when their message is deleted.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_LIMITS, UPLOADS_PATH } from '../../shared/attachments.ts';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { TEST_ATTACHMENTS_DIR } from '../support/attachments-dir.ts';
import { rest, trpcClient } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type Scene, signInAgain, startScene } from './support/actors.ts';
import { openSqlProbe, type SqlProbe } from './support/sql-probe.ts';
import {
  download,
  PNG_1X1,
  sendAttachment,
  sha256,
  THUMBNAIL,
  uploadBytes,
  WINDOWS_PROGRAM,
} from './support/uploads.ts';

let server: TestServer;
let probe: SqlProbe;
let scene: Scene;

beforeAll(async () => {
  server = await startTestServer({ label: 'attachments' });
  probe = await openSqlProbe(server.database.address);
  scene = await startScene(server.url);
});

afterAll(async () => {
  await probe?.close();
  await server?.dispose();
});

const blobsDir = () => join(TEST_ATTACHMENTS_DIR, server.database.address.database, 'blobs');

async function storedBlobs(): Promise<string[]> {
  try {
    const shards = await readdir(blobsDir());
    const names = await Promise.all(shards.map((s) => readdir(join(blobsDir(), s))));
    return names.flat();
  } catch {
    return [];
  }
}

async function uploadRows(): Promise<number> {
  const [row] = await probe.query<{ n: number }>('SELECT COUNT(*) AS n FROM uploads');
  return Number(row?.n);
}

function acceptedMessage(result: Awaited<ReturnType<typeof sendAttachment>>) {
  if (result.status !== 'accepted' || !result.message) {
    throw new Error(`not accepted: ${JSON.stringify(result)}`);
  }
  return result.message;
}

describe('[§4a] an attachment sent and opened', () => {
  it("reaches the other participant byte for byte, with the seed's file columns", async () => {
    const bytes = randomBytes(300_000);
    const { uploadId } = await uploadBytes(server.url, scene.alice.token, bytes, {
      name: 'quote.pdf',
      chunkSize: 64 * 1024,
    });
    const message = acceptedMessage(
      await sendAttachment(server.url, scene.alice.token, scene.conversationId, { uploadId }),
    );
    expect(message).toMatchObject({
      messageType: 'file',
      fileName: 'quote.pdf',
      fileSize: bytes.length,
      fileUrl: `/api/v1/attachments/${uploadId}`,
      attachment: { uploadId, contentType: 'application/octet-stream' },
    });
    const got = await download(server.url, scene.bob.token, message.fileUrl ?? '');
    expect(got.status).toBe(200);
    expect(sha256(got.bytes)).toBe(sha256(bytes));
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="quote.pdf"/);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');

    const listed = await rest<{
      messages: { file_url: string; file_name: string; file_size: number; message_type: string }[];
    }>(server.url, 'GET', `/api/v1/chat/conversations/${scene.conversationId}/messages`, {
      token: scene.bob.token,
    });
    expect(listed.body.messages).toContainEqual(
      expect.objectContaining({
        message_type: 'file',
        file_url: message.fileUrl,
        file_name: 'quote.pdf',
        file_size: bytes.length,
      }),
    );
  });

  it('serves an image inline as its sniffed type, and a byte range of it', async () => {
    const { uploadId } = await uploadBytes(server.url, scene.alice.token, PNG_1X1, {
      name: 'bike.png',
    });
    const message = acceptedMessage(
      await sendAttachment(server.url, scene.alice.token, scene.conversationId, {
        uploadId,
        image: { width: 1, height: 1, thumbnail: THUMBNAIL },
      }),
    );
    expect(message.attachment).toMatchObject({ contentType: 'image/png', width: 1, height: 1 });
    const whole = await download(server.url, scene.bob.token, message.fileUrl ?? '');
    expect(whole.headers.get('content-type')).toBe('image/png');
    expect(whole.headers.get('content-disposition')).toMatch(/^inline/);
    const part = await download(server.url, scene.bob.token, message.fileUrl ?? '', {
      range: 'bytes=8-15',
    });
    expect(part.status).toBe(206);
    expect(Buffer.from(part.bytes)).toEqual(PNG_1X1.subarray(8, 16));
  });

  it('stores the same bytes once, however often they are sent', async () => {
    const bytes = randomBytes(50_000);
    const before = await storedBlobs();
    for (let i = 0; i < 3; i++) {
      const { uploadId } = await uploadBytes(server.url, scene.alice.token, bytes);
      acceptedMessage(
        await sendAttachment(server.url, scene.alice.token, scene.conversationId, { uploadId }),
      );
    }
    const added = (await storedBlobs()).filter((name) => !before.includes(name));
    expect(added).toEqual([sha256(bytes)]);
  });
});

describe('[§5] REST sends an attachment as the seed describes it', () => {
  it('POST /api/v1/chat/messages with message_type file and an upload_id answers the file columns', async () => {
    const bytes = randomBytes(4_000);
    const { uploadId } = await uploadBytes(server.url, scene.alice.token, bytes, {
      name: 'plan.txt',
    });
    const answer = await rest<Record<string, unknown>>(
      server.url,
      'POST',
      '/api/v1/chat/messages',
      {
        token: scene.alice.token,
        body: {
          conversation_id: scene.conversationId,
          content: '',
          message_type: 'file',
          upload_id: uploadId,
        },
      },
    );
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      message_type: 'file',
      file_url: `/api/v1/attachments/${uploadId}`,
      file_name: 'plan.txt',
      file_size: bytes.length,
    });
  });

  it('an image without its measurements, or a text with an upload, is a 400', async () => {
    const { uploadId } = await uploadBytes(server.url, scene.alice.token, PNG_1X1, {
      name: 'a.png',
    });
    for (const body of [
      {
        conversation_id: scene.conversationId,
        content: '',
        message_type: 'image',
        upload_id: uploadId,
      },
      {
        conversation_id: scene.conversationId,
        content: 'hi',
        message_type: 'text',
        upload_id: uploadId,
      },
      { conversation_id: scene.conversationId, content: '', message_type: 'file' },
    ]) {
      const answer = await rest(server.url, 'POST', '/api/v1/chat/messages', {
        token: scene.alice.token,
        body,
      });
      expect(answer.status).toBe(400);
    }
  });
});

describe('[§4a] who may read an attachment', () => {
  let path = '';
  beforeAll(async () => {
    const { uploadId } = await uploadBytes(server.url, scene.alice.token, randomBytes(1000));
    path =
      acceptedMessage(
        await sendAttachment(server.url, scene.alice.token, scene.conversationId, { uploadId }),
      ).fileUrl ?? '';
  });

  it('a non-participant gets 404, as for a conversation', async () => {
    expect((await download(server.url, scene.carol.token, path)).status).toBe(404);
  });

  it('no session gets 401, a signed-out session 401', async () => {
    expect((await download(server.url, null, path)).status).toBe(401);
    const token = await signInAgain(server.url, scene.bob);
    expect((await download(server.url, token, path)).status).toBe(200);
    await trpcClient(server.url, token).auth.logout.mutate();
    expect((await download(server.url, token, path)).status).toBe(401);
  });

  it('a forged or malformed id gets 404', async () => {
    for (const id of [randomBytes(16).toString('hex'), '..%2F..%2Fetc', 'x'.repeat(300)]) {
      expect(
        (await download(server.url, scene.bob.token, `/api/v1/attachments/${id}`)).status,
      ).toBe(404);
    }
  });

  it("another user's upload cannot be sent, resumed or read through the upload endpoint", async () => {
    const { uploadId, url } = await uploadBytes(server.url, scene.alice.token, randomBytes(500));
    const result = await sendAttachment(server.url, scene.bob.token, scene.conversationId, {
      uploadId,
    });
    expect(result).toMatchObject({
      status: 'rejected',
      code: 'VALIDATION_FAILED',
      reason: 'upload not found',
    });
    const head = await fetch(url, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${scene.bob.token}`, 'tus-resumable': '1.0.0' },
    });
    expect(head.status).toBe(404);
  });
});

describe('[§4a] refused uploads leave nothing behind', () => {
  const post = (headers: Record<string, string>, token: string | null = scene.alice.token) =>
    fetch(`${server.url}${UPLOADS_PATH}`, {
      method: 'POST',
      headers: {
        'tus-resumable': '1.0.0',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
    });
  const metadata = (name: string) => `filename ${Buffer.from(name).toString('base64')}`;

  it('before sign-in, nothing is accepted', async () => {
    const rows = await uploadRows();
    const res = await post({ 'upload-length': '10', 'upload-metadata': metadata('a.txt') }, null);
    expect(res.status).toBe(401);
    expect(await uploadRows()).toBe(rows);
  });

  it('a file over the size limit, a program by its name, a path for a name', async () => {
    const rows = await uploadRows();
    const big = await post({
      'upload-length': String(ATTACHMENT_LIMITS.maxBytes + 1),
      'upload-metadata': metadata('huge.iso'),
    });
    expect(big.status).toBe(413);
    const program = await post({ 'upload-length': '10', 'upload-metadata': metadata('setup.exe') });
    expect(program.status).toBe(422);
    expect(await program.text()).toContain('programs and scripts cannot be sent');
    const path = await post({ 'upload-length': '10', 'upload-metadata': metadata('../../x') });
    expect(path.status).toBe(400);
    expect(await uploadRows()).toBe(rows);
  });

  it('a program under an innocent name is refused once its bytes are in', async () => {
    const rows = await uploadRows();
    const blobs = await storedBlobs();
    await expect(
      uploadBytes(server.url, scene.alice.token, WINDOWS_PROGRAM, { name: 'holiday.txt' }),
    ).rejects.toThrow(/programs and scripts cannot be sent/);
    expect(await uploadRows()).toBe(rows);
    expect(await storedBlobs()).toEqual(blobs);
  });

  it('an image message whose bytes are not an image is refused and stores no message', async () => {
    const { uploadId } = await uploadBytes(server.url, scene.alice.token, randomBytes(100));
    const result = await sendAttachment(server.url, scene.alice.token, scene.conversationId, {
      uploadId,
      image: { width: 1, height: 1, thumbnail: THUMBNAIL },
    });
    expect(result).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED' });
    const [row] = await probe.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM messages WHERE attachment_id = ?',
      [uploadId],
    );
    expect(Number(row?.n)).toBe(0);
  });

  it('a push retried after its message was stored is answered as a duplicate', async () => {
    const { uploadId } = await uploadBytes(server.url, scene.alice.token, randomBytes(100));
    const clientMsgId = crypto.randomUUID();
    const first = await sendAttachment(
      server.url,
      scene.alice.token,
      scene.conversationId,
      { uploadId },
      'file',
      clientMsgId,
    );
    const again = await sendAttachment(
      server.url,
      scene.alice.token,
      scene.conversationId,
      { uploadId },
      'file',
      clientMsgId,
    );
    expect(again).toMatchObject({ status: 'accepted', duplicate: true });
    expect(acceptedMessage(again).messageId).toBe(acceptedMessage(first).messageId);
  });
});

describe('[§4a] deleting the message', () => {
  it('removes the bytes for everyone, but not those another message still carries', async () => {
    const bytes = randomBytes(20_000);
    const one = await uploadBytes(server.url, scene.alice.token, bytes);
    const two = await uploadBytes(server.url, scene.alice.token, bytes);
    const kept = acceptedMessage(
      await sendAttachment(server.url, scene.alice.token, scene.conversationId, {
        uploadId: one.uploadId,
      }),
    );
    const deleted = acceptedMessage(
      await sendAttachment(server.url, scene.alice.token, scene.conversationId, {
        uploadId: two.uploadId,
      }),
    );
    const push = (clientMsgId: string) =>
      trpcClient(server.url, scene.alice.token).sync.push.mutate({
        protocolVersion: PROTOCOL_VERSION,
        ops: [{ opId: crypto.randomUUID(), kind: 'delete', clientMsgId }],
      });
    const answer = await push(deleted.clientMsgId);
    expect(answer.results[0]).toMatchObject({
      status: 'accepted',
      message: { isDeleted: true, fileUrl: null, attachment: null },
    });
    expect((await download(server.url, scene.bob.token, deleted.fileUrl ?? '')).status).toBe(404);
    expect((await download(server.url, scene.bob.token, kept.fileUrl ?? '')).status).toBe(200);
    expect(await storedBlobs()).toContain(sha256(bytes));

    await push(kept.clientMsgId);
    expect((await download(server.url, scene.bob.token, kept.fileUrl ?? '')).status).toBe(404);
    expect(await storedBlobs()).not.toContain(sha256(bytes));
  });

  it('the sweep drops uploads never sent, with their bytes', async () => {
    const bytes = randomBytes(5_000);
    await uploadBytes(server.url, scene.alice.token, bytes);
    expect(await storedBlobs()).toContain(sha256(bytes));
    expect(await server.services.attachments.sweep(0)).toBeGreaterThan(0);
    expect(await storedBlobs()).not.toContain(sha256(bytes));
  });
});
