// Issue 3 (c) and (d): delivery latency from send on one client to stored on the other
// with 1,000 connected clients and 500 messages/s in aggregate, and server memory per idle
// connected client. Clients here are protocol clients (poke subscription over WebSocket,
// push and pull over HTTP) without a local database: the figure is the network path.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PROTOCOL_VERSION } from '../shared/sync/protocol.ts';
import { trpcClient, trpcRealtimeClient, waitFor } from '../tests/support/clients.ts';
import { freePort } from '../tests/support/process-server.ts';
import { connectMemoryProbe } from './server-memory.ts';
import {
  type BenchResults,
  messageText,
  pairWithConversation,
  percentile,
  startBenchServer,
} from './support.ts';

interface Client {
  userId: number;
  http: ReturnType<typeof trpcClient>;
  realtime: ReturnType<typeof trpcRealtimeClient>;
  cursor: string | null;
  pulling: boolean;
  dirty: boolean;
  connected: boolean;
}

const progress = (what: string) => process.stderr.write(`  realtime: ${what}\n`);

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb * 1024;
}

export async function benchRealtime(scale = 1): Promise<BenchResults> {
  const inspectorPort = await freePort();
  const server = await startBenchServer('rt', {}, [`--inspect=127.0.0.1:${inspectorPort}`]);
  const clients: Client[] = [];
  const memory = await connectMemoryProbe(inspectorPort).catch(async (error: unknown) => {
    await server.dispose();
    throw error;
  });
  try {
    const pairCount = Math.max(10, Math.round(500 * Math.min(scale, 1)));
    const pairs: Awaited<ReturnType<typeof pairWithConversation>>[] = [];
    for (let i = 0; i < pairCount; i += 25) {
      pairs.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(25, pairCount - i) }, () =>
            pairWithConversation(server.url),
          ),
        )),
      );
    }
    progress(`${pairs.length} pairs with a conversation`);
    const pid = server.process.child.pid!;

    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const pull = async (client: Client) => {
      if (client.pulling) {
        client.dirty = true;
        return;
      }
      client.pulling = true;
      try {
        do {
          client.dirty = false;
          const page = await client.http.sync.pull.query({
            protocolVersion: PROTOCOL_VERSION,
            cursor: client.cursor,
          });
          client.cursor = page.cursor;
          const now = performance.now();
          for (const m of page.messages) {
            const at = m.senderId !== client.userId ? sentAt.get(m.clientMsgId) : undefined;
            if (at !== undefined) {
              latencies.push(now - at);
              sentAt.delete(m.clientMsgId);
            }
          }
          if (page.hasMore) client.dirty = true;
        } while (client.dirty);
      } finally {
        client.pulling = false;
      }
    };
    const pullSafely = (client: Client): Promise<void> =>
      pull(client).catch(() => {
        // A dropped request: try again shortly, as the engine's backoff would.
        client.pulling = false;
        setTimeout(() => void pullSafely(client), 100);
      });
    const users = pairs.flatMap(({ a, b }) => [a, b]);
    const connect = async (from: number, to: number) => {
      // In waves: a thousand simultaneous handshakes measure the accept queue, not the
      // steady state this bench is about.
      for (let i = from; i < to; i += 50) {
        const wave = users.slice(i, Math.min(i + 50, to)).map((user) => {
          const client: Client = {
            userId: user.user.userId,
            http: trpcClient(server.url, user.token),
            realtime: trpcRealtimeClient(server.url, user.token),
            cursor: null,
            pulling: false,
            dirty: false,
            connected: false,
          };
          client.realtime.client.sync.onPoke.subscribe(undefined, {
            onData: (event) => {
              client.connected = true;
              if (event.data.reason !== 'presence') void pullSafely(client);
            },
          });
          clients.push(client);
          return client;
        });
        await waitFor(() => wave.every((c) => c.connected), {
          timeoutMs: 60_000,
          what: `clients ${i + 1}-${i + wave.length} connected`,
        });
      }
      await waitFor(() => clients.every((c) => !c.pulling), {
        timeoutMs: 120_000,
        what: 'first pulls finished',
      });
      return memory.liveBytes();
    };
    // Memory per idle client is the slope of live memory (after a full GC) between half
    // and all of them connected, so what the server allocated before does not count.
    const half = Math.floor(users.length / 2);
    const liveHalf = await connect(0, half);
    const liveAll = await connect(half, users.length);
    const rssIdle = await rssBytes(pid);
    progress(`${clients.length} clients subscribed`);

    /** Sends `rate` messages/s in aggregate for a window; latency of every delivery. */
    const measure = async (rate: number) => {
      latencies.length = 0;
      const total = rate * Math.max(3, Math.round(10 * scale));
      const started = performance.now();
      const sends: Promise<unknown>[] = [];
      let retried = 0;
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const pair = pairs[i % pairs.length]!;
        const from = i % 2 === 0 ? pair.a : pair.b;
        const clientMsgId = randomUUID();
        sentAt.set(clientMsgId, performance.now());
        const sender = clients.find((c) => c.userId === from.user.userId)!;
        const op = {
          opId: randomUUID(),
          kind: 'send' as const,
          conversation: { conversationId: pair.conversationId },
          clientMsgId,
          content: messageText(i),
          messageType: 'text' as const,
        };
        // Open loop: a push that fails (an overloaded server refuses connections) is sent
        // again, as the outbox would, and its latency still counts from the first attempt.
        const send = (): Promise<unknown> =>
          sender.http.sync.push
            .mutate({ protocolVersion: PROTOCOL_VERSION, ops: [op] })
            .catch(async () => {
              retried++;
              await new Promise((r) => setTimeout(r, 100));
              return send();
            });
        sends.push(send());
      }
      await Promise.all(sends);
      await waitFor(() => sentAt.size === 0, {
        timeoutMs: 180_000,
        what: 'every message delivered',
      });
      const achieved = total / ((performance.now() - started) / 1000);
      latencies.sort((x, y) => x - y);
      progress(`${total} messages at ${rate}/s delivered (${achieved.toFixed(0)}/s achieved)`);
      return {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        achieved,
        retried,
      };
    };
    // The load first; then a tenth of it, to show the latency of the path itself
    // when the server is not saturated (BENCH_RT_RATE overrides the first).
    const target = await measure(Number(process.env.BENCH_RT_RATE ?? 500));
    await new Promise((r) => setTimeout(r, 2000));
    const light = await measure(50);
    return {
      latency_p50_ms: target.p50,
      latency_p99_ms: target.p99,
      latency_clients: clients.length,
      latency_achieved_msgs_per_s: target.achieved,
      latency_retried_sends: target.retried,
      latency_p50_ms_at_50_per_s: light.p50,
      latency_p99_ms_at_50_per_s: light.p99,
      bytes_per_idle_client: (liveAll - liveHalf) / (users.length - half),
      server_rss_idle_bytes: rssIdle,
    };
  } finally {
    for (const c of clients) c.realtime.close();
    memory.close();
    await server.dispose();
  }
}
