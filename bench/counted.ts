// Counted, machine-independent figures (docs/sync.md): SQL statements per message on the
// wire to MariaDB, IndexedDB write transactions per message on each device, and the size
// of a cursor (and the statements of one pull) for a user with 100,000 conversations.
//
// The message cycle is the product's: two real engines (Node, fake-indexeddb), the
// server in its own process talking to MariaDB through a counting proxy. One message at
// a time: Alice sends; once Alice sees it delivered, Bob reads it; done when Alice sees it
// read. Everything the server asks the database in between counts, head checks included.

import { formatDatabaseUrl } from '../server/db/connection.ts';
import { createPrisma } from '../server/db/prisma.ts';
import { PROTOCOL_VERSION } from '../shared/sync/protocol.ts';
import { createUser, rest, trpcClient, waitFor } from '../tests/support/clients.ts';
import { freshDatabase } from '../tests/support/database.ts';
import { startProcessServer } from '../tests/support/process-server.ts';
import {
  conversationWith,
  type Device,
  openDevice,
  seedConversations,
  seedSession,
  shownMessages,
} from '../tests/sync/support.ts';
import { startSqlCounter } from './sql-counter.ts';
import type { BenchResults } from './support.ts';

const progress = (what: string) => process.stderr.write(`  counted: ${what}\n`);

async function counted(label: string) {
  const database = await freshDatabase(`bench${label}`);
  const counter = await startSqlCounter({
    host: database.address.host,
    port: database.address.port,
  });
  const server = await startProcessServer({
    DATABASE_URL: formatDatabaseUrl({ ...database.address, host: '127.0.0.1', port: counter.port }),
    LOG_LEVEL: 'error',
  });
  return {
    database,
    counter,
    server,
    async dispose() {
      await server.stop();
      await counter.close();
      await database.drop();
    },
  };
}

async function messageCycle(scale: number): Promise<BenchResults> {
  const setup = await counted('cycle');
  const devices: Device[] = [];
  try {
    const [alice, bob] = await Promise.all([
      createUser(setup.server.url, 'Alice'),
      createUser(setup.server.url, 'Bob'),
    ]);
    const writes = { alice: 0, bob: 0 };
    const sender = openDevice(setup.server, alice, 'alice', {
      watchStatuses: false,
      onWriteTransaction: () => writes.alice++,
    });
    const recipient = openDevice(setup.server, bob, 'bob', {
      watchStatuses: false,
      onWriteTransaction: () => writes.bob++,
    });
    devices.push(sender, recipient);
    await waitFor(
      () =>
        sender.engine.getStatus().connectivity === 'online' &&
        recipient.engine.getStatus().connectivity === 'online',
      { what: 'both online', timeoutMs: 30_000 },
    );
    const convKey = await conversationWith(sender, bob);
    const statusOf = async (clientMsgId: string) =>
      (await shownMessages(sender)).find((m) => m.clientMsgId === clientMsgId)?.shown;
    const cycle = async (i: number) => {
      const id = await sender.engine.sendMessage(convKey, `counted message ${i}`);
      await waitFor(async () => (await statusOf(id)) === 'delivered', {
        what: `message ${i} delivered`,
        timeoutMs: 30_000,
        intervalMs: 5,
      });
      const [conversation] = await recipient.db.conversations.toArray();
      await recipient.engine.markSeen(conversation!.key);
      await waitFor(async () => (await statusOf(id)) === 'read', {
        what: `message ${i} read`,
        timeoutMs: 30_000,
        intervalMs: 5,
      });
      await Promise.all([sender.engine.whenIdle(), recipient.engine.whenIdle()]);
    };
    // Warm: the conversation exists on both sides, pools are open, caches are filled.
    for (let i = 0; i < 3; i++) await cycle(-i);
    // Pools open their connections in the background (two SETs each): wait until they
    // stop, so connection setup does not count as work per message.
    for (let sets = -1; sets !== (setup.counter.counts().byVerb.SET ?? 0); ) {
      sets = setup.counter.counts().byVerb.SET ?? 0;
      await new Promise((r) => setTimeout(r, 1500));
    }
    const count = Math.max(20, Math.round(100 * scale));
    setup.counter.reset();
    writes.alice = 0;
    writes.bob = 0;
    for (let i = 0; i < count; i++) await cycle(i);
    const sql = setup.counter.counts();
    const cycleWrites = { ...writes };
    progress(
      `${count} messages one at a time: ${JSON.stringify(sql)}; writes ${JSON.stringify(writes)}`,
    );

    // Bursts: ten messages sent back to back, then read together, as people write.
    const burst = async (b: number) => {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++)
        ids.push(await sender.engine.sendMessage(convKey, `burst ${b}.${i}`));
      const all = async (status: string) => {
        const shown = await shownMessages(sender);
        return ids.every((id) => shown.find((m) => m.clientMsgId === id)?.shown === status);
      };
      await waitFor(() => all('delivered'), {
        what: `burst ${b} delivered`,
        timeoutMs: 30_000,
        intervalMs: 5,
      });
      const [conversation] = await recipient.db.conversations.toArray();
      await recipient.engine.markSeen(conversation!.key);
      await waitFor(() => all('read'), {
        what: `burst ${b} read`,
        timeoutMs: 30_000,
        intervalMs: 5,
      });
      await Promise.all([sender.engine.whenIdle(), recipient.engine.whenIdle()]);
    };
    const bursts = Math.max(2, Math.round(10 * scale));
    setup.counter.reset();
    writes.alice = 0;
    writes.bob = 0;
    for (let b = 0; b < bursts; b++) await burst(b);
    const burstSql = setup.counter.counts();
    const burstMessages = bursts * 10;
    progress(
      `${bursts} bursts of 10: ${JSON.stringify(burstSql)}; writes ${JSON.stringify(writes)}`,
    );
    return {
      sql_statements_per_message: sql.statements / count,
      sql_pings_per_message: sql.pings / count,
      idb_write_tx_per_message_sender: cycleWrites.alice / count,
      idb_write_tx_per_message_recipient: cycleWrites.bob / count,
      counted_messages: count,
      sql_statements_per_message_burst10: burstSql.statements / burstMessages,
      idb_write_tx_per_message_sender_burst10: writes.alice / burstMessages,
      idb_write_tx_per_message_recipient_burst10: writes.bob / burstMessages,
    };
  } finally {
    await Promise.all(devices.map((d) => d.close()));
    await setup.dispose();
  }
}

async function largeAccount(scale: number): Promise<BenchResults> {
  const setup = await counted('cursor');
  const sql = createPrisma(setup.database.address, 2);
  try {
    const una = await createUser(setup.server.url, 'Una');
    const conversations = Math.max(10_000, Math.round(100_000 * Math.min(scale, 1)));
    const partnerId = await seedConversations(sql, una.user.userId, conversations);
    progress(`${conversations} conversations seeded`);
    const client = trpcClient(setup.server.url, una.token);
    let cursor: string | null = null;
    let longest = 0;
    let pages = 0;
    let seen = 0;
    const started = performance.now();
    for (;;) {
      const page = await client.sync.pull.query({ protocolVersion: PROTOCOL_VERSION, cursor });
      pages++;
      seen += page.changes.conversations.length;
      longest = Math.max(longest, page.cursor.length);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const fullMs = performance.now() - started;
    if (seen < conversations) throw new Error(`pulled ${seen} of ${conversations} conversations`);
    // One new message somewhere: the next pull reads what changed, not 100,000 heads.
    const token = await seedSession({ sql }, partnerId);
    const [row] = await sql.$queryRawUnsafe<{ conversation_id: number }[]>(
      'SELECT conversation_id FROM conversations WHERE user1_id = ?',
      partnerId,
    );
    await rest(setup.server.url, 'POST', '/api/v1/chat/messages', {
      token,
      body: { conversation_id: row!.conversation_id, content: 'one change' },
    });
    setup.counter.reset();
    const incremental = await client.sync.pull.query({ protocolVersion: PROTOCOL_VERSION, cursor });
    const statements = setup.counter.counts().statements;
    if (incremental.changes.messages.length !== 1) throw new Error('the change was not pulled');
    return {
      cursor_bytes_100k_conversations: longest,
      cursor_conversations: conversations,
      pull_pages_100k_conversations: pages,
      pull_full_ms_100k_conversations: fullMs,
      pull_statements_after_one_change_100k: statements,
    };
  } finally {
    await sql.$disconnect();
    await setup.dispose();
  }
}

export async function benchCounted(scale = 1): Promise<BenchResults> {
  return { ...(await messageCycle(scale)), ...(await largeAccount(scale)) };
}
