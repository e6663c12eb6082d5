// The audit's attacks, rerun against one server in its own process with the production
// defaults (limits and scrypt cost): what each costs the server now, and what a normal
// user sees meanwhile. `npm run attacks` prints the table and writes
// bench/results/attacks.json.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { parseConfig } from '../server/config.ts';
import { PROTOCOL_VERSION } from '../shared/sync/protocol.ts';
import { openLiveSocket } from '../tests/abuse/support.ts';
import { postJsonFrom } from '../tests/server/support/source-address.ts';
import { trpcClient } from '../tests/support/clients.ts';
import { freshDatabase } from '../tests/support/database.ts';
import { LOAD_LIMITS } from '../tests/support/limits.ts';
import { startProcessServer } from '../tests/support/process-server.ts';

const defaults = parseConfig({});
/** Every limit the tests raise, back at its production value. */
const PRODUCTION = Object.fromEntries(
  Object.keys(LOAD_LIMITS).map((key) => [key, String(Reflect.get(defaults, key))]),
);

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const progress = (what: string) => process.stderr.write(`  attacks: ${what}\n`);

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const startedAt = performance.now();
  const value = await work();
  return { ms: performance.now() - startedAt, value };
}

async function register(url: string, from: string, name: string) {
  const email = `${name}-${Math.random().toString(36).slice(2)}@attack.test`;
  const password = 'correct horse battery staple';
  const answer = await postJsonFrom(from, `${url}/api/v1/auth/register`, {
    email,
    password,
    display_name: name,
  });
  const body = answer.body as { token?: string; user?: { user_id: number } };
  return {
    status: answer.status,
    email,
    password,
    token: body.token ?? '',
    id: body.user?.user_id ?? 0,
  };
}

function frameAttacker(url: string, from: string): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/trpc?connectionParams=1`, {
      localAddress: from,
    });
    ws.on('error', () => {});
    ws.on('close', () => resolve());
    ws.on('open', () => {
      const frame = Buffer.alloc(60 * 1024 * 1024, 0x61);
      ws.send(frame);
      ws.send(frame);
    });
  });
}

function hoarder(url: string, from: string): Promise<Socket | null> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port), localAddress: from });
    socket.on('error', () => resolve(null));
    // Reads what the server sends, so its closing the connection is seen.
    socket.resume();
    socket.once('connect', () => {
      socket.write(
        `GET /trpc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      resolve(socket);
    });
  });
}

async function main() {
  const database = await freshDatabase('attacks');
  const server = await startProcessServer({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    SCRYPT_COST: String(defaults.SCRYPT_COST),
    ...PRODUCTION,
  });
  const pid = server.child.pid ?? 0;
  const results: Record<string, number | string> = {};
  try {
    const owner = await register(server.url, '127.0.0.1', 'Owner');
    const partner = await register(server.url, '127.0.0.1', 'Partner');
    const healthz = () => timed(() => fetch(`${server.url}/healthz`).then((r) => r.status));

    progress('frames before sign-in');
    // 1. Frames before sign-in: 4 sockets × two 60 MB frames.
    results.rss_before_frames_mb = await rssMb(pid);
    let peak = results.rss_before_frames_mb;
    const sampling = setInterval(
      () => void rssMb(pid).then((mb) => (peak = Math.max(peak, mb))),
      20,
    );
    const during = healthz();
    await Promise.all(
      ['127.0.20.1', '127.0.20.2', '127.0.20.3', '127.0.20.4'].map((a) =>
        frameAttacker(server.url, a),
      ),
    );
    clearInterval(sampling);
    results.rss_peak_during_frames_mb = peak;
    results.healthz_during_frames_ms = (await during).ms;
    await later(1000);
    results.rss_after_frames_mb = await rssMb(pid);

    progress('connection hoarding');
    // 2. Hoarding: 974 upgraded sockets from one address that answer every ping.
    const sockets = (
      await Promise.all(Array.from({ length: 974 }, () => hoarder(server.url, '127.0.21.1')))
    ).filter((s): s is Socket => s !== null);
    await later(defaults.WS_AUTH_TIMEOUT_MS + 2_000);
    results.hoarded_sockets_still_open = sockets.filter((s) => !s.destroyed).length;
    results.healthz_after_hoarding_status = (await healthz()).value;
    const loginAfterHoard = await postJsonFrom('127.0.21.2', `${server.url}/api/v1/auth/login`, {
      email: owner.email,
      password: owner.password,
    });
    results.login_after_hoarding_status = loginAfterHoard.status;
    for (const s of sockets) s.destroy();

    progress('sign-up flood');
    // 3. Sign-up flood: one tRPC batch of 100 registrations, then 100 one by one, from one
    // address, while the owner signs in from another.
    const calls = Array.from({ length: 100 }, (_, i) => ({
      email: `flood-${i}-${Date.now()}@attack.test`,
      password: 'long enough password',
      displayName: `F${i}`,
    }));
    const batch = postJsonFrom(
      '127.0.22.1',
      `${server.url}/trpc/${calls.map(() => 'auth.register').join(',')}?batch=1`,
      Object.fromEntries(calls.map((c, i) => [String(i), c])),
    );
    // Past the per-address connection cap, the server closes a connection unanswered.
    const singles = Promise.all(
      calls.map((_, i) => register(server.url, '127.0.22.1', `S${i}`).catch(() => ({ status: 0 }))),
    );
    const login = timed(() =>
      postJsonFrom('127.0.22.2', `${server.url}/api/v1/auth/login`, {
        email: owner.email,
        password: owner.password,
      }),
    );
    results.flood_batch_status = (await batch).status;
    const single = await singles;
    results.flood_accounts_created = single.filter((r) => r.status === 201).length;
    results.flood_refused_429 = single.filter((r) => r.status === 429).length;
    results.flood_connections_closed_unanswered = single.filter((r) => r.status === 0).length;
    const loginDuring = await login;
    results.login_during_flood_ms = Math.round(loginDuring.ms);
    results.login_during_flood_status = loginDuring.value.status;
    results.login_alone_ms = Math.round(
      (
        await timed(() =>
          postJsonFrom('127.0.22.3', `${server.url}/api/v1/auth/login`, {
            email: owner.email,
            password: owner.password,
          }),
        )
      ).ms,
    );

    progress('password guessing');
    // 4. 15 wrong guesses from another address, then the owner from theirs.
    const guesses: number[] = [];
    for (let i = 0; i < 15; i++) {
      guesses.push(
        (
          await postJsonFrom('127.0.23.1', `${server.url}/api/v1/auth/login`, {
            email: owner.email,
            password: `wrong ${i}`,
          })
        ).status,
      );
    }
    results.guesses_answered_401 = guesses.filter((s) => s === 401).length;
    results.owner_login_after_guesses_status = (
      await postJsonFrom('127.0.23.2', `${server.url}/api/v1/auth/login`, {
        email: owner.email,
        password: owner.password,
      })
    ).status;

    progress('sign-out elsewhere');
    // 5. Sign-out elsewhere → this device's live socket and presence closed.
    const conversation = await trpcClient(
      server.url,
      owner.token,
    ).conversations.findOrCreate.mutate({
      otherUserId: partner.id,
    });
    const phone = await postJsonFrom('127.0.24.1', `${server.url}/api/v1/auth/login`, {
      email: owner.email,
      password: owner.password,
    });
    const phoneToken = (phone.body as { token: string }).token;
    const live = await openLiveSocket(server.url, phoneToken);
    await live.live(1);
    const presence = new WebSocket(
      `${server.url.replace(/^http/, 'ws')}/yjs/conversation-${conversation.conversation.conversationId}?token=${phoneToken}`,
    );
    await new Promise((r) => presence.once('open', r));
    const presenceClosed = new Promise<number>((r) =>
      presence.once('close', () => r(performance.now())),
    );
    const devices = await trpcClient(server.url, owner.token).auth.devices.query();
    const target = devices.devices.find((d) => !d.isCurrent && d.lastSeenAt)!;
    const startedAt = performance.now();
    await trpcClient(server.url, owner.token).auth.signOutDevice.mutate({
      sessionId: target.sessionId,
    });
    const [liveClosed, presenceAt] = await Promise.all([live.closed, presenceClosed]);
    results.signout_to_live_closed_ms = Math.round(liveClosed.at - startedAt);
    results.signout_to_presence_closed_ms = Math.round(presenceAt - startedAt);
    results.protocol = PROTOCOL_VERSION;
  } finally {
    await server.stop();
    await database.drop();
  }
  console.table(results);
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/attacks.json', `${JSON.stringify(results, null, 2)}\n`);
}

await main();
