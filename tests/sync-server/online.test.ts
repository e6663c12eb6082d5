// [§4] Who is online, for the conversation list: the live subscription starts with a
// snapshot of the partners online and then carries their transitions, also across
// instances over Redis, and when one of them dies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceEvent } from '../../shared/sync/protocol.ts';
import {
  createUser,
  listenLive,
  rest,
  type TestUser,
  trpcRealtimeClient,
  waitFor,
} from '../support/clients.ts';
import { type FreshDatabase, freshDatabase } from '../support/database.ts';
import { type ProcessServer, startProcessServer } from '../support/process-server.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

function watch(url: string, user: TestUser) {
  const realtime = trpcRealtimeClient(url, user.token);
  const presence: PresenceEvent[] = [];
  const stop = listenLive(realtime, (e) => {
    if (e.type === 'presence') presence.push(e);
  });
  return {
    presence,
    stop() {
      stop();
      realtime.close();
    },
  };
}

async function pair(url: string) {
  const [alice, bob] = await Promise.all([createUser(url, 'Alice'), createUser(url, 'Bob')]);
  await rest(url, 'POST', '/api/v1/chat/conversations', {
    token: alice.token,
    body: { other_user_id: bob.user.userId },
  });
  return { alice, bob };
}

describe.each([
  ['one instance', undefined],
  ['two instances over Redis', process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'],
] as const)('online partners, %s', (_label, redisUrl) => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer({ label: 'online', ...(redisUrl ? { redisUrl } : {}) });
    second = redisUrl ? await startTestServer({ database: first.database, redisUrl }) : first;
  });
  afterAll(async () => {
    if (second !== first) await second.close();
    await first?.dispose();
  });

  it('starts with a snapshot, then announces a partner coming online and going offline', async () => {
    const { alice, bob } = await pair(first.url);
    const bobWatch = watch(first.url, bob);
    try {
      await waitFor(() => bobWatch.presence[0], { what: 'the snapshot' });
      expect(bobWatch.presence[0]).toEqual({
        type: 'presence',
        snapshot: true,
        online: [],
        offline: [],
      });

      const aliceWatch = watch(second.url, alice);
      await waitFor(() => aliceWatch.presence[0], { what: "alice's snapshot" });
      expect(aliceWatch.presence[0]?.online).toEqual([bob.user.userId]);
      await waitFor(() => bobWatch.presence.find((p) => p.online.includes(alice.user.userId)), {
        what: 'alice online',
      });

      aliceWatch.stop();
      await waitFor(() => bobWatch.presence.find((p) => p.offline.includes(alice.user.userId)), {
        what: 'alice offline',
      });
    } finally {
      bobWatch.stop();
    }
  });

  it('a user stays online while a second device is still connected', async () => {
    const { alice, bob } = await pair(first.url);
    const bobWatch = watch(first.url, bob);
    const laptop = watch(first.url, alice);
    const phone = watch(second.url, alice);
    try {
      await waitFor(() => laptop.presence[0] && phone.presence[0], { what: 'both devices' });
      await waitFor(() => bobWatch.presence.find((p) => p.online.includes(alice.user.userId)), {
        what: 'alice online',
      });
      laptop.stop();
      const marker = watch(first.url, bob);
      await waitFor(() => marker.presence[0], { what: 'a fresh snapshot' });
      expect(marker.presence[0]?.online).toEqual([alice.user.userId]);
      marker.stop();
      expect(bobWatch.presence.some((p) => p.offline.includes(alice.user.userId))).toBe(false);
    } finally {
      phone.stop();
      bobWatch.stop();
    }
  });
});

describe('[§7] online partners when an instance dies without a word (SIGKILL)', () => {
  const LEASE_MS = 1_500;
  let database: FreshDatabase;
  const servers: ProcessServer[] = [];
  const start = async () => {
    const server = await startProcessServer({
      DATABASE_URL: database.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      ONLINE_LEASE_MS: String(LEASE_MS),
    });
    servers.push(server);
    return server;
  };
  const kill = (server: ProcessServer) =>
    new Promise<void>((resolve) => {
      server.child.once('exit', () => resolve());
      server.child.kill('SIGKILL');
    });
  beforeAll(async () => {
    database = await freshDatabase('onlinekill');
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  it('the survivor announces the dead instance’s users offline once their lease runs out', async () => {
    const [doomed, survivor] = [await start(), await start()];
    const { alice, bob } = await pair(survivor.url);
    const bobWatch = watch(survivor.url, bob);
    const aliceWatch = watch(doomed.url, alice);
    try {
      await waitFor(() => bobWatch.presence.find((p) => p.online.includes(alice.user.userId)), {
        what: 'alice online',
      });
      await kill(doomed);
      await waitFor(() => bobWatch.presence.find((p) => p.offline.includes(alice.user.userId)), {
        timeoutMs: LEASE_MS * 4,
        what: 'alice offline after her instance died',
      });
    } finally {
      aliceWatch.stop();
      bobWatch.stop();
    }
  });

  it('a user who also holds a device on the survivor stays online, and goes offline when it leaves', async () => {
    const [doomed, survivor] = [await start(), await start()];
    const { alice, bob } = await pair(survivor.url);
    const bobWatch = watch(survivor.url, bob);
    const laptop = watch(doomed.url, alice);
    const phone = watch(survivor.url, alice);
    try {
      await waitFor(() => laptop.presence[0] && phone.presence[0], { what: 'both devices' });
      await kill(doomed);
      // Past the dead instance's lease and a sweep, alice is still online through her phone.
      await new Promise((r) => setTimeout(r, LEASE_MS * 2));
      expect(bobWatch.presence.some((p) => p.offline.includes(alice.user.userId))).toBe(false);
      phone.stop();
      await waitFor(() => bobWatch.presence.find((p) => p.offline.includes(alice.user.userId)), {
        what: 'alice offline once her last device left',
      });
    } finally {
      laptop.stop();
      bobWatch.stop();
    }
  });
});
