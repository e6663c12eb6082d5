// Nothing large or long-lived is accepted before authentication: frames and bodies are
// cut at the largest legitimate request, a WebSocket that does not sign in is closed,
// one address cannot hold the server's connections, slow requests are dropped, and
// nothing a stranger sends (a batch of sign-ups, a TRACE) costs more than a refusal.
import { type IncomingHttpHeaders, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LIMITS } from '../../shared/limits.ts';
import { postJsonFrom } from '../server/support/source-address.ts';
import { openSqlProbe, type SqlProbe } from '../server/support/sql-probe.ts';
import { createUser, rest } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// Long enough that masking a 60 MB frame on the client side fits before it.
const AUTH_TIMEOUT_MS = 1_500;
const MAX_PER_ADDRESS = 8;
const HEADERS_TIMEOUT_MS = 500;

let server: TestServer;
let probe: SqlProbe;

beforeAll(async () => {
  server = await startTestServer({
    label: 'presignin',
    env: {
      WS_AUTH_TIMEOUT_MS: String(AUTH_TIMEOUT_MS),
      MAX_CONNECTIONS_PER_ADDRESS: String(MAX_PER_ADDRESS),
      HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: '1000',
      REGISTER_MAX_PER_ADDRESS: '3',
    },
  });
  probe = await openSqlProbe(server.database.address);
});

afterAll(async () => {
  await probe?.close();
  await server?.dispose();
});

const wsUrl = () => `${server.url.replace(/^http/, 'ws')}/trpc`;

function openSocket(url: string, localAddress = '127.0.0.1'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeOf(ws: WebSocket): Promise<{ code: number; afterMs: number }> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    ws.on('error', () => {});
    ws.once('close', (code) => resolve({ code, afterMs: performance.now() - startedAt }));
  });
}

/** Any method, including those fetch refuses to send (TRACE). */
function requestWith(
  method: string,
  url: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

function rawConnection(localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: server.port, localAddress });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function endOf(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.on('error', () => {});
    // Read what the server sends, or its end would never be seen.
    socket.resume();
    socket.once('close', () => resolve());
  });
}

describe('a tRPC WebSocket before sign-in', () => {
  it('a frame larger than the largest legitimate request is refused (1009) on its header, before its body is read', async () => {
    const socket = await rawConnection('127.0.9.1');
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.write(
      'GET /trpc?connectionParams=1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    // A masked binary frame announcing 60 MB, and only its first bytes.
    const header = Buffer.alloc(14);
    header[0] = 0x82;
    header[1] = 0xff;
    header.writeBigUInt64BE(60n * 1024n * 1024n, 2);
    socket.write(Buffer.concat([header, Buffer.alloc(1024)]));
    await endOf(socket);
    const bytes = Buffer.concat(received);
    const frames = bytes.subarray(bytes.indexOf('\r\n\r\n') + 4);
    // A close frame (0x88) whose code is 1009, "message too big".
    expect(frames[0]).toBe(0x88);
    expect(frames.readUInt16BE(2)).toBe(1009);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('a frame at the limit is still read: a full push fits', async () => {
    expect(LIMITS.requestMaxBytes).toBeGreaterThan(3 * LIMITS.pushBatchMaxJsonChars);
  });

  it('a socket that never sends its token is closed (4401) after the sign-in deadline', async () => {
    const ws = await openSocket(`${wsUrl()}?connectionParams=1`, '127.0.9.2');
    const { code, afterMs } = await closeOf(ws);
    expect(code).toBe(4401);
    expect(afterMs).toBeGreaterThanOrEqual(AUTH_TIMEOUT_MS - 50);
  });

  it('a socket with a wrong token, even one that answers every ping, is closed after the deadline', async () => {
    const ws = await openSocket(`${wsUrl()}?connectionParams=1`, '127.0.9.3');
    ws.send(JSON.stringify({ method: 'connectionParams', data: { token: 'x'.repeat(43) } }));
    ws.on('message', (data) => {
      if (data.toString() === 'PING') ws.send('PONG');
    });
    expect((await closeOf(ws)).code).toBe(4401);
  });

  it('an upgraded socket that never answers the close frame is still dropped soon after the deadline', async () => {
    const socket = await rawConnection('127.0.9.6');
    socket.write(
      'GET /trpc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const startedAt = performance.now();
    await endOf(socket);
    expect(performance.now() - startedAt).toBeLessThan(AUTH_TIMEOUT_MS + 1_000 + 1_500);
  });

  it('a socket that has not signed in may not call sign-up or sign-in (they are HTTP calls)', async () => {
    const ws = await openSocket(wsUrl(), '127.0.9.4');
    const before = await probe.rowCounts();
    const answer = new Promise<unknown>((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse(data.toString()))),
    );
    ws.send(
      JSON.stringify({
        id: 1,
        method: 'mutation',
        params: {
          path: 'auth.register',
          input: { email: 'ws-signup@abuse.test', password: 'long enough', displayName: 'W' },
        },
      }),
    );
    expect(await answer).toMatchObject({ id: 1, error: { data: { code: 'UNAUTHORIZED' } } });
    expect(await probe.rowCounts()).toEqual(before);
    ws.close();
  });

  it('a signed-in socket stays open past the deadline', async () => {
    const user = await createUser(server.url, 'Stays');
    const ws = await openSocket(`${wsUrl()}?connectionParams=1`, '127.0.9.5');
    ws.send(JSON.stringify({ method: 'connectionParams', data: { token: user.token } }));
    const closed = closeOf(ws);
    const outcome = await Promise.race([
      closed.then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('open'), AUTH_TIMEOUT_MS * 3)),
    ]);
    expect(outcome).toBe('open');
    ws.close();
  });
});

describe('connections and slow clients', () => {
  it(`one address holds at most ${MAX_PER_ADDRESS} connections; others still sign in and check health`, async () => {
    const hoard: Socket[] = [];
    for (let i = 0; i < MAX_PER_ADDRESS + 5; i++) hoard.push(await rawConnection('127.0.10.1'));
    // The surplus is closed by the server at once.
    const surplus = hoard.slice(MAX_PER_ADDRESS);
    await Promise.all(surplus.map(endOf));
    expect(surplus.every((s) => s.destroyed)).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const user = await createUser(server.url, 'NotLockedOut');
    const login = await postJsonFrom('127.0.10.2', `${server.url}/api/v1/auth/login`, {
      email: user.user.email,
      password: user.password,
    });
    expect(login.status).toBe(200);
    for (const s of hoard) s.destroy();
  });

  it('a client that sends its headers too slowly is disconnected', async () => {
    const socket = await rawConnection('127.0.10.3');
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const startedAt = performance.now();
    const ended = endOf(socket);
    // One header line a while, never the blank line that ends them.
    const drip = setInterval(() => socket.write('X-Drip: 1\r\n'), 100);
    await ended;
    clearInterval(drip);
    expect(performance.now() - startedAt).toBeLessThan(HEADERS_TIMEOUT_MS + 3_000);
  });

  it('a request body that trickles in is cut at the request deadline', async () => {
    const socket = await rawConnection('127.0.10.4');
    socket.write(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
    );
    const startedAt = performance.now();
    const ended = endOf(socket);
    const drip = setInterval(() => socket.write(' '), 100);
    await ended;
    clearInterval(drip);
    expect(performance.now() - startedAt).toBeLessThan(1_000 + 3_000);
  });
});

describe('strangers asking for expensive work', () => {
  it('a tRPC batch of 100 sign-ups is refused whole (400) and creates no account', async () => {
    const before = await probe.rowCounts();
    const calls = Array.from({ length: 100 }, (_, i) => ({
      email: `batch-${i}@abuse.test`,
      password: 'long enough password',
      displayName: `B${i}`,
    }));
    const paths = calls.map(() => 'auth.register').join(',');
    const input = Object.fromEntries(calls.map((c, i) => [String(i), c]));
    const answer = await postJsonFrom('127.0.11.1', `${server.url}/trpc/${paths}?batch=1`, input);
    expect(answer.status).toBe(400);
    expect(await probe.rowCounts()).toEqual(before);
  });

  it('sign-ups are limited per network: the fourth from one address gets 429 with Retry-After', async () => {
    const signUp = (i: number) =>
      postJsonFrom('127.0.11.2', `${server.url}/api/v1/auth/register`, {
        email: `limited-${i}-${Date.now()}@abuse.test`,
        password: 'long enough password',
        display_name: `L${i}`,
      });
    for (let i = 0; i < 3; i++) expect((await signUp(i)).status).toBe(201);
    const refused = await signUp(3);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });

  it.each(['TRACE', 'PUT', 'DELETE', 'PATCH'])(
    '%s on /trpc answers 405, not 500',
    async (method) => {
      const answer = await requestWith(method, `${server.url}/trpc/auth.me`);
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('GET, POST');
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    },
  );

  it('a request target no URL parser accepts answers 400 and the server lives on', async () => {
    const socket = await rawConnection('127.0.11.3');
    const answer = new Promise<string>((resolve) =>
      socket.once('data', (d) => resolve(d.toString())),
    );
    socket.write('GET //[ HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await answer).toMatch(/^HTTP\/1\.1 400/);
    socket.destroy();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('an HTTP body over the request limit is refused with 413 and nothing is written', async () => {
    const before = await probe.rowCounts();
    const answer = await rest(server.url, 'POST', '/trpc/auth.login', {
      rawBody: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(LIMITS.requestMaxBytes) }),
    });
    expect(answer.status).toBe(413);
    expect(await probe.rowCounts()).toEqual(before);
  });
});
