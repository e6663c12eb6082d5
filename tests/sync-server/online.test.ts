// [§4] Who is online, for the conversation list: the live subscription starts with a
// snapshot of the partners online and then carries their transitions, also across
// instances over Redis.
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
