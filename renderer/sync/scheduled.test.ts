import { describe, expect, test } from 'vitest';
import type { PushOp } from '../../shared/sync/protocol.ts';
import { listScheduled, messagePage, scheduledCountIn } from './queries.ts';
import {
  changeGroupOp,
  conversationFromOther,
  fakeWorld,
  groupFrom,
  ME,
  openTestDevice,
  testClock,
} from './test-support/device.ts';

const HOUR = 3_600_000;

/** ME's device and OTHER's, in a conversation both have, on one clock. */
async function world() {
  const clock = testClock();
  const { server, other } = fakeWorld({ now: clock.now });
  const device = openTestDevice({ server, engine: { now: clock.now } });
  device.engine.start();
  const conversationId = await conversationFromOther(other);
  await device.settle();
  return { clock, server, other, device, conversationId, key: `s${conversationId}` };
}

const kinds = (ops: readonly PushOp[] | undefined) => ops?.map((op) => op.kind);

type World = Awaited<ReturnType<typeof world>>;

async function othersMessages({ other }: World) {
  const page = await other.pull({ cursor: null });
  return page.changes.messages.map((m) => ({ content: m.content, scheduledFor: m.scheduledFor }));
}

describe('[§4a] scheduled messages on the device', () => {
  test('[S3.1] one scheduled offline waits here, reaches the server once online, and reaches the other person only at its time', async () => {
    const w = await world();
    const { device, clock, server, key } = w;
    device.transport.goOffline();
    const dueAt = new Date(clock.now() + HOUR);
    const id = await device.engine.scheduleMessage(key, '  See you at nine ', dueAt);
    expect(await listScheduled(device.db)).toMatchObject([
      { clientMsgId: id, convKey: key, content: 'See you at nine', state: 'scheduled' },
    ]);
    expect(await scheduledCountIn(device.db, key)).toBe(1);
    expect(await device.db.outbox.count()).toBe(1);

    device.transport.goOnline();
    await device.settle();
    expect(await device.db.outbox.count()).toBe(0);
    expect((await device.db.scheduled.get(id))?.confirmed).toMatchObject({ state: 'scheduled' });
    expect(await othersMessages(w)).toEqual([]);

    clock.advance(HOUR);
    expect(server.deliverDue()).toBe(1);
    await device.settle();
    expect(await othersMessages(w)).toEqual([
      { content: 'See you at nine', scheduledFor: dueAt.toISOString() },
    ]);
    expect(await listScheduled(device.db)).toEqual([]);
    const [sent] = await messagePage(device.db, key, { limit: 5 });
    expect(sent).toMatchObject({
      clientMsgId: id,
      status: 'sent',
      scheduledFor: dueAt.toISOString(),
    });
    await device.close();
  });

  test('[S3.1] changes made offline coalesce into one operation carrying the last text and time, stamped when the user made them', async () => {
    const w = await world();
    const { device, clock, key } = w;
    device.transport.goOffline();
    const id = await device.engine.scheduleMessage(
      key,
      'first words',
      new Date(clock.now() + HOUR),
    );
    await device.engine.changeScheduled(id, { content: 'second words' });
    const later = new Date(clock.now() + 2 * HOUR);
    await device.engine.changeScheduled(id, { dueAt: later });
    clock.advance(60_000);
    const before = clock.now();
    await device.engine.changeScheduled(id, { content: 'last words' });
    const after = clock.now();

    const waiting = await device.db.outbox.toArray();
    expect(waiting.map((e) => e.op)).toEqual([
      expect.objectContaining({
        kind: 'schedule',
        clientMsgId: id,
        content: 'last words',
        dueAt: later.toISOString(),
      }),
    ]);
    const at = Date.parse(waiting[0]?.op.kind === 'schedule' ? waiting[0].op.at : '');
    expect(at).toBeGreaterThan(before);
    expect(at).toBeLessThan(after);
    device.transport.goOnline();
    await device.settle();
    expect(kinds(device.transport.pushes.at(-1))).toEqual(['schedule']);
    expect((await device.db.scheduled.get(id))?.confirmed).toMatchObject({
      content: 'last words',
      dueAt: later.toISOString(),
    });
    await device.close();
  });

  test('[S3.1] cancelled offline before the server heard of it, it is scheduled and cancelled in that order and never delivered', async () => {
    const w = await world();
    const { device, clock, server, key } = w;
    device.transport.goOffline();
    const id = await device.engine.scheduleMessage(key, 'never mind', new Date(clock.now() + 1000));
    await device.engine.cancelScheduled(id);
    expect(await listScheduled(device.db)).toEqual([]);
    expect(kinds((await device.db.outbox.toArray()).map((e) => e.op))).toEqual([
      'schedule',
      'cancelScheduled',
    ]);
    device.transport.goOnline();
    await device.settle();
    expect(await device.db.scheduled.get(id)).toBeUndefined();
    clock.advance(HOUR);
    expect(server.deliverDue()).toBe(0);
    expect(await othersMessages(w)).toEqual([]);
    await device.close();
  });

  test('[S3.1] one cancelled offline after the server had it is never delivered, even past its time', async () => {
    const w = await world();
    const { device, clock, server, key } = w;
    const id = await device.engine.scheduleMessage(
      key,
      'take it back',
      new Date(clock.now() + 1000),
    );
    await device.settle();
    device.transport.goOffline();
    await device.engine.cancelScheduled(id);
    expect(kinds((await device.db.outbox.toArray()).map((e) => e.op))).toEqual(['cancelScheduled']);
    device.transport.goOnline();
    await device.settle();
    clock.advance(HOUR);
    expect(server.deliverDue()).toBe(0);
    expect(await othersMessages(w)).toEqual([]);
    expect(await device.db.scheduled.get(id)).toBeUndefined();
    await device.close();
  });

  test('[S3.2] a change made while a push is on its way queues after it, and the later change wins', async () => {
    const w = await world();
    const { device, clock, server, key } = w;
    const release = device.transport.holdPushes();
    const id = await device.engine.scheduleMessage(key, 'draft', new Date(clock.now() + HOUR));
    while (device.transport.pushes.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await device.engine.changeScheduled(id, { content: 'final' });
    release();
    await device.settle();
    expect(device.transport.pushes.map(kinds)).toEqual([['schedule'], ['schedule']]);
    expect(await device.db.outbox.count()).toBe(0);
    expect(await device.db.scheduled.get(id)).toMatchObject({
      content: 'final',
      confirmed: { content: 'final' },
    });
    clock.advance(HOUR);
    server.deliverDue();
    expect((await othersMessages(w)).map((m) => m.content)).toEqual(['final']);
    await device.close();
  });

  test('[S3.2] a push whose answer was lost is sent again and answered as the duplicate it is', async () => {
    const w = await world();
    const { device, clock, server, key } = w;
    device.transport.loseNextPushAnswer();
    const id = await device.engine.scheduleMessage(key, 'once', new Date(clock.now() + HOUR));
    await device.settle();
    device.timers.fireAll();
    await device.settle();
    const [first, retried] = device.transport.pushes;
    expect(retried).toEqual(first);
    expect(await device.db.scheduled.get(id)).toMatchObject({ confirmed: { state: 'scheduled' } });
    clock.advance(HOUR);
    expect(server.deliverDue()).toBe(1);
    await device.close();
  });

  test('Send now sends it at once', async () => {
    const w = await world();
    const { device, clock, key } = w;
    const id = await device.engine.scheduleMessage(key, 'now please', new Date(clock.now() + HOUR));
    await device.settle();
    await device.engine.sendScheduledNow(id);
    await device.settle();
    expect((await othersMessages(w)).map((m) => m.content)).toEqual(['now please']);
    expect(await listScheduled(device.db)).toEqual([]);
    await device.close();
  });

  test('[§4a] another device of the same user scheduling, changing and sending it shows here as the server says', async () => {
    const w = await world();
    const { device, clock, server, conversationId, key } = w;
    const laptop = server.connect(ME);
    const clientMsgId = crypto.randomUUID();
    const schedule = (content: string) => ({
      opId: crypto.randomUUID(),
      kind: 'schedule' as const,
      conversation: { conversationId },
      clientMsgId,
      content,
      dueAt: new Date(clock.now() + HOUR).toISOString(),
      at: new Date(clock.now()).toISOString(),
    });
    await laptop.push([schedule('from the laptop')]);
    await device.settle();
    expect(await listScheduled(device.db)).toMatchObject([
      { clientMsgId, convKey: key, content: 'from the laptop' },
    ]);
    await laptop.push([schedule('changed on the laptop')]);
    await device.settle();
    expect(await listScheduled(device.db)).toMatchObject([{ content: 'changed on the laptop' }]);
    clock.advance(2 * HOUR);
    server.deliverDue();
    await device.settle();
    expect(await listScheduled(device.db)).toEqual([]);
    expect((await messagePage(device.db, key, { limit: 5 })).map((m) => m.content)).toEqual([
      'changed on the laptop',
    ]);
    await device.close();
  });

  test('[S3.2] a change made offline after the server sent it is refused ALREADY_SENT, and the device says so until dismissed', async () => {
    const w = await world();
    const { device, clock, server, key } = w;
    const id = await device.engine.scheduleMessage(
      key,
      'as first written',
      new Date(clock.now() + 1000),
    );
    await device.settle();
    device.transport.goOffline();
    clock.advance(2000);
    expect(server.deliverDue()).toBe(1);
    await device.engine.changeScheduled(id, { content: 'too late' });
    device.transport.goOnline();
    await device.settle();
    expect(await device.db.scheduled.get(id)).toMatchObject({
      state: 'sent',
      content: 'as first written',
      failure: { code: 'ALREADY_SENT' },
    });
    expect(await listScheduled(device.db)).toHaveLength(1);
    expect(await device.db.outbox.count()).toBe(0);
    expect((await messagePage(device.db, key, { limit: 5 })).map((m) => m.content)).toEqual([
      'as first written',
    ]);
    await expect(device.engine.changeScheduled(id, { content: 'again' })).rejects.toThrow(
      /already sent/,
    );
    await device.engine.dismissScheduled(id);
    expect(await listScheduled(device.db)).toEqual([]);
    await device.close();
  });

  test('[§4a] one the server could not send (the sender left the group) shows why, and can be dismissed', async () => {
    const clock = testClock();
    const { server, other } = fakeWorld({ now: clock.now });
    const device = openTestDevice({ server, engine: { now: clock.now } });
    const carolId = server.addUser('Carol Provider');
    device.engine.start();
    const conversationId = await groupFrom(other, [ME, carolId]);
    await device.settle();
    const id = await device.engine.scheduleMessage(
      `s${conversationId}`,
      'for the group',
      new Date(clock.now() + HOUR),
    );
    await device.settle();
    await other.push([changeGroupOp(conversationId, { type: 'remove', userId: ME })]);
    clock.advance(HOUR);
    expect(server.deliverDue()).toBe(0);
    await device.settle();
    expect(await listScheduled(device.db)).toMatchObject([
      {
        clientMsgId: id,
        state: 'cancelled',
        failure: { code: 'NOT_SENT', reason: 'you are no longer a member of this group' },
      },
    ]);
    await device.engine.dismissScheduled(id);
    expect(await listScheduled(device.db)).toEqual([]);
    await device.close();
  });

  test('are listed soonest first and counted per conversation; one being cancelled is not', async () => {
    const w = await world();
    const { device, clock, key } = w;
    const late = await device.engine.scheduleMessage(key, 'late', new Date(clock.now() + 3 * HOUR));
    const soon = await device.engine.scheduleMessage(key, 'soon', new Date(clock.now() + HOUR));
    const gone = await device.engine.scheduleMessage(key, 'gone', new Date(clock.now() + 2 * HOUR));
    await device.settle();
    device.transport.goOffline();
    await device.engine.cancelScheduled(gone);
    expect((await listScheduled(device.db)).map((r) => r.clientMsgId)).toEqual([soon, late]);
    expect(await scheduledCountIn(device.db, key)).toBe(2);
    expect(await scheduledCountIn(device.db, 'elsewhere')).toBe(0);
    await device.close();
  });

  test('is refused on the device more than a year ahead, and with no words', async () => {
    const w = await world();
    const { device, clock, key } = w;
    await expect(
      device.engine.scheduleMessage(key, 'far', new Date(clock.now() + 400 * 24 * HOUR)),
    ).rejects.toThrow(/at most a year ahead/);
    await expect(
      device.engine.scheduleMessage(key, '   ', new Date(clock.now() + HOUR)),
    ).rejects.toThrow();
    expect(await device.db.outbox.count()).toBe(0);
    expect(await device.db.scheduled.count()).toBe(0);
    await device.close();
  });

  test('[S3.1] scheduled in a conversation started offline, it follows the conversation’s create', async () => {
    const clock = testClock();
    const { server, other } = fakeWorld({ now: clock.now });
    const device = openTestDevice({ server, engine: { now: clock.now } });
    const key = await device.engine.openConversation({
      otherUserId: other.userId,
      otherDisplayName: 'Bob Requester',
      conversationType: 'general',
      contextId: null,
      contextTitle: null,
    });
    const id = await device.engine.scheduleMessage(
      key,
      'hello later',
      new Date(clock.now() + HOUR),
    );
    device.engine.start();
    await device.settle();
    expect(kinds(device.transport.pushes[0])).toEqual(['createConversation', 'schedule']);
    expect(await device.db.scheduled.get(id)).toMatchObject({
      convKey: key,
      confirmed: { state: 'scheduled' },
    });
    clock.advance(HOUR);
    expect(server.deliverDue()).toBe(1);
    await device.close();
  });
});
