// [§4a] Replies from a device's point of view, against the real server: written offline,
// to one's own unsent message or to someone else's, they reach the other device with
// their quote, once, after a restart and a lost answer.
import { expect, test } from 'vitest';
import { conversationWith, createUsers, isDrained, syncTestServer, waitFor } from './support.ts';

const suite = syncTestServer('replysync');
const { device } = suite;

test('[§4a] replies written offline reach the other device with their quotes, once', async () => {
  const [alice, bob] = await createUsers(suite.server, 'Alice', 'Bob');
  const phone = device(suite.server, alice!, 'alice-phone');
  const desk = device(suite.server, bob!, 'bob-desk');
  const convKey = await conversationWith(phone, bob!);
  const question = await phone.engine.sendMessage(convKey, 'Can you fix a bike?');
  await waitFor(() => isDrained(phone), { what: 'question sent' });
  const bobsCopy = await waitFor(async () => desk.db.messages.get(question), {
    what: 'bob has the question',
  });
  const bobsAnswer = await desk.engine.sendMessage(
    bobsCopy.convKey,
    'Yes\nwhat is broken?',
    question,
  );

  await waitFor(async () => (await phone.db.messages.get(bobsAnswer))?.replyTo, {
    what: 'alice has the answer with its quote',
  });
  expect((await phone.db.messages.get(bobsAnswer))?.replyTo).toMatchObject({
    senderId: alice!.user.userId,
    preview: 'Can you fix a bike?',
    isDeleted: false,
  });

  // Offline: a note, then a reply to that unsent note, then a restart and a lost answer.
  phone.goOffline();
  const note = await phone.engine.sendMessage(convKey, 'The chain is off');
  const addendum = await phone.engine.sendMessage(convKey, 'and the brake squeaks', note);
  expect((await phone.db.messages.get(addendum))?.replyTo).toMatchObject({
    messageId: null,
    clientMsgId: note,
  });
  await phone.restart();
  phone.dropNextPushResponse();
  phone.goOnline();
  await waitFor(() => isDrained(phone), { what: 'phone drained', timeoutMs: 15_000 });
  const onDesk = await waitFor(async () => (await desk.db.messages.get(addendum))?.replyTo, {
    what: 'bob has the addendum with its quote',
  });
  const noteOnServer = await suite.server.sql.message.findFirst({ where: { clientMsgId: note } });
  expect(onDesk).toMatchObject({ messageId: noteOnServer?.messageId, preview: 'The chain is off' });
  const stored = await suite.server.sql.message.count({ where: { clientMsgId: addendum } });
  expect(stored).toBe(1);
});

test('[§4a] a reply to one’s own file still uploading waits for it, and both arrive', async () => {
  const [alice, bob] = await createUsers(suite.server, 'Alice', 'Bob');
  const phone = device(suite.server, alice!, 'alice-phone', { uploads: true });
  const convKey = await conversationWith(phone, bob!);
  phone.goOffline();
  const file = await phone.engine.sendAttachment(
    convKey,
    {
      kind: 'file',
      blob: new Blob([Buffer.from('%PDF-1.7 the contract')]),
      fileName: 'contract.pdf',
      contentType: 'application/pdf',
      image: null,
    },
    '',
  );
  const reply = await phone.engine.sendMessage(convKey, '^ the contract', file);
  phone.goOnline();
  await waitFor(() => isDrained(phone), { what: 'phone drained', timeoutMs: 20_000 });
  const [original, answer] = await Promise.all([
    suite.server.sql.message.findFirst({ where: { clientMsgId: file } }),
    suite.server.sql.message.findFirst({ where: { clientMsgId: reply } }),
  ]);
  expect(answer?.replyToId).toBe(original?.messageId);
  expect((await phone.db.messages.get(reply))?.status).toBe('sent');
});
