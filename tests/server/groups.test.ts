// [§4a] Groups against the real server: who may read and write (non-members see nothing,
// former members read what they were there for, admins alone rename, add and remove),
// membership changes as system messages, idempotent under duplicate pushes and lost
// answers, receipts that aggregate over every member, and the seed's REST endpoints.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupChange } from '../../shared/groups.ts';
import { type LiveEvent, PROTOCOL_VERSION, type PullResult } from '../../shared/sync/protocol.ts';
import {
  createUser,
  listenLive,
  rest,
  type TestUser,
  trpcClient,
  trpcRealtimeClient,
  waitFor,
} from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let people: TestUser[];

beforeAll(async () => {
  server = await startTestServer({ label: 'groups' });
  // One after another: their ids rise in this order, which members joining at the same
  // moment are listed in.
  people = [];
  for (const name of ['Ada', 'Ben', 'Cleo', 'Dev', 'Eve'])
    people.push(await createUser(server.url, name));
});

afterAll(async () => {
  await server?.dispose();
});

const id = (user: TestUser) => user.user.userId;

async function push(user: TestUser, ops: unknown[]) {
  const answer = await trpcClient(server.url, user.token).sync.push.mutate({
    protocolVersion: PROTOCOL_VERSION,
    ops,
  });
  return answer;
}

async function pullAll(user: TestUser, from: string | null = null) {
  const pages: PullResult[] = [];
  let cursor = from;
  for (;;) {
    const page = await trpcClient(server.url, user.token).sync.pull.query({
      protocolVersion: PROTOCOL_VERSION,
      cursor,
    });
    pages.push(page);
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return {
    cursor: cursor ?? '',
    conversations: pages.flatMap((p) => p.changes.conversations),
    messages: pages.flatMap((p) => p.changes.messages),
    rosters: pages.flatMap((p) => p.changes.rosters),
    members: pages.flatMap((p) => p.changes.members),
    removed: pages.flatMap((p) => p.changes.removed),
  };
}

const createGroupOp = (members: TestUser[], title = 'Lesson planning') => ({
  opId: randomUUID(),
  kind: 'createGroup' as const,
  clientConvId: randomUUID(),
  title,
  memberIds: members.map(id),
  conversationType: 'general' as const,
  contextId: null,
  contextTitle: null,
});

async function createGroup(admin: TestUser, members: TestUser[], title?: string) {
  const { results } = await push(admin, [createGroupOp(members, title)]);
  const [result] = results;
  if (result?.status !== 'accepted' || !result.conversation) {
    throw new Error(`group not created: ${JSON.stringify(result)}`);
  }
  return result.conversation.conversationId;
}

const changeOp = (conversationId: number, change: GroupChange, opId = randomUUID()) => ({
  opId,
  kind: 'changeGroup' as const,
  conversation: { conversationId },
  change,
});

async function change(user: TestUser, conversationId: number, wanted: GroupChange) {
  const { results } = await push(user, [changeOp(conversationId, wanted)]);
  return results[0];
}

const sendOp = (conversationId: number, content: string, clientMsgId = randomUUID()) => ({
  opId: randomUUID(),
  kind: 'send' as const,
  conversation: { conversationId },
  clientMsgId,
  content,
  messageType: 'text' as const,
});

async function send(user: TestUser, conversationId: number, content: string) {
  const { results } = await push(user, [sendOp(conversationId, content)]);
  const [result] = results;
  if (result?.status !== 'accepted' || !result.message) {
    throw new Error(`not sent: ${JSON.stringify(result)}`);
  }
  return result.message.messageId;
}

async function log(user: TestUser, conversationId: number) {
  const answer = await rest<{
    messages: { message_id: number; content: string; message_type: string }[];
  }>(server.url, 'GET', `/api/v1/chat/conversations/${conversationId}/messages?limit=200`, {
    token: user.token,
  });
  return answer;
}

describe('[§4a] creating a group', () => {
  it('gives every member the group, its roster with the creator as admin, and a system message', async () => {
    const [ada, ben, cleo] = people as [TestUser, TestUser, TestUser];
    const groupId = await createGroup(ada, [ben, cleo], 'Spanish club');
    for (const member of [ada, ben, cleo]) {
      const seen = await pullAll(member);
      const group = seen.conversations.find((c) => c.conversationId === groupId);
      expect(group).toMatchObject({
        isGroup: true,
        title: 'Spanish club',
        otherUser: null,
        leftUpTo: null,
      });
      const roster = seen.rosters.find((r) => r.conversationId === groupId);
      expect(roster?.members.map((m) => [m.userId, m.role])).toEqual([
        [id(ada), 'admin'],
        [id(ben), 'member'],
        [id(cleo), 'member'],
      ]);
      const first = seen.messages.filter((m) => m.conversationId === groupId);
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({
        messageType: 'system',
        senderId: id(ada),
        content: 'Ada created the group “Spanish club” with Ben and Cleo',
      });
    }
  });

  it('is idempotent: the same operation pushed twice, or retried after a lost answer, makes one group', async () => {
    const [ada, ben, cleo] = people as [TestUser, TestUser, TestUser];
    const op = createGroupOp([ben, cleo], 'Once');
    const [first, again] = (await push(ada, [op, op])).results;
    const retried = (await push(ada, [op])).results[0];
    expect(first).toMatchObject({ status: 'accepted' });
    expect(again).toMatchObject({ status: 'accepted', duplicate: true });
    expect(retried).toMatchObject({ status: 'accepted', duplicate: true });
    const ids = new Set(
      [first, again, retried].map((r) =>
        r?.status === 'accepted' ? r.conversation?.conversationId : 0,
      ),
    );
    expect(ids.size).toBe(1);
    const [groupId] = [...ids];
    const page = await log(ada, groupId ?? 0);
    expect(page.body.messages.filter((m) => m.message_type === 'system')).toHaveLength(1);
  });

  it('refuses fewer than two others, the creator among them, and unknown people, creating nothing', async () => {
    const [ada, ben] = people as [TestUser, TestUser];
    const tooFew = createGroupOp([ben]);
    const withSelf = createGroupOp([ben, ada]);
    const stranger = { ...createGroupOp([ben]), memberIds: [id(ben), 2_000_000_000] };
    const { results } = await push(ada, [tooFew, withSelf, stranger]);
    expect(results.map((r) => r.status === 'rejected' && r.code)).toEqual([
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'NOT_FOUND',
    ]);
  });

  it('takes sends naming the group by the device’s id in the same push, in order', async () => {
    const [ada, ben, cleo] = people as [TestUser, TestUser, TestUser];
    const create = createGroupOp([ben, cleo], 'Offline-made');
    const first = { ...sendOp(0, 'first'), conversation: { clientConvId: create.clientConvId } };
    const second = { ...sendOp(0, 'second'), conversation: { clientConvId: create.clientConvId } };
    const { results } = await push(ada, [create, first, second]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    const groupId = results[0]?.status === 'accepted' ? results[0].conversation?.conversationId : 0;
    const page = await log(cleo, groupId ?? 0);
    expect(page.body.messages.map((m) => m.content).slice(1)).toEqual(['first', 'second']);
  });
});

describe('[§4a] who may do what in a group', () => {
  it('hides the group from a non-member: 404 on every read, NOT_FOUND on every write', async () => {
    const [ada, ben, cleo, dev] = people as [TestUser, TestUser, TestUser, TestUser];
    const groupId = await createGroup(ada, [ben, cleo]);
    const messageId = await send(ada, groupId, 'members only');
    for (const path of [
      `/api/v1/chat/conversations/${groupId}`,
      `/api/v1/chat/conversations/${groupId}/messages`,
    ]) {
      expect((await rest(server.url, 'GET', path, { token: dev.token })).status).toBe(404);
    }
    const { results } = await push(dev, [
      sendOp(groupId, 'let me in'),
      changeOp(groupId, { type: 'add', userIds: [id(dev)] }),
      {
        opId: randomUUID(),
        kind: 'react',
        message: { messageId },
        emoji: '👍',
        isOn: true,
        at: new Date().toISOString(),
      },
      { opId: randomUUID(), kind: 'readUpTo', conversationId: groupId, messageId },
    ]);
    expect(results.map((r) => r.status === 'rejected' && r.code)).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
    ]);
    await expect(
      trpcClient(server.url, dev.token).groups.receiptDetails.query({
        conversationId: groupId,
        messageId,
      }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    expect((await pullAll(dev)).conversations.some((c) => c.conversationId === groupId)).toBe(
      false,
    );
  });

  it('lets only admins rename, add and remove; a member’s attempt changes nothing', async () => {
    const [ada, ben, cleo, dev] = people as [TestUser, TestUser, TestUser, TestUser];
    const groupId = await createGroup(ada, [ben, cleo], 'Before');
    for (const wanted of [
      { type: 'rename', title: 'Hijacked' },
      { type: 'add', userIds: [id(dev)] },
      { type: 'remove', userId: id(cleo) },
    ] satisfies GroupChange[]) {
      expect(await change(ben, groupId, wanted)).toMatchObject({
        status: 'rejected',
        code: 'FORBIDDEN',
      });
    }
    const group = await rest<{ title: string; members: { user_id: number }[] }>(
      server.url,
      'GET',
      `/api/v1/chat/conversations/${groupId}`,
      { token: ben.token },
    );
    expect(group.body.title).toBe('Before');
    expect(group.body.members.map((m) => m.user_id)).toEqual([id(ada), id(ben), id(cleo)]);
    expect((await log(ben, groupId)).body.messages).toHaveLength(1);

    expect(await change(ada, groupId, { type: 'rename', title: 'After' })).toMatchObject({
      status: 'accepted',
    });
    const renamed = await rest<{ title: string }>(
      server.url,
      'GET',
      `/api/v1/chat/conversations/${groupId}`,
      {
        token: cleo.token,
      },
    );
    expect(renamed.body.title).toBe('After');
  });

  it('leaves a removed member the log up to their removal, read-only, and nothing after it', async () => {
    const [ada, ben, cleo] = people as [TestUser, TestUser, TestUser];
    const groupId = await createGroup(ada, [ben, cleo]);
    await send(cleo, groupId, 'before');
    const { cursor } = await pullAll(cleo);
    const realtime = trpcRealtimeClient(server.url, cleo.token);
    const events: LiveEvent[] = [];
    const stop = listenLive(realtime, (event) => events.push(event));
    await waitFor(() => events.some((e) => e.type === 'hello'), { what: 'hello' });
    try {
      const removal = await change(ada, groupId, { type: 'remove', userId: id(cleo) });
      expect(removal).toMatchObject({ status: 'accepted' });
      const removalId = removal?.status === 'accepted' ? (removal.message?.messageId ?? 0) : 0;
      // Told at once: the group is now read-only for them, up to the removal.
      const told = await waitFor(
        () =>
          events.find(
            (e) =>
              e.type === 'changes' && e.changes.conversations.some((c) => c.leftUpTo === removalId),
          ),
        { what: 'the removal reaching the removed member' },
      );
      expect(told.type === 'changes' && told.changes.rosters).toEqual([]);
      await send(ada, groupId, 'after');
      await send(ben, groupId, 'after, too');

      const refused = (await push(cleo, [sendOp(groupId, 'can I still write?')])).results[0];
      expect(refused).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
      const overRest = await rest(server.url, 'POST', '/api/v1/chat/messages', {
        token: cleo.token,
        body: { conversation_id: groupId, content: 'or over REST?' },
      });
      expect(overRest.status).toBe(403);
      expect(await change(cleo, groupId, { type: 'leave' })).toMatchObject({
        status: 'rejected',
        code: 'FORBIDDEN',
      });

      // What changed after the removal stays unknown to her: the title, who is in it,
      // the last message.
      expect(await change(ada, groupId, { type: 'rename', title: 'Without Cleo' })).toMatchObject({
        status: 'accepted',
      });
      const listed = await rest<{
        conversations: {
          conversation_id: number;
          title: string;
          members: unknown[];
          last_message: { content: string };
        }[];
      }>(server.url, 'GET', '/api/v1/chat/conversations', { token: cleo.token });
      const seenByCleo = listed.body.conversations.find((c) => c.conversation_id === groupId);
      expect(seenByCleo).toMatchObject({
        members: [],
        last_message: { content: 'Ada removed Cleo' },
      });
      expect(seenByCleo?.title).not.toBe('Without Cleo');
      const page = await log(cleo, groupId);
      expect(page.status).toBe(200);
      expect(page.body.messages.map((m) => m.content)).toEqual([
        expect.stringContaining('created the group'),
        'before',
        'Ada removed Cleo',
      ]);
      const since = await pullAll(cleo, cursor);
      expect(since.messages.map((m) => m.content)).toEqual(['Ada removed Cleo']);
      expect(since.conversations.find((c) => c.conversationId === groupId)?.leftUpTo).toBe(
        removalId,
      );
      expect(since.removed).toEqual([]);
      const fresh = await pullAll(cleo);
      expect(
        fresh.messages.filter((m) => m.conversationId === groupId).map((m) => m.content),
      ).toEqual([expect.stringContaining('created the group'), 'before', 'Ada removed Cleo']);
      // Nothing of what was said after the removal came live either.
      const liveTexts = events.flatMap((e) =>
        e.type === 'changes' ? e.changes.messages.map((m) => m.content) : [],
      );
      expect(liveTexts).not.toContain('after');
      expect(liveTexts).not.toContain('after, too');
    } finally {
      stop();
      realtime.close();
    }
  });

  it('shows a member added later the log from the message that added them', async () => {
    const [ada, ben, cleo, dev] = people as [TestUser, TestUser, TestUser, TestUser];
    const groupId = await createGroup(ada, [ben, cleo]);
    await send(ben, groupId, 'said before Dev came');
    expect(await change(ada, groupId, { type: 'add', userIds: [id(dev)] })).toMatchObject({
      status: 'accepted',
    });
    await send(dev, groupId, 'hello all');
    expect((await log(dev, groupId)).body.messages.map((m) => m.content)).toEqual([
      'Ada added Dev',
      'hello all',
    ]);
    const pulled = await pullAll(dev);
    expect(
      pulled.messages.filter((m) => m.conversationId === groupId).map((m) => m.content),
    ).toEqual(['Ada added Dev', 'hello all']);
    expect(
      pulled.rosters.find((r) => r.conversationId === groupId)?.members.map((m) => m.userId),
    ).toContain(id(dev));
  });

  it('hands the admin role to the longest-standing member when the last admin leaves', async () => {
    const [ada, ben, cleo] = people as [TestUser, TestUser, TestUser];
    const groupId = await createGroup(ada, [ben, cleo]);
    expect(await change(ada, groupId, { type: 'leave' })).toMatchObject({ status: 'accepted' });
    const { rosters } = await pullAll(ben);
    const roster = rosters.find((r) => r.conversationId === groupId);
    expect(roster?.members.map((m) => [m.userId, m.role])).toEqual([
      [id(ben), 'admin'],
      [id(cleo), 'member'],
    ]);
    expect(await change(ben, groupId, { type: 'rename', title: 'Ben’s now' })).toMatchObject({
      status: 'accepted',
    });
  });

  it('applies a membership change once however often it is pushed, and a repeat of a done change is done', async () => {
    const [ada, ben, cleo, dev, eve] = people as [TestUser, TestUser, TestUser, TestUser, TestUser];
    const groupId = await createGroup(ada, [ben, cleo]);
    const add = changeOp(groupId, { type: 'add', userIds: [id(dev)] });
    const [first, again] = (await push(ada, [add, add])).results;
    const retried = (await push(ada, [add])).results[0];
    expect(first).toMatchObject({ status: 'accepted' });
    expect(again).toMatchObject({ status: 'accepted', duplicate: true });
    expect(retried).toMatchObject({ status: 'accepted', duplicate: true });
    // Another admin's offline copy of the same change finds it done.
    expect(await change(ada, groupId, { type: 'add', userIds: [id(dev)] })).toMatchObject({
      status: 'accepted',
    });
    const systems = (await log(ada, groupId)).body.messages.filter(
      (m) => m.message_type === 'system',
    );
    expect(systems.map((m) => m.content)).toEqual([
      expect.stringContaining('created'),
      'Ada added Dev',
    ]);
    // A group holds at most 256.
    const tooMany = await change(ada, groupId, {
      type: 'add',
      userIds: Array.from({ length: 253 }, (_, i) => 1_000_000 + i),
    });
    expect(tooMany).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED' });
    expect(await change(ada, groupId, { type: 'add', userIds: [id(eve)] })).toMatchObject({
      status: 'accepted',
    });
  });
});

describe('[§4a] the edges of a group', () => {
  it('a member may not quote what was said before they joined, nor rewrite or react to a group notice', async () => {
    const [ada, ben, cleo, dev] = people as [TestUser, TestUser, TestUser, TestUser];
    const groupId = await createGroup(ada, [ben, cleo]);
    const secret = await send(ada, groupId, 'said before Dev came');
    await change(ada, groupId, { type: 'add', userIds: [id(dev)] });
    const quoting = { ...sendOp(groupId, 'what did you say?'), replyTo: { messageId: secret } };
    expect((await push(dev, [quoting])).results[0]).toMatchObject({
      status: 'rejected',
      code: 'VALIDATION_FAILED',
    });
    const notices = (await log(ada, groupId)).body.messages.filter(
      (m) => m.message_type === 'system',
    );
    const created = (await pullAll(ada)).messages.find(
      (m) => m.messageId === notices[0]?.message_id,
    );
    const { results } = await push(ada, [
      {
        opId: randomUUID(),
        kind: 'edit',
        clientMsgId: created?.clientMsgId,
        content: 'Ben left the group',
      },
      { opId: randomUUID(), kind: 'delete', clientMsgId: created?.clientMsgId },
      {
        opId: randomUUID(),
        kind: 'react',
        message: { messageId: notices[0]?.message_id },
        emoji: '👍',
        isOn: true,
        at: new Date().toISOString(),
      },
    ]);
    expect(results.map((r) => r.status === 'rejected' && r.code)).toEqual([
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
    ]);
    expect((await log(ben, groupId)).body.messages[0]?.content).toContain('created the group');
  });

  it('one who left learns nothing more of who is in the group or who read what', async () => {
    const [ada, ben, cleo, dev] = people as [TestUser, TestUser, TestUser, TestUser];
    const create = createGroupOp([ben, cleo]);
    const [created] = (await push(ada, [create])).results;
    const groupId =
      created?.status === 'accepted' ? (created.conversation?.conversationId ?? 0) : 0;
    const messageId = await send(ada, groupId, 'before I go');
    await change(ada, groupId, { type: 'leave' });
    await change(ben, groupId, { type: 'add', userIds: [id(dev)] });
    const retried = (await push(ada, [create])).results[0];
    expect(retried).toMatchObject({ status: 'accepted', duplicate: true });
    expect(retried?.status === 'accepted' && retried.roster).toBeFalsy();
    await expect(
      trpcClient(server.url, ada.token).groups.receiptDetails.query({
        conversationId: groupId,
        messageId,
      }),
    ).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  });

  it('the same change pushed twice at once is applied once, and both copies are accepted', async () => {
    const [ada, ben, cleo] = people as [TestUser, TestUser, TestUser];
    const groupId = await createGroup(ada, [ben, cleo]);
    const leave = changeOp(groupId, { type: 'leave' });
    const answers = await Promise.all([push(cleo, [leave]), push(cleo, [leave])]);
    const results = answers.map((a) => a.results[0]);
    expect(results.map((r) => r?.status)).toEqual(['accepted', 'accepted']);
    expect(results.filter((r) => r?.status === 'accepted' && r.duplicate)).toHaveLength(1);
    const systems = (await log(ada, groupId)).body.messages.filter(
      (m) => m.message_type === 'system',
    );
    expect(systems.map((m) => m.content)).toEqual([
      expect.stringContaining('created'),
      'Cleo left the group',
    ]);
  });

  it('[§3.3–§3.4] a head check gives a group one was removed from its version, so a device that heard only of the removal fetches the end of its stay; a full pass gives none', async () => {
    const [ada, ben, cleo] = people as [TestUser, TestUser, TestUser];
    const groupId = await createGroup(ada, [ben, cleo]);
    const { cursor } = await pullAll(cleo);
    await send(ada, groupId, 'said before she goes');
    await change(ada, groupId, { type: 'remove', userId: id(cleo) });
    const pull = (check: boolean) =>
      trpcClient(server.url, cleo.token).sync.pull.query({
        protocolVersion: PROTOCOL_VERSION,
        cursor,
        check,
      });
    const versionOf = (page: PullResult) =>
      page.changes.versions.filter((v) => v.conversationId === groupId);
    const check = await pull(true);
    expect(check.changes.conversations).toMatchObject([{ conversationId: groupId }]);
    expect(versionOf(check)).toEqual([{ conversationId: groupId, from: null, to: 3 }]);
    const full = await pull(false);
    expect(full.changes.messages.map((m) => m.content)).toEqual([
      'said before she goes',
      'Ada removed Cleo',
    ]);
    expect(versionOf(full)).toEqual([]);
  });
});

describe('[§3.5] receipts in a group', () => {
  it('say delivered and read only once every other member has, and who and when', async () => {
    const [ada, ben, cleo] = people as [TestUser, TestUser, TestUser];
    const groupId = await createGroup(ada, [ben, cleo]);
    const messageId = await send(ada, groupId, 'Who is coming on Saturday?');
    const receipt = (user: TestUser, kind: 'deliveredUpTo' | 'readUpTo') =>
      push(user, [{ opId: randomUUID(), kind, conversationId: groupId, messageId }]);
    const status = async () =>
      (await log(ada, groupId)).body.messages.find((m) => m.message_id === messageId) as
        | { status?: string }
        | undefined;
    const details = () =>
      trpcClient(server.url, ada.token).groups.receiptDetails.query({
        conversationId: groupId,
        messageId,
      });

    await receipt(ben, 'readUpTo');
    expect((await status())?.status).toBe('sent');
    let seen = await details();
    expect(seen.members.map((m) => [m.displayName, m.isDelivered, m.isRead])).toEqual([
      ['Ben', true, true],
      ['Cleo', false, false],
    ]);
    expect(seen.members[0]?.readAt).toEqual(expect.any(String));
    expect(seen.members[1]?.readAt).toBeNull();

    await receipt(cleo, 'deliveredUpTo');
    expect((await status())?.status).toBe('delivered');
    await receipt(cleo, 'readUpTo');
    expect((await status())?.status).toBe('read');
    seen = await details();
    expect(seen.members.every((m) => m.isRead && m.readAt !== null && m.deliveredAt !== null)).toBe(
      true,
    );

    // A repeated receipt changes nothing; only the sender asks for the details.
    expect((await receipt(cleo, 'readUpTo')).results[0]).toMatchObject({
      status: 'accepted',
      duplicate: true,
    });
    await expect(
      trpcClient(server.url, ben.token).groups.receiptDetails.query({
        conversationId: groupId,
        messageId,
      }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });
});

describe('[§5] groups over REST', () => {
  it('lists groups with the seed’s columns plus members, finds them by title and by a member’s name', async () => {
    const [ada, ben, cleo] = people as [TestUser, TestUser, TestUser];
    const groupId = await createGroup(ada, [ben, cleo], 'Garden swap');
    type Listed = {
      conversation_id: number;
      user1_id: number;
      other_user: unknown;
      members?: { display_name: string; role: string }[];
    };
    const list = async (search: string) =>
      (
        await rest<{ conversations: Listed[] }>(
          server.url,
          'GET',
          `/api/v1/chat/conversations?search=${encodeURIComponent(search)}`,
          { token: cleo.token },
        )
      ).body.conversations;
    const [byTitle] = (await list('Garden')).filter((c) => c.conversation_id === groupId);
    expect(byTitle).toMatchObject({ user1_id: id(ada), other_user: null });
    expect(byTitle?.members?.map((m) => [m.display_name, m.role])).toEqual([
      ['Ada', 'admin'],
      ['Ben', 'member'],
      ['Cleo', 'member'],
    ]);
    expect((await list('Ben')).some((c) => c.conversation_id === groupId)).toBe(true);
    // A message posted over REST goes into the group like any other.
    const posted = await rest(server.url, 'POST', '/api/v1/chat/messages', {
      token: ben.token,
      body: { conversation_id: groupId, content: 'via REST' },
    });
    expect(posted.status).toBe(201);
  });
});
