// A soak: many signed-in clients, each with the two sockets the app keeps open (its sync
// stream, which also carries its pushes, and the presence room of its open conversation),
// spread over loopback addresses as real users are over the internet, so the server's
// per-address connection cap stays at its default. Messages flow at a steady rate with
// typing before each; a share of the clients sign their sockets out and in again all
// along. While it runs, the server's live memory (after a full collection), its RSS and
// its open file descriptors are sampled.
//
// What a soak proves is what does not change: every message reaches its recipient once,
// nothing errs, and after warm-up memory and descriptors stay where they were.
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { WebSocket } from 'ws';
import {
  createPresenceClient,
  type PresenceClient,
} from '../../renderer/presence/presence-client.ts';
import { parseConfig } from '../../server/config.ts';
import type { AppRouter } from '../../server/routers/index.ts';
import { bearerAuth } from '../../shared/platform/server-auth.ts';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { createUser, rest, type TestUser, waitFor } from '../support/clients.ts';
import { freshDatabase } from '../support/database.ts';
import { freePort, startProcessServer } from '../support/process-server.ts';
import { connectMemoryProbe } from '../support/server-memory.ts';

export interface SoakOptions {
  clients: number;
  messagesPerSecond: number;
  warmUpSeconds: number;
  /** How long traffic runs after warm-up, while samples are kept. */
  seconds: number;
  /** Of every 100 clients, how many keep signing out and in again. */
  churnPercent: number;
  sampleEverySeconds: number;
  redisUrl?: string;
  progress?: (line: string) => void;
}

export interface SoakSample {
  atSeconds: number;
  liveBytes: number;
  rssBytes: number;
  openFiles: number;
}

export interface SoakReport {
  clients: number;
  sockets: number;
  addresses: number;
  sent: number;
  delivered: number;
  duplicates: number;
  undelivered: number;
  reconnects: number;
  errors: number;
  /** The first few errors, for the failure message. */
  errorSamples: string[];
  latencyP50Ms: number;
  latencyP99Ms: number;
  samples: SoakSample[];
  /** Growth of live memory over the measured window, from a least-squares line. */
  liveGrowthBytes: number;
  liveBaselineBytes: number;
  openFilesAtStart: number;
  openFilesAtEnd: number;
  openFilesMax: number;
}

interface Client {
  user: TestUser;
  userId: number;
  conversationId: number;
  address: string;
  close: () => void;
  push: (op: object) => Promise<{ results: { status: string }[] }>;
  presence: PresenceClient;
  isLive: boolean;
}

const MiB = 2 ** 20;

/** What a soak must show, as the list of what it did not: empty when it held. */
export function soakProblems(report: SoakReport): string[] {
  const problems: string[] = [];
  if (report.errors > 0)
    problems.push(`${report.errors} errors: ${report.errorSamples.join('; ')}`);
  if (report.undelivered > 0) problems.push(`${report.undelivered} messages never arrived`);
  if (report.duplicates > 0) problems.push(`${report.duplicates} messages arrived twice`);
  // Live memory is read after a full collection, so what remains is held: a leak of a
  // few hundred bytes per message shows as megabytes over a few thousand messages.
  const allowed = Math.max(8 * MiB, report.liveBaselineBytes * 0.05);
  if (report.liveGrowthBytes >= allowed)
    problems.push(
      `live memory grew ${(report.liveGrowthBytes / MiB).toFixed(1)} MiB after warm-up`,
    );
  const moreFiles = report.openFilesAtEnd - report.openFilesAtStart;
  if (moreFiles > 8) problems.push(`${moreFiles} more open files than after warm-up`);
  return problems;
}

/** The `ws` WebSocket, opened from a given local address. */
function webSocketFrom(localAddress: string): typeof globalThis.WebSocket {
  class BoundWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { localAddress });
    }
  }
  return BoundWebSocket as unknown as typeof globalThis.WebSocket;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

/** Slope of a least-squares line through (x, y), in y per x. */
function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

const SETUP_WAVE = 25;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const say = options.progress ?? (() => {});
  const cap = parseConfig({}).MAX_CONNECTIONS_PER_ADDRESS;
  // Two sockets per client, and room for a churning client's next pair before its last
  // pair has closed.
  const clientsPerAddress = Math.floor((cap - 4) / 2);
  const addressOf = (i: number) =>
    `127.0.${2 + Math.floor(i / clientsPerAddress / 250)}.${2 + (Math.floor(i / clientsPerAddress) % 250)}`;

  // Each presence client listens for the process's exit (y-websocket's provider does).
  process.setMaxListeners(Math.max(process.getMaxListeners(), options.clients + 20));
  const database = await freshDatabase('soak');
  const inspectorPort = await freePort();
  const server = await startProcessServer(
    {
      DATABASE_URL: database.url,
      MAX_CONNECTIONS_PER_ADDRESS: String(cap),
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    },
    [`--inspect=127.0.0.1:${inspectorPort}`],
  );
  const memory = await connectMemoryProbe(inspectorPort);
  const pid = server.child.pid!;
  const clients: Client[] = [];
  const errors: string[] = [];
  let errorCount = 0;
  const fail = (what: string) => {
    errorCount++;
    if (errors.length < 20) errors.push(what);
  };
  let stopping = false;

  try {
    // --- people and their conversations ------------------------------------------------
    // Set up from 127.0.0.1 in waves small enough for its connection cap, kept-alive
    // connections of the previous wave included.
    const users: TestUser[] = [];
    for (let i = 0; i < options.clients; i += SETUP_WAVE) {
      users.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(SETUP_WAVE, options.clients - i) }, (_, j) =>
            createUser(server.url, `Soak ${i + j}`),
          ),
        )),
      );
    }
    const conversationOf = new Map<number, number>();
    for (let i = 0; i + 1 < users.length; i += 2 * SETUP_WAVE) {
      await Promise.all(
        Array.from(
          { length: Math.min(SETUP_WAVE, Math.floor((users.length - i) / 2)) },
          async (_, j) => {
            const [a, b] = [users[i + 2 * j]!, users[i + 2 * j + 1]!];
            const created = await rest<{ conversation_id: number }>(
              server.url,
              'POST',
              '/api/v1/chat/conversations',
              { token: a.token, body: { other_user_id: b.user.userId } },
            );
            if (created.status !== 201) throw new Error(`conversation answered ${created.status}`);
            conversationOf.set(a.user.userId, created.body.conversation_id);
            conversationOf.set(b.user.userId, created.body.conversation_id);
          },
        ),
      );
    }
    say(`${users.length} users, ${conversationOf.size / 2} conversations`);

    // --- clients ---------------------------------------------------------------------
    const sentAt = new Map<string, { at: number; to: number }>();
    const deliveredIds = new Set<string>();
    const latencies: number[] = [];
    let duplicates = 0;
    let reconnects = 0;

    const open = (user: TestUser, address: string): Client => {
      const conversationId = conversationOf.get(user.user.userId)!;
      const WebSocketClass = webSocketFrom(address);
      let isClosing = false;
      const socket = createWSClient({
        url: `${server.url.replace(/^http/, 'ws')}/trpc`,
        WebSocket: WebSocketClass,
        connectionParams: () => ({ token: user.token }),
        onClose: (cause) => {
          if (!isClosing && !stopping)
            fail(`sync socket of ${user.user.userId} closed: ${cause?.code}`);
        },
      });
      const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] });
      const presence = createPresenceClient({
        serverUrl: server.url,
        auth: bearerAuth(user.token),
        conversationId,
        self: user.user,
        WebSocketPolyfill: WebSocketClass,
      });
      const client: Client = {
        user,
        userId: user.user.userId,
        conversationId,
        address,
        presence,
        isLive: false,
        push: (op) => trpc.sync.push.mutate({ protocolVersion: PROTOCOL_VERSION, ops: [op] }),
        close: () => {
          isClosing = true;
          presence.destroy();
          void socket.close();
        },
      };
      trpc.sync.live.subscribe(
        { protocolVersion: PROTOCOL_VERSION },
        {
          onData: (event) => {
            if (event.type === 'hello') client.isLive = true;
            if (event.type !== 'changes') return;
            for (const m of event.changes.messages) {
              if (m.senderId === user.user.userId) continue;
              const sent = sentAt.get(m.clientMsgId);
              if (deliveredIds.has(m.clientMsgId)) duplicates++;
              else if (sent && sent.to === user.user.userId) {
                deliveredIds.add(m.clientMsgId);
                latencies.push(performance.now() - sent.at);
              }
            }
          },
          onError: (error) => {
            if (!isClosing && !stopping)
              fail(`live stream of ${user.user.userId}: ${error.message}`);
          },
        },
      );
      return client;
    };

    for (let i = 0; i < users.length; i += 50) {
      const wave = users.slice(i, i + 50).map((user, j) => open(user, addressOf(i + j)));
      clients.push(...wave);
      await waitFor(() => wave.every((c) => c.isLive), {
        timeoutMs: 60_000,
        what: `clients ${i + 1}-${i + wave.length} live`,
      });
    }
    const addresses = new Set(clients.map((c) => c.address)).size;
    say(`${clients.length} clients live from ${addresses} addresses`);

    // Pairs are (2k, 2k+1); a pair either carries traffic or churns, never both, so a
    // message's recipient is always connected and every one must arrive live.
    const pairCount = Math.floor(clients.length / 2);
    const churnEvery = options.churnPercent > 0 ? Math.round(100 / options.churnPercent) : 0;
    const isChurnPair = (k: number) => churnEvery > 0 && k % churnEvery === churnEvery - 1;
    const trafficPairs = Array.from({ length: pairCount }, (_, k) => k).filter(
      (k) => !isChurnPair(k),
    );
    const churnSlots = Array.from({ length: clients.length }, (_, i) => i).filter((i) =>
      isChurnPair(Math.floor(i / 2)),
    );

    // --- traffic, churn and samples ---------------------------------------------------
    const startedAt = performance.now();
    const elapsed = () => (performance.now() - startedAt) / 1000;
    const totalSeconds = options.warmUpSeconds + options.seconds;
    const samples: SoakSample[] = [];
    let sent = 0;
    const sends: Promise<void>[] = [];

    const sampler = (async () => {
      while (!stopping && elapsed() < totalSeconds) {
        await sleep(options.sampleEverySeconds * 1000);
        if (elapsed() < options.warmUpSeconds) continue;
        const [liveBytes, status, files] = await Promise.all([
          memory.liveBytes(),
          readFile(`/proc/${pid}/status`, 'utf8'),
          readdir(`/proc/${pid}/fd`),
        ]);
        const sample = {
          atSeconds: Math.round(elapsed()),
          liveBytes,
          rssBytes: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024,
          openFiles: files.length,
        };
        samples.push(sample);
        say(
          `${sample.atSeconds}s: live ${(liveBytes / 2 ** 20).toFixed(1)} MiB, rss ${(sample.rssBytes / 2 ** 20).toFixed(0)} MiB, ${sample.openFiles} files, ${sent} sent, ${deliveredIds.size} delivered`,
        );
      }
    })();

    const churner = (async () => {
      if (churnSlots.length === 0) return;
      let next = 0;
      while (elapsed() < totalSeconds) {
        const slot = churnSlots[next++ % churnSlots.length]!;
        const old = clients[slot]!;
        old.close();
        const fresh = open(old.user, old.address);
        clients[slot] = fresh;
        await waitFor(() => fresh.isLive, { timeoutMs: 20_000, what: 'a reconnect' }).then(
          () => reconnects++,
          (error: unknown) => fail(`reconnect: ${String(error)}`),
        );
        await sleep(250);
      }
    })();

    for (let i = 0; elapsed() < totalSeconds; i++) {
      const due = startedAt + (i * 1000) / options.messagesPerSecond;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const k = trafficPairs[i % trafficPairs.length]!;
      const [from, to] =
        i % 2 === 0
          ? [clients[2 * k]!, clients[2 * k + 1]!]
          : [clients[2 * k + 1]!, clients[2 * k]!];
      const clientMsgId = randomUUID();
      from.presence.setTyping(true);
      sentAt.set(clientMsgId, { at: performance.now(), to: to.userId });
      sent++;
      sends.push(
        from
          .push({
            opId: randomUUID(),
            kind: 'send',
            conversation: { conversationId: from.conversationId },
            clientMsgId,
            content: `soak message ${i}`,
            messageType: 'text',
          })
          .then(
            (answer) => {
              from.presence.setTyping(false);
              const status = answer.results[0]?.status;
              if (status !== 'accepted') fail(`push answered ${status}`);
            },
            (error: unknown) => fail(`push failed: ${String(error)}`),
          ),
      );
    }
    await Promise.all([...sends, churner]);
    await waitFor(() => deliveredIds.size >= sent, { timeoutMs: 15_000, what: 'deliveries' }).catch(
      () => undefined,
    );
    stopping = true;
    await sampler;
    const endFiles = (await readdir(`/proc/${pid}/fd`)).length;

    latencies.sort((a, b) => a - b);
    const measured = samples.map((s) => ({ x: s.atSeconds, y: s.liveBytes }));
    const window = (measured.at(-1)?.x ?? 0) - (measured[0]?.x ?? 0);
    return {
      clients: clients.length,
      sockets: clients.length * 2,
      addresses,
      sent,
      delivered: deliveredIds.size,
      duplicates,
      undelivered: sent - deliveredIds.size,
      reconnects,
      errors: errorCount,
      errorSamples: errors,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      samples,
      liveGrowthBytes: slope(measured) * window,
      liveBaselineBytes: samples[0]?.liveBytes ?? 0,
      openFilesAtStart: samples[0]?.openFiles ?? 0,
      openFilesAtEnd: endFiles,
      openFilesMax: Math.max(0, ...samples.map((s) => s.openFiles)),
    };
  } finally {
    stopping = true;
    for (const c of clients) c.close();
    memory.close();
    await server.stop();
    await database.drop();
  }
}
