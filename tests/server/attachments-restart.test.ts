// [§4a] An upload survives the server dying under it: killed with SIGKILL mid-upload,
// the restarted server answers the offset it had acknowledged and the upload goes on
// from there, not from the start; the bytes that arrive are the bytes that were sent.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TEST_ATTACHMENTS_DIR } from '../support/attachments-dir.ts';
import { type FreshDatabase, freshDatabase } from '../support/database.ts';
import { type ProcessServer, startProcessServer } from '../support/process-server.ts';
import { startScene } from './support/actors.ts';
import { download, sendAttachment, sha256, uploadBytes } from './support/uploads.ts';

const CHUNK = 1024 * 1024;
let database: FreshDatabase;
const servers: ProcessServer[] = [];
const start = async () => {
  const server = await startProcessServer({ DATABASE_URL: database.url });
  servers.push(server);
  return server;
};

beforeAll(async () => {
  database = await freshDatabase('uploadkill');
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await database?.drop();
  await rm(join(TEST_ATTACHMENTS_DIR, database.address.database), { recursive: true, force: true });
});

it('[§4a] an upload cut by SIGKILL resumes from the acknowledged offset after a restart', async () => {
  const first = await start();
  const scene = await startScene(first.url);
  const bytes = randomBytes(8 * CHUNK);
  let uploadUrl = '';
  const killed = new Promise<void>((resolve) => first.child.once('exit', () => resolve()));
  await expect(
    uploadBytes(first.url, scene.alice.token, bytes, {
      name: 'lesson-recording.mp4',
      chunkSize: CHUNK,
      onChunk: (sent, upload) => {
        uploadUrl = upload.url ?? '';
        if (sent === 3 * CHUNK) first.child.kill('SIGKILL');
      },
    }),
  ).rejects.toThrow();
  await killed;

  const second = await start();
  const path = new URL(uploadUrl).pathname;
  const resumed = await uploadBytes(second.url, scene.alice.token, bytes, {
    uploadUrl: `${second.url}${path}`,
    chunkSize: CHUNK,
  });
  expect(resumed.firstOffset).toBeGreaterThanOrEqual(3 * CHUNK);

  const result = await sendAttachment(second.url, scene.alice.token, scene.conversationId, {
    uploadId: resumed.uploadId,
  });
  expect(result.status).toBe('accepted');
  const fileUrl = result.status === 'accepted' ? (result.message?.fileUrl ?? '') : '';
  const got = await download(second.url, scene.bob.token, fileUrl);
  expect(got.status).toBe(200);
  expect(sha256(got.bytes)).toBe(sha256(bytes));
});
