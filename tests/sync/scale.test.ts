// [S3.3] A user with 20,000 conversations: an empty device syncs all of them with a cursor
// that stays a few dozen characters, and then hears a new message on its live stream.
// The conversations are written straight to the database (the rows the API writes).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LIMITS } from '../../shared/limits.ts';
import { rest } from '../support/clients.ts';
import {
  type Device,
  openDevice,
  type SyncServer,
  seedConversations,
  seedSession,
  seedUsers,
  startSyncServer,
  waitFor,
} from './support.ts';

const CONVERSATIONS = 20_000;
let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer('scale');
});
afterAll(async () => {
  await server?.dispose();
});

test(`[S3.3] a user with ${CONVERSATIONS.toLocaleString('en')} conversations syncs them all from an empty device, then hears a new message live`, async () => {
  const [una] = await seedUsers(server, 'Una');
  const partnerId = await seedConversations(server.sql, una!.user.userId, CONVERSATIONS);
  let device: Device | null = null;
  try {
    const cursors: string[] = [];
    device = openDevice(server, una!, 'una', { watchStatuses: false });
    const pull = device.transport.pull.bind(device.transport);
    device.transport.pull = async (request) => {
      const page = await pull(request);
      cursors.push(page.cursor);
      return page;
    };
    const d = device;
    await waitFor(async () => (await d.db.conversations.count()) === CONVERSATIONS, {
      what: `${CONVERSATIONS} conversations on the device`,
      timeoutMs: 240_000,
      intervalMs: 250,
    });
    expect(Math.max(...cursors.map((c) => c.length))).toBeLessThan(LIMITS.cursorMaxChars / 4);

    await waitFor(() => d.engine.getStatus().connectivity === 'online', { what: 'online' });
    const token = await seedSession(server, partnerId);
    const [row] = await server.sql.$queryRawUnsafe<{ conversation_id: number }[]>(
      'SELECT conversation_id FROM conversations WHERE user1_id = ? AND user2_id = ?',
      partnerId,
      una!.user.userId,
    );
    const pullsBefore = cursors.length;
    const sentAt = Date.now();
    const sent = await rest(server.url, 'POST', '/api/v1/chat/messages', {
      token,
      body: { conversation_id: row!.conversation_id, content: 'are you there?' },
    });
    expect(sent.status).toBe(201);
    await waitFor(async () => (await d.db.messages.count()) === 1, { what: 'the new message' });
    expect(Date.now() - sentAt).toBeLessThan(3_000);
    // It came on the live stream, not by pulling.
    expect(cursors.length).toBe(pullsBefore);
  } finally {
    await device?.close();
  }
}, 300_000);
