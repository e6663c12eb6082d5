// [§4a] Attachments from a device's point of view, against the real server: a file
// queued offline keeps its place, survives an app restart, uploads once the device is
// online, and reaches the other device as the same bytes; the message reaches nobody
// before its bytes are on the server; a refused file fails its message with the reason.
import { createHash, randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import type { PreparedAttachment } from '../../renderer/sync/api.ts';
import {
  conversationWith,
  createUsers,
  isDrained,
  serverMessages,
  syncTestServer,
  waitFor,
} from './support.ts';

const suite = syncTestServer('attachsync');
const { device } = suite;

const sha256 = async (blob: Blob) =>
  createHash('sha256')
    .update(Buffer.from(await blob.arrayBuffer()))
    .digest('hex');

function file(bytes: Uint8Array, fileName: string): PreparedAttachment {
  return {
    kind: 'file',
    blob: new Blob([Buffer.from(bytes)]),
    fileName,
    contentType: 'application/pdf',
    image: null,
  };
}

test('[§4a] a file queued offline survives a restart, uploads when online and arrives as the same bytes', async () => {
  const [alice, bob] = await createUsers(suite.server, 'Alice', 'Bob');
  const phone = device(suite.server, alice!, 'alice-phone', { uploads: true });
  const desk = device(suite.server, bob!, 'bob-desk', { uploads: true });
  phone.goOffline();
  const convKey = await conversationWith(phone, bob!);
  const bytes = randomBytes(200_000);
  const before = await phone.engine.sendMessage(convKey, 'the quote is attached');
  const sent = await phone.engine.sendAttachment(convKey, file(bytes, 'quote.pdf'), 'quote');
  const after = await phone.engine.sendMessage(convKey, 'call me if unclear');

  const queued = await phone.db.messages.get(sent);
  expect(queued).toMatchObject({ status: 'pending', messageType: 'file' });
  await phone.restart();
  phone.goOnline();
  await waitFor(() => isDrained(phone), { what: 'phone drained', timeoutMs: 20_000 });

  const stored = await serverMessages(suite.server, [alice!.user.userId, bob!.user.userId]);
  expect(stored.map((m) => m.clientMsgId).sort()).toEqual([before, sent, after].sort());
  const onServer = await suite.server.sql.message.findFirst({ where: { clientMsgId: sent } });
  expect(onServer).toMatchObject({
    messageType: 'file',
    content: 'quote',
    fileName: 'quote.pdf',
    fileSize: bytes.length,
  });

  await waitFor(async () => (await desk.db.messages.get(sent))?.attachment?.fileUrl, {
    what: 'bob has the file message',
    timeoutMs: 20_000,
  });
  const received = await desk.db.messages.get(sent);
  expect(received?.attachment).toMatchObject({ fileName: 'quote.pdf', size: bytes.length });
  const res = await fetch(`${suite.server.url}${received?.attachment?.fileUrl}`, {
    headers: { authorization: `Bearer ${bob!.token}` },
  });
  expect(await sha256(await res.blob())).toBe(await sha256(new Blob([Buffer.from(bytes)])));
  expect(await phone.db.attachments.get(sent)).toMatchObject({ upload: { state: 'done' } });
});

test('[§4a] a file the server refuses fails its message with the reason, and blocks nothing behind it', async () => {
  const [alice, bob] = await createUsers(suite.server, 'Alice', 'Bob');
  const phone = device(suite.server, alice!, 'alice-phone', { uploads: true });
  const convKey = await conversationWith(phone, bob!);
  const program = Buffer.concat([
    Buffer.from('MZ'),
    Buffer.alloc(58),
    Buffer.from([0x40, 0, 0, 0]),
    Buffer.from('PE\0\0'),
    Buffer.alloc(500),
  ]);
  const refused = await phone.engine.sendAttachment(convKey, file(program, 'notes.txt'), '');
  const next = await phone.engine.sendMessage(convKey, 'and a text after it');
  await waitFor(async () => (await phone.db.messages.get(refused))?.status === 'failed', {
    what: 'refused file failed',
    timeoutMs: 20_000,
  });
  expect((await phone.db.messages.get(refused))?.failure?.reason).toBe(
    'programs and scripts cannot be sent',
  );
  await waitFor(async () => (await phone.db.messages.get(next))?.status === 'sent', {
    what: 'the text behind it sent',
  });
  const stored = await serverMessages(suite.server, [alice!.user.userId, bob!.user.userId]);
  expect(stored.map((m) => m.clientMsgId)).toEqual([next]);
});

test('[§4a] a queued file discarded before it uploads never reaches anyone', async () => {
  const [alice, bob] = await createUsers(suite.server, 'Alice', 'Bob');
  const phone = device(suite.server, alice!, 'alice-phone', { uploads: true });
  phone.goOffline();
  const convKey = await conversationWith(phone, bob!);
  const sent = await phone.engine.sendAttachment(convKey, file(randomBytes(1000), 'a.pdf'), '');
  await phone.engine.discard(sent);
  expect(await phone.db.attachments.get(sent)).toBeUndefined();
  phone.goOnline();
  await phone.engine.sendMessage(convKey, 'only this');
  await waitFor(() => isDrained(phone), { what: 'drained' });
  const stored = await serverMessages(suite.server, [alice!.user.userId, bob!.user.userId]);
  expect(stored.map((m) => m.content)).toEqual(['only this']);
});

test('[§4a] a file deleted by its sender leaves the other device, bytes and all', async () => {
  const [alice, bob] = await createUsers(suite.server, 'Alice', 'Bob');
  const phone = device(suite.server, alice!, 'alice-phone', { uploads: true });
  const desk = device(suite.server, bob!, 'bob-desk');
  const convKey = await conversationWith(phone, bob!);
  const sent = await phone.engine.sendAttachment(convKey, file(randomBytes(2000), 'plan.pdf'), '');
  const received = await waitFor(async () => desk.db.messages.get(sent), {
    what: 'bob has the file message',
    timeoutMs: 20_000,
  });
  // Bob opened it: its bytes are on his device.
  await desk.db.attachments.put({
    clientMsgId: sent,
    convKey: received.convKey,
    blob: new Blob(['x']),
  });
  await phone.engine.deleteMessage(sent);
  await waitFor(async () => (await desk.db.messages.get(sent))?.isDeleted, {
    what: 'bob sees the delete',
  });
  expect(await desk.db.attachments.get(sent)).toBeUndefined();
  expect((await desk.db.messages.get(sent))?.attachment ?? null).toBeNull();
});

test("[§4a] an edit changes only a file's caption, which may be emptied; a text message keeps its words", async () => {
  const [alice, bob] = await createUsers(suite.server, 'Alice', 'Bob');
  const phone = device(suite.server, alice!, 'alice-phone', { uploads: true });
  const desk = device(suite.server, bob!, 'bob-desk');
  const convKey = await conversationWith(phone, bob!);
  const sent = await phone.engine.sendAttachment(
    convKey,
    file(randomBytes(3000), 'quote.pdf'),
    'the quote',
  );
  const original = await waitFor(async () => (await desk.db.messages.get(sent))?.attachment, {
    what: 'bob has the file message',
    timeoutMs: 20_000,
  });

  await phone.engine.editMessage(sent, 'the corrected quote');
  await waitFor(async () => (await desk.db.messages.get(sent))?.content === 'the corrected quote', {
    what: 'bob sees the new caption',
  });
  await phone.engine.editMessage(sent, '   ');
  await waitFor(async () => (await desk.db.messages.get(sent))?.content === '', {
    what: 'bob sees the caption removed',
  });
  const edited = await desk.db.messages.get(sent);
  expect(edited).toMatchObject({ isEdited: true, messageType: 'file' });
  expect(edited?.attachment).toEqual(original);

  // A device cannot empty a text message, whatever it pushes.
  const text = await phone.engine.sendMessage(convKey, 'see you at ten');
  await waitFor(() => isDrained(phone), { what: 'text sent' });
  const { results } = await phone.transport.push([
    { opId: crypto.randomUUID(), kind: 'edit', clientMsgId: text, content: '' },
  ]);
  expect(results[0]).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED' });
  const stored = await suite.server.sql.message.findFirst({ where: { clientMsgId: text } });
  expect(stored).toMatchObject({ content: 'see you at ten', isEdited: false });
});

test('[§4a] received files up to the chosen size are fetched as they arrive and kept; larger ones wait to be opened', async () => {
  const [alice, bob] = await createUsers(suite.server, 'Alice', 'Bob');
  const phone = device(suite.server, alice!, 'alice-phone', { uploads: true });
  const desk = device(suite.server, bob!, 'bob-desk', { autoDownloadBytes: 50_000 });
  const convKey = await conversationWith(phone, bob!);
  desk.goOffline();
  const small = randomBytes(40_000);
  const smallId = await phone.engine.sendAttachment(convKey, file(small, 'small.pdf'), '');
  const largeId = await phone.engine.sendAttachment(
    convKey,
    file(randomBytes(60_000), 'large.pdf'),
    '',
  );
  await waitFor(() => isDrained(phone), { what: 'phone sent both', timeoutMs: 20_000 });
  // Back online, the desk hears of both files and fetches the small one by itself.
  desk.goOnline();
  const fetched = await waitFor(async () => (await desk.db.attachments.get(smallId))?.blob, {
    what: 'the small file fetched',
    timeoutMs: 20_000,
  });
  expect(await sha256(fetched)).toBe(await sha256(new Blob([Buffer.from(small)])));
  await waitFor(async () => (await desk.db.messages.get(largeId))?.attachment, {
    what: 'the large file message',
  });
  await waitFor(async () => !(await desk.db.attachments.get(largeId))?.downloadWaiting, {
    what: 'the large file left the queue',
  });
  expect((await desk.db.attachments.get(largeId))?.blob ?? null).toBeNull();

  // Kept across a restart, and offline.
  await desk.restart();
  desk.goOffline();
  expect((await desk.db.attachments.get(smallId))?.blob?.size).toBe(small.length);
});

test('[§4a] a cancelled upload fails its message and sends nothing until retried, then goes once', async () => {
  const [alice, bob] = await createUsers(suite.server, 'Alice', 'Bob');
  const phone = device(suite.server, alice!, 'alice-phone', { uploads: true });
  phone.goOffline();
  const convKey = await conversationWith(phone, bob!);
  const sent = await phone.engine.sendAttachment(convKey, file(randomBytes(5000), 'a.pdf'), '');
  await phone.engine.cancelUpload(sent);
  expect(await phone.db.messages.get(sent)).toMatchObject({
    status: 'failed',
    failure: { code: 'UPLOAD_CANCELLED' },
  });
  phone.goOnline();
  await phone.engine.sendMessage(convKey, 'sent while the file waits');
  await waitFor(() => isDrained(phone), { what: 'the text went' });
  expect((await phone.db.attachments.get(sent))?.upload?.state).toBe('failed');
  const before = await serverMessages(suite.server, [alice!.user.userId, bob!.user.userId]);
  expect(before.map((m) => m.content)).toEqual(['sent while the file waits']);

  await phone.engine.retry(sent);
  await waitFor(async () => (await phone.db.messages.get(sent))?.status === 'sent', {
    what: 'the file sent after the retry',
    timeoutMs: 20_000,
  });
  const after = await serverMessages(suite.server, [alice!.user.userId, bob!.user.userId]);
  expect(after.filter((m) => m.clientMsgId === sent)).toHaveLength(1);
});
