// Delivery latency from a send on one client to the message on the other's live stream,
// with 1,000 connected clients: at 500 messages/s offered, at 50/s (the path itself,
// unloaded), and at a rate past saturation (what the server can deliver). Server memory
// per idle connected client. Clients are protocol clients without a local database, one
// WebSocket each that carries their live stream and their pushes, as the app's does.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PROTOCOL_VERSION } from '../shared/sync/protocol.ts';
import { trpcSocketClient, waitFor } from '../tests/support/clients.ts';
import { freePort } from '../tests/support/process-server.ts';
import { connectMemoryProbe } from '../tests/support/server-memory.ts';
import {
  type BenchResults,
  messageText,
  pairWithConversation,
  percentile,
  startBenchServer,
} from './support.ts';
import { trpcFloorBytesPerClient } from './trpc-floor.ts';

type Client = ReturnType<typeof trpcSocketClient> & { userId: number; isLive: boolean };

const progress = (what: string) => process.stderr.write(`  realtime: ${what}\n`);

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb * 1024;
}

export async function benchRealtime(scale = 1): Promise<BenchResults> {
  const inspectorPort = await freePort();
  const server = await startBenchServer(
    'rt',
    { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error' },
    [`--inspect=127.0.0.1:${inspectorPort}`],
  );
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
    const users = pairs.flatMap(({ a, b }) => [a, b]);
    const byUser = new Map<number, Client>();
    const connect = async (from: number, to: number) => {
      // In waves: a thousand simultaneous handshakes measure the accept queue, not the
      // steady state this bench is about.
      for (let i = from; i < to; i += 50) {
        const wave = users.slice(i, Math.min(i + 50, to)).map((user) => {
          const socket = trpcSocketClient(server.url, user.token);
          const client: Client = { userId: user.user.userId, ...socket, isLive: false };
          client.trpc.sync.live.subscribe(
            { protocolVersion: PROTOCOL_VERSION },
            {
              onData: (event) => {
                if (event.type === 'hello') client.isLive = true;
                if (event.type !== 'changes') return;
                const now = performance.now();
                for (const m of event.changes.messages) {
                  const at = m.senderId !== client.userId ? sentAt.get(m.clientMsgId) : undefined;
                  if (at !== undefined) {
                    latencies.push(now - at);
                    sentAt.delete(m.clientMsgId);
                  }
                }
              },
            },
          );
          clients.push(client);
          byUser.set(client.userId, client);
          return client;
        });
        await waitFor(() => wave.every((c) => c.isLive), {
          timeoutMs: 60_000,
          what: `clients ${i + 1}-${i + wave.length} connected`,
        });
      }
      return memory.liveBytes();
    };
    // Memory per idle client is the slope of live memory (after a full GC) between half
    // and all of them connected, so what the server allocated before does not count.
    const half = Math.floor(users.length / 2);
    const liveHalf = await connect(0, half);
    const liveAll = await connect(half, users.length);
    const rssIdle = await rssBytes(pid);
    progress(`${clients.length} clients connected`);

    /** Sends `rate` messages/s in aggregate for a window; latency of every delivery. */
    const measure = async (rate: number, seconds: number) => {
      latencies.length = 0;
      const total = Math.round(rate * seconds);
      const started = performance.now();
      const sends: Promise<unknown>[] = [];
      let retried = 0;
      const reasons = new Map<string, number>();
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const pair = pairs[i % pairs.length]!;
        const from = i % 2 === 0 ? pair.a : pair.b;
        const clientMsgId = randomUUID();
        sentAt.set(clientMsgId, performance.now());
        const sender = byUser.get(from.user.userId)!;
        const op = {
          opId: randomUUID(),
          kind: 'send' as const,
          conversation: { conversationId: pair.conversationId },
          clientMsgId,
          content: messageText(i),
          messageType: 'text' as const,
        };
        // Open loop: a push that fails is sent again, as the outbox would, and its latency
        // still counts from the first attempt.
        const again = async (why: unknown): Promise<unknown> => {
          retried++;
          const reason =
            why instanceof Error ? why.message : String((why as { reason?: unknown }).reason);
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 100));
          return send();
        };
        const send = (): Promise<unknown> =>
          sender.trpc.sync.push
            .mutate({ protocolVersion: PROTOCOL_VERSION, ops: [op] })
            .then(
              (answer) =>
                answer.results[0]?.status === 'retry' ? again(answer.results[0]) : answer,
              again,
            );
        sends.push(send());
      }
      await Promise.all(sends);
      await waitFor(() => sentAt.size === 0, {
        timeoutMs: 180_000,
        what: 'every message delivered',
      }).catch((error: unknown) => {
        throw new Error(`${sentAt.size} of ${total} not delivered, ${retried} resent`, {
          cause: error,
        });
      });
      const achieved = total / ((performance.now() - started) / 1000);
      latencies.sort((x, y) => x - y);
      progress(`${total} messages offered at ${rate}/s: ${achieved.toFixed(0)}/s delivered`);
      for (const [reason, count] of reasons) progress(`  resent ${count}×: ${reason}`);
      return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), achieved, retried };
    };
    const window = Math.max(3, Math.round(10 * scale));
    const target = await measure(Number(process.env.BENCH_RT_RATE ?? 500), window);
    await new Promise((r) => setTimeout(r, 2000));
    const light = await measure(50, window);
    await new Promise((r) => setTimeout(r, 2000));
    // Past saturation: offered faster than the server can go, what comes out is its rate.
    const flood = await measure(
      Number(process.env.BENCH_RT_FLOOD ?? 3000),
      Math.max(2, window / 2),
    );
    return {
      latency_p50_ms: target.p50,
      latency_p99_ms: target.p99,
      latency_clients: clients.length,
      latency_achieved_msgs_per_s: flood.achieved,
      latency_retried_sends: target.retried + flood.retried,
      latency_p50_ms_at_50_per_s: light.p50,
      latency_p99_ms_at_50_per_s: light.p99,
      latency_achieved_at_500_per_s: target.achieved,
      latency_p50_ms_saturated: flood.p50,
      bytes_per_idle_client: (liveAll - liveHalf) / (users.length - half),
      bytes_per_idle_client_trpc_floor: await trpcFloorBytesPerClient(users.length),
      server_rss_idle_bytes: rssIdle,
    };
  } finally {
    for (const c of clients) c.close();
    memory.close();
    await server.dispose();
  }
}
