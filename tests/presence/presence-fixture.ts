// Builders for the presence tests: conversations, real y-websocket clients (through the
// renderer's presence client) and raw sockets that speak the wire format by hand, the way
// a hostile client would.
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import {
  createPresenceClient,
  type PeerPresence,
  type PresenceClient,
  type PresenceClientOptions,
} from '../../renderer/presence/presence-client.ts';
import { hashToken } from '../../server/auth/tokens.ts';
import { bearerAuth } from '../../shared/platform/server-auth.ts';
import { type TestUser, trpcClient } from '../support/clients.ts';
import type { TestServer } from '../support/server.ts';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const SYNC_STEP1 = 0;
export const SYNC_UPDATE = 2;

/** Fast heartbeat so revocation and idle checks happen within a test's patience. */
export const TEST_HEARTBEAT_MS = 250;

export const wsPolyfill = WebSocket as unknown as typeof globalThis.WebSocket;

export async function conversationBetween(server: TestServer, a: TestUser, b: TestUser) {
  const { conversation } = await trpcClient(server.url, a.token).conversations.findOrCreate.mutate({
    otherUserId: b.user.userId,
    conversationType: 'general',
  });
  return conversation.conversationId;
}

export function presenceUrl(server: TestServer, room: string, token: string | null): string {
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  return `${server.url.replace(/^http/, 'ws')}/yjs/${room}${query}`;
}

/** The HTTP status the upgrade was answered with (101 when it was accepted). */
export function handshakeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => reject(err));
  });
}

export function openPresence(
  server: TestServer,
  user: TestUser,
  conversationId: number,
  options: Partial<PresenceClientOptions> = {},
): PresenceClient {
  return createPresenceClient({
    serverUrl: server.url,
    auth: bearerAuth(user.token),
    conversationId,
    self: user.user,
    WebSocketPolyfill: wsPolyfill,
    ...options,
  });
}

export function awarenessMessage(
  entries: { clientId: number; clock: number; state: unknown }[],
): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(update, e.clientId);
    encoding.writeVarUint(update, e.clock);
    encoding.writeVarString(update, JSON.stringify(e.state));
  }
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
  return encoding.toUint8Array(message);
}

export function syncMessage(step: number, payload: Uint8Array): Uint8Array {
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, MESSAGE_SYNC);
  encoding.writeVarUint(message, step);
  encoding.writeVarUint8Array(message, payload);
  return encoding.toUint8Array(message);
}

export interface RawSocket {
  ws: WebSocket;
  received: Uint8Array[];
  /** Resolves with the close code once the socket is closed, whoever closed it. */
  closed: Promise<number>;
  send: (bytes: Uint8Array | string) => void;
}

/** A socket speaking y-websocket by hand; resolves once the upgrade is accepted. */
export function openRawSocket(
  url: string,
  options: { autoPong?: boolean } = {},
): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { autoPong: options.autoPong ?? true });
    const received: Uint8Array[] = [];
    const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)));
    ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        ws,
        received,
        closed,
        send: (bytes) => ws.send(bytes, { binary: typeof bytes !== 'string' }),
      }),
    );
  });
}

/** Expires a session in the database, as time passing would. */
export async function expireSession(server: TestServer, token: string): Promise<void> {
  await server.services.db.session.update({
    where: { tokenHash: hashToken(token) },
    data: { expiresAt: new Date(Date.now() - 60_000) },
  });
}

/** Races a promise against a deadline, naming what did not happen. */
export async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves as soon as the client's view of the other participant matches, event-driven
 * (no polling), so the time it took is a latency measurement. */
export function peerMatches(
  client: PresenceClient,
  expected: Partial<PeerPresence>,
  timeoutMs: number,
): Promise<void> {
  const matches = () =>
    Object.entries(expected).every(([k, v]) => client.peer()[k as keyof PeerPresence] === v);
  if (matches()) return Promise.resolve();
  let unsubscribe = () => {};
  const seen = new Promise<void>((resolve) => {
    unsubscribe = client.subscribe(() => {
      if (matches()) resolve();
    });
  });
  return within(timeoutMs, seen, `peer ${JSON.stringify(expected)}`).finally(unsubscribe);
}
