// [§7] Attachment blobs on S3-compatible object storage, against a real S3 server
// (s3rver, from npm, on loopback): what one instance stored another serves, the same
// bytes are one object, a large file goes up in parts, a delete removes the object.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { trpcClient } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type Scene, startScene } from './support/actors.ts';
import { download, sendAttachment, sha256, uploadBytes } from './support/uploads.ts';

const BUCKET = 'timenest-attachments';
let s3rver: S3rver;
let dir: string;
let endpoint: string;
let first: TestServer;
let second: TestServer;
let scene: Scene;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'timenest-s3rver-'));
  s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = await s3rver.run();
  endpoint = `http://127.0.0.1:${port}`;
  // s3rver accepts its own well-known key pair.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  const env = { S3_BUCKET: BUCKET, S3_ENDPOINT: endpoint, S3_FORCE_PATH_STYLE: 'true' };
  first = await startTestServer({ label: 'attachs3', env });
  second = await startTestServer({ database: first.database, env });
  scene = await startScene(first.url);
});

afterAll(async () => {
  await second?.close();
  await first?.dispose();
  await s3rver?.close();
  await rm(dir, { recursive: true, force: true });
});

async function objects(): Promise<string[]> {
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

describe('[§7] attachments on S3-compatible storage', () => {
  it('a file uploaded through one instance is served by another, whole and by range', async () => {
    const bytes = randomBytes(300_000);
    const { uploadId } = await uploadBytes(first.url, scene.alice.token, bytes);
    const sent = await sendAttachment(first.url, scene.alice.token, scene.conversationId, {
      uploadId,
    });
    const fileUrl = sent.status === 'accepted' ? (sent.message?.fileUrl ?? '') : '';
    const whole = await download(second.url, scene.bob.token, fileUrl);
    expect(whole.status).toBe(200);
    expect(sha256(whole.bytes)).toBe(sha256(bytes));
    const part = await download(second.url, scene.bob.token, fileUrl, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(Buffer.from(part.bytes)).toEqual(bytes.subarray(100, 200));
    expect(await objects()).toContain(`${first.database.address.database}/${sha256(bytes)}`);
  });

  it('a large file goes up in parts, and the same bytes sent twice are one object', async () => {
    const bytes = randomBytes(20 * 1024 * 1024);
    const before = (await objects()).length;
    for (let i = 0; i < 2; i++) {
      const { uploadId } = await uploadBytes(first.url, scene.alice.token, bytes, {
        chunkSize: 8 * 1024 * 1024,
      });
      const sent = await sendAttachment(first.url, scene.alice.token, scene.conversationId, {
        uploadId,
      });
      expect(sent.status).toBe('accepted');
    }
    expect((await objects()).length).toBe(before + 1);
  });

  it('deleting the message removes the object', async () => {
    const bytes = randomBytes(10_000);
    const { uploadId } = await uploadBytes(first.url, scene.alice.token, bytes);
    const sent = await sendAttachment(first.url, scene.alice.token, scene.conversationId, {
      uploadId,
    });
    const message = sent.status === 'accepted' ? sent.message : undefined;
    const key = `${first.database.address.database}/${sha256(bytes)}`;
    expect(await objects()).toContain(key);
    await trpcClient(first.url, scene.alice.token).sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops: [{ opId: crypto.randomUUID(), kind: 'delete', clientMsgId: message?.clientMsgId ?? '' }],
    });
    expect(await objects()).not.toContain(key);
    expect((await download(second.url, scene.bob.token, message?.fileUrl ?? '')).status).toBe(404);
  });
});
