// [§4a] Reactions against the real server: any member reacts to any message, once per
// emoji; the later change wins whatever order changes arrive in; a duplicate or a replay
// changes nothing; outsiders and deleted messages are refused; every read carries them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { trpcClient } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type Scene, startScene } from './support/actors.ts';

let server: TestServer;
let scene: Scene;

beforeAll(async () => {
  server = await startTestServer({ label: 'reactions' });
  scene = await startScene(server.url);
});

afterAll(async () => {
  await server?.dispose();
});

/** Ops as a device sends them, checked by the server one by one. */
async function push(token: string, ops: unknown[]) {
  const { results } = await trpcClient(server.url, token).sync.push.mutate({
    protocolVersion: PROTOCOL_VERSION,
    ops,
  });
  return results;
}

async function sendText(token: string, content: string) {
  const clientMsgId = randomUUID();
  const [result] = await push(token, [
    {
      opId: randomUUID(),
      kind: 'send',
      conversation: { conversationId: scene.conversationId },
      clientMsgId,
      content,
      messageType: 'text',
    },
  ]);
  if (result?.status !== 'accepted' || !result.message) throw new Error('not sent');
  return { messageId: result.message.messageId, clientMsgId };
}

const react = (messageId: number, emoji: string, isOn: boolean, at: string, opId = randomUUID()) =>
  ({ opId, kind: 'react', message: { messageId }, emoji, isOn, at }) as const;

async function reactionsOf(token: string, messageId: number) {
  const page = await trpcClient(server.url, token).messages.list.query({
    conversationId: scene.conversationId,
  });
  return page.messages.find((m) => m.messageId === messageId)?.reactions;
}

describe('[§4a] reactions', () => {
  it('are one per user per emoji, shown to both with who reacted, oldest emoji first', async () => {
    const { messageId } = await sendText(scene.alice.token, 'Lesson at 10?');
    const t = Date.now();
    const at = (ms: number) => new Date(t + ms).toISOString();
    await push(scene.bob.token, [react(messageId, '👍', true, at(0))]);
    await push(scene.alice.token, [react(messageId, '👍', true, at(1))]);
    const [answer] = await push(scene.bob.token, [react(messageId, '🎉', true, at(2))]);
    expect(answer).toMatchObject({ status: 'accepted' });
    const expected = [
      { emoji: '👍', userIds: [scene.bob.user.userId, scene.alice.user.userId] },
      { emoji: '🎉', userIds: [scene.bob.user.userId] },
    ];
    expect(answer?.status === 'accepted' && answer.message?.reactions).toEqual(expected);
    expect(await reactionsOf(scene.alice.token, messageId)).toEqual(expected);
  });

  it('end in the state of the last change made, whatever order the changes arrive in', async () => {
    const { messageId } = await sendText(scene.alice.token, 'Price?');
    const t = Date.now() - 10_000;
    const on = react(messageId, '❤️', true, new Date(t).toISOString());
    const off = react(messageId, '❤️', false, new Date(t + 1000).toISOString());
    // The later "off" (from a phone) arrives before the earlier "on" (from a laptop).
    await push(scene.bob.token, [off]);
    const [late] = await push(scene.bob.token, [on]);
    // Overtaken, not replayed: done, and nobody is told to catch up.
    expect(late).toMatchObject({ status: 'accepted', duplicate: false });
    expect(await reactionsOf(scene.bob.token, messageId)).toEqual([]);
    // Pushed again after a lost answer: nothing changes.
    const [again] = await push(scene.bob.token, [off]);
    expect(again).toMatchObject({ status: 'accepted', duplicate: true });
  });

  it('are refused for an outsider, a deleted message and a non-emoji, and change nothing', async () => {
    const sent = await sendText(scene.alice.token, 'to be deleted');
    const now = new Date().toISOString();
    const [outsider] = await push(scene.carol.token, [react(sent.messageId, '👍', true, now)]);
    expect(outsider).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' });
    const [notEmoji] = await push(scene.bob.token, [
      { ...react(sent.messageId, '👍', true, now), emoji: 'ok' },
    ]);
    expect(notEmoji).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED' });
    await push(scene.alice.token, [
      { opId: randomUUID(), kind: 'delete', clientMsgId: sent.clientMsgId },
    ]);
    const [deleted] = await push(scene.bob.token, [react(sent.messageId, '👍', true, now)]);
    expect(deleted).toMatchObject({ status: 'rejected', code: 'MESSAGE_DELETED' });
    expect(await reactionsOf(scene.alice.token, sent.messageId)).toEqual([]);
  });
});

describe('[§4a] reactions under load and abuse', () => {
  it('two devices racing on a new reaction end with the later change, every time', async () => {
    for (let i = 0; i < 8; i++) {
      const { messageId } = await sendText(scene.alice.token, `race ${i}`);
      const t = Date.now() - 60_000;
      const on = react(messageId, '👍', true, new Date(t).toISOString());
      const off = react(messageId, '👍', false, new Date(t + 500).toISOString());
      await Promise.all([push(scene.bob.token, [on]), push(scene.bob.token, [off])]);
      expect(await reactionsOf(scene.bob.token, messageId), `round ${i}`).toEqual([]);
    }
  });

  it('a user puts at most 20 different emojis on one message, and is told why', async () => {
    const { messageId } = await sendText(scene.alice.token, 'so many feelings');
    const emojis = [...'😀😃😄😁😆😅😂🤣😊😇🙂🙃😉😌😍🥰😘😗😙😚😋'];
    const now = new Date().toISOString();
    const results = await push(
      scene.bob.token,
      emojis.map((emoji) => react(messageId, emoji, true, now)),
    );
    expect(results.slice(0, 20).every((r) => r.status === 'accepted')).toBe(true);
    expect(results[20]).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED' });
    expect((await reactionsOf(scene.alice.token, messageId))?.length).toBe(20);
  });

  it('an edit of a reacted message carries its reactions', async () => {
    const sent = await sendText(scene.alice.token, 'typo');
    await push(scene.bob.token, [react(sent.messageId, '👍', true, new Date().toISOString())]);
    const [edited] = await push(scene.alice.token, [
      { opId: randomUUID(), kind: 'edit', clientMsgId: sent.clientMsgId, content: 'fixed' },
    ]);
    expect(edited?.status === 'accepted' && edited.message?.reactions).toEqual([
      { emoji: '👍', userIds: [scene.bob.user.userId] },
    ]);
  });
});
