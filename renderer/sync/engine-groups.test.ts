import { describe, expect, test } from 'vitest';
import { isReadOnly } from './groups.ts';
import { displayedStatus } from './marks.ts';
import { messagePage } from './queries.ts';
import {
  changeGroupOp,
  fakeWorld,
  groupFrom,
  ME,
  OTHER,
  openTestDevice,
  receiptOp,
  sendFromOther,
} from './test-support/device.ts';

/** ME's device against a server where OTHER (Bob) and Carol have devices too. */
function world() {
  const { server, other } = fakeWorld();
  const carolId = server.addUser('Carol Provider');
  const carol = server.connect(carolId);
  const device = openTestDevice({ server });
  return { server, other, carol, carolId, device };
}

describe('groups through the engine', () => {
  test('[S3.1][S3.2] a group created offline, and what was written in it, reach the server in order once online', async () => {
    const { server, other, carolId, device } = world();
    const key = await device.engine.createGroup({
      title: 'Garden club',
      members: [
        { userId: OTHER, displayName: 'Bob Requester' },
        { userId: carolId, displayName: 'Carol Provider' },
      ],
      conversationType: 'general',
      contextId: null,
      contextTitle: null,
    });
    const first = await device.engine.sendMessage(key, 'hello all');
    await device.engine.changeGroup(key, { type: 'rename', title: 'Allotment' });
    const second = await device.engine.sendMessage(key, 'new name');
    device.engine.start();
    await device.settle();

    const [push] = device.transport.pushes;
    expect(push?.map((op) => op.kind)).toEqual(['createGroup', 'send', 'changeGroup', 'send']);
    expect(push?.slice(1).map((op) => ('conversation' in op ? op.conversation : null))).toEqual([
      { clientConvId: key },
      { clientConvId: key },
      { clientConvId: key },
    ]);
    expect(server.messages().map((m) => m.content)).toEqual([
      'Me Myself created the group “Garden club” with Bob Requester and Carol Provider',
      'hello all',
      'Me Myself renamed the group to “Allotment”',
      'new name',
    ]);
    const conversation = await device.db.conversations.get(key);
    expect(conversation).toMatchObject({ serverId: 1, version: 4, pendingCount: 0 });
    expect(conversation?.group).toMatchObject({ title: 'Allotment', confirmed: null });
    const log = await messagePage(device.db, key, { limit: 10 });
    expect(log.map((m) => m.clientMsgId).slice(1)).toEqual([first, expect.any(String), second]);
    // Bob hears of the group, under its new title.
    const page = await other.pull({ cursor: null });
    expect(page.changes.conversations).toMatchObject([
      { conversationId: 1, isGroup: true, title: 'Allotment', otherUser: null },
    ]);
    expect(page.changes.rosters[0]?.members.map((m) => m.userId)).toEqual([ME, OTHER, carolId]);
    await device.close();
  });

  test('a member removed by an admin keeps the group read-only with what came before, and what they had waiting fails', async () => {
    const { other, carolId, device } = world();
    device.engine.start();
    const conversationId = await groupFrom(other, [ME, carolId]);
    await sendFromOther(other, conversationId, 'before');
    await device.settle();
    const key = `s${conversationId}`;

    device.transport.goOffline();
    const waiting = await device.engine.sendMessage(key, 'am I still in?');
    await other.push([changeGroupOp(conversationId, { type: 'remove', userId: ME })]);
    await sendFromOther(other, conversationId, 'after');
    device.transport.goOnline();
    await device.settle();

    const conversation = await device.db.conversations.get(key);
    expect(conversation && isReadOnly(conversation)).toBe(true);
    expect(conversation?.group?.members.map((m) => m.userId)).toEqual([OTHER, carolId]);
    const log = await messagePage(device.db, key, { limit: 10 });
    expect(log.map((m) => m.content)).toEqual([
      'Bob Requester created the group “Garden club” with Me Myself and Carol Provider',
      'before',
      'Bob Requester removed Me Myself',
      'am I still in?',
    ]);
    expect(await device.db.messages.get(waiting)).toMatchObject({
      status: 'failed',
      failure: { code: 'FORBIDDEN' },
    });
    expect(device.engine.getStatus()).toMatchObject({ failedCount: 1 });
    await expect(device.engine.sendMessage(key, 'hello?')).rejects.toThrow(/no longer a member/);
    await device.close();
  });

  test('[S3.5] my message in a group turns read once every other member read it; the server says who and when', async () => {
    const { other, carol, carolId, device } = world();
    device.engine.start();
    const conversationId = await groupFrom(other, [ME, carolId]);
    await device.settle();
    const key = `s${conversationId}`;
    const id = await device.engine.sendMessage(key, 'who reads this?');
    await device.settle();
    const status = async () => {
      const [message, conversation] = await Promise.all([
        device.db.messages.get(id),
        device.db.conversations.get(key),
      ]);
      return message && conversation ? displayedStatus(message, conversation, ME) : null;
    };
    const serverId = (await device.db.messages.get(id))?.serverId ?? 0;

    await other.push([receiptOp('readUpTo', conversationId, serverId)]);
    await device.settle();
    expect(await status()).toBe('sent');

    await carol.push([receiptOp('deliveredUpTo', conversationId, serverId)]);
    await device.settle();
    expect(await status()).toBe('delivered');

    await carol.push([receiptOp('readUpTo', conversationId, serverId)]);
    await device.settle();
    expect(await status()).toBe('read');

    const details = await device.engine.receiptDetails(id);
    expect(details?.members.map((m) => [m.userId, m.isDelivered, m.isRead])).toEqual([
      [OTHER, true, true],
      [carolId, true, true],
    ]);
    await device.close();
  });

  test('receipt details are null while the server cannot be asked', async () => {
    const { other, carolId, device } = world();
    device.engine.start();
    const conversationId = await groupFrom(other, [ME, carolId]);
    await device.settle();
    const id = await device.engine.sendMessage(`s${conversationId}`, 'hi');
    await device.settle();
    device.transport.goOffline();
    expect(await device.engine.receiptDetails(id)).toBeNull();
    await device.close();
  });
});
