// [§4] Presence in a group: every current member may join its room and sees who of the
// others is typing; one who leaves or is removed is dropped from it at once and may not
// come back, though they still read the log (docs/groups.md).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { createUser, type TestUser, trpcClient, waitFor } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  handshakeStatus,
  openPresence,
  openRawSocket,
  peerMatches,
  presenceUrl,
  type RawSocket,
  within,
} from './presence-fixture.ts';

let server: TestServer;
let ada: TestUser;
let ben: TestUser;
let cleo: TestUser;
let groupId: number;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({ label: 'presence_groups' });
  [ada, ben, cleo] = await Promise.all([
    createUser(server.url, 'Ada'),
    createUser(server.url, 'Ben'),
    createUser(server.url, 'Cleo'),
  ]);
  const { results } = await trpcClient(server.url, ada.token).sync.push.mutate({
    protocolVersion: PROTOCOL_VERSION,
    ops: [
      {
        opId: randomUUID(),
        kind: 'createGroup',
        clientConvId: randomUUID(),
        title: 'Typing club',
        memberIds: [ben.user.userId, cleo.user.userId],
        conversationType: 'general',
        contextId: null,
        contextTitle: null,
      },
    ],
  });
  const [created] = results;
  if (created?.status !== 'accepted' || !created.conversation) throw new Error('no group');
  groupId = created.conversation.conversationId;
});

afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await server?.dispose();
});

const room = () => `conversation-${groupId}`;

describe('[§4] presence in a group', () => {
  it('tells each member who of the others is typing, by the names the server stamped', async () => {
    const [a, b, c] = [ada, ben, cleo].map((user) => openPresence(server, user, groupId));
    try {
      await Promise.all([a, b, c].map((client) => peerMatches(client!, { online: true }, 5000)));
      b!.setTyping(true);
      c!.setTyping(true);
      await waitFor(() => a!.peer().typingUsers.length === 2, { what: 'two typing' });
      expect(
        a!
          .peer()
          .typingUsers.map((u) => u.displayName)
          .sort(),
      ).toEqual(['Ben', 'Cleo']);
      b!.setTyping(false);
      await waitFor(() => a!.peer().typingUsers.length === 1, { what: 'one typing' });
      expect(a!.peer().typingUsers.map((u) => u.displayName)).toEqual(['Cleo']);
    } finally {
      for (const client of [a, b, c]) client?.destroy();
    }
  });

  it('drops a removed member from the room at once and refuses them after', async () => {
    const cleoSocket = await openRawSocket(presenceUrl(server, room(), cleo.token));
    sockets.push(cleoSocket);
    expect(await handshakeStatus(presenceUrl(server, room(), ben.token))).toBe(101);

    const { results } = await trpcClient(server.url, ada.token).sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops: [
        {
          opId: randomUUID(),
          kind: 'changeGroup',
          conversation: { conversationId: groupId },
          change: { type: 'remove', userId: cleo.user.userId },
        },
      ],
    });
    expect(results[0]).toMatchObject({ status: 'accepted' });
    expect(await within(5000, cleoSocket.closed, 'the removed member’s socket closed')).toBe(4403);
    expect(await handshakeStatus(presenceUrl(server, room(), cleo.token))).toBe(404);
    expect(await handshakeStatus(presenceUrl(server, room(), ben.token))).toBe(101);
  });
});
