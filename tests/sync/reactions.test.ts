// [§4a] Reactions from a device's point of view, against the real server: toggled
// offline they show at once and reach the other person once; a lost answer or a copy
// of the message arriving first loses nothing; the author is told who reacted; two
// devices of one user end with the change made last.
import { expect, test } from 'vitest';
import type { IncomingMessage } from '../../renderer/sync/api.ts';
import { conversationWith, createUsers, isDrained, syncTestServer, waitFor } from './support.ts';

const suite = syncTestServer('reactsync');
const { device } = suite;

test('[§4a] a reaction toggled offline shows at once, reaches the author once and tells them', async () => {
  const [alice, bob] = await createUsers(suite.server, 'Alice', 'Bob');
  const heard: IncomingMessage[] = [];
  const phone = device(suite.server, alice!, 'alice-phone', { onIncoming: (i) => heard.push(i) });
  const desk = device(suite.server, bob!, 'bob-desk');
  const convKey = await conversationWith(phone, bob!);
  const question = await phone.engine.sendMessage(convKey, 'Lesson at 10?');
  await waitFor(async () => (await desk.db.messages.get(question))?.serverId, {
    what: 'bob has the question',
  });

  desk.goOffline();
  await desk.engine.toggleReaction(question, '👍');
  await desk.engine.toggleReaction(question, '🎉');
  await desk.engine.toggleReaction(question, '🎉');
  expect((await desk.db.messages.get(question))?.reactions).toEqual([
    { emoji: '👍', userIds: [bob!.user.userId] },
  ]);
  desk.dropNextPushResponse();
  desk.goOnline();
  await waitFor(() => isDrained(desk), { what: 'desk drained', timeoutMs: 15_000 });
  await waitFor(
    async () => (await phone.db.messages.get(question))?.reactions?.[0]?.emoji === '👍',
    { what: 'alice sees the reaction' },
  );
  expect((await phone.db.messages.get(question))?.reactions).toEqual([
    { emoji: '👍', userIds: [bob!.user.userId] },
  ]);
  expect((await desk.db.messages.get(question))?.reactions).toEqual([
    { emoji: '👍', userIds: [bob!.user.userId] },
  ]);
  const told = heard.filter((i) => i.reaction);
  expect(told.map((i) => i.reaction)).toEqual([{ emoji: '👍', userId: bob!.user.userId }]);
});

test('[§4a] two devices of one user end with the reaction change made last', async () => {
  const [alice, bob] = await createUsers(suite.server, 'Alice', 'Bob');
  const phone = device(suite.server, alice!, 'alice-phone');
  const laptop = device(suite.server, bob!, 'bob-laptop');
  const tablet = device(suite.server, bob!, 'bob-tablet');
  const convKey = await conversationWith(phone, bob!);
  const note = await phone.engine.sendMessage(convKey, 'See you');
  for (const d of [laptop, tablet]) {
    await waitFor(async () => (await d.db.messages.get(note))?.serverId, {
      what: `${d.name} has it`,
    });
  }
  // The laptop reacts offline; later the tablet, online, takes it back... then the
  // laptop comes online: its older change must not win.
  laptop.goOffline();
  await laptop.engine.toggleReaction(note, '❤️');
  await new Promise((r) => setTimeout(r, 20));
  await tablet.engine.toggleReaction(note, '❤️');
  await new Promise((r) => setTimeout(r, 20));
  await tablet.engine.toggleReaction(note, '❤️');
  await waitFor(() => isDrained(tablet), { what: 'tablet drained' });
  laptop.goOnline();
  await waitFor(() => isDrained(laptop), { what: 'laptop drained' });
  await waitFor(async () => ((await phone.db.messages.get(note))?.version ?? 0) >= 3, {
    what: 'alice has every change',
  });
  for (const d of [phone, laptop, tablet]) {
    await waitFor(async () => ((await d.db.messages.get(note))?.reactions ?? []).length === 0, {
      what: `${d.name} shows no reaction`,
    });
  }
});
