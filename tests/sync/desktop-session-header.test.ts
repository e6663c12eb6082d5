// [§6] The desktop page holds no session token: its sync transport presents nothing and
// the main process adds the Authorization header to what leaves for the server, the
// WebSocket upgrade included. The real server must accept the header on tRPC over HTTP and
// on the socket, and still accept the web build's token in the socket's first message.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import type { TransportError } from '../../renderer/sync/transport.ts';
import { createTrpcTransport } from '../../renderer/sync/trpc-transport.ts';
import { bearerAuth, SHELL_ATTACHED_AUTH } from '../../shared/platform/server-auth.ts';
import { createUser, waitFor } from '../support/clients.ts';
import { desktopShell } from '../support/desktop-shell.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ label: 'desktop_header' });
});
afterAll(() => server?.dispose());

const createOp = (otherUserId: number) => ({
  opId: randomUUID(),
  kind: 'createConversation' as const,
  clientConvId: randomUUID(),
  otherUserId,
  conversationType: 'general' as const,
  contextId: null,
  contextTitle: null,
});

function desktopTransport(token: () => string | null) {
  const shell = desktopShell(server.url, token);
  let httpCalls = 0;
  const transport = createTrpcTransport({
    baseUrl: server.url,
    auth: SHELL_ATTACHED_AUTH,
    fetch: (input, init) => {
      httpCalls++;
      return shell.fetch(input, init);
    },
    WebSocket: shell.WebSocket,
    reconnectDelayMs: (attempt) => Math.min(50 * attempt, 300),
  });
  return Object.assign(transport, { httpCalls: () => httpCalls });
}

describe('[§6] the session token added by the desktop shell, never by the page', () => {
  test('a page that presents nothing pulls over HTTP and gets a signed-in live socket from the header alone', async () => {
    const [alice, bob] = await Promise.all([
      createUser(server.url, 'Alice'),
      createUser(server.url, 'Bob'),
    ]);
    const transport = desktopTransport(() => alice.token);
    try {
      const page = await transport.pull({ cursor: null });
      expect(page.changes.messages).toEqual([]);
      expect(transport.httpCalls()).toBe(1);

      const events: string[] = [];
      transport.subscribe({
        onEvent: (event) => events.push(event.type),
        onConnectionChange: (connected) => events.push(connected ? 'up' : 'down'),
      });
      // `hello` comes only on a socket the server signed in.
      await waitFor(() => events.includes('hello'), { what: 'hello on the socket' });
      const pushed = await transport.push([createOp(bob.user.userId)]);
      expect(pushed.results.map((r) => r.status)).toEqual(['accepted']);
      // Over the signed-in socket, not HTTP.
      expect(transport.httpCalls()).toBe(1);
    } finally {
      transport.close();
    }
  });

  test('signed out, the shell adds nothing: HTTP and the socket are refused as auth errors', async () => {
    const transport = desktopTransport(() => null);
    try {
      await expect(transport.pull({ cursor: null })).rejects.toMatchObject({
        kind: 'auth',
        code: 'UNAUTHENTICATED',
      });
      const errors: TransportError[] = [];
      transport.subscribe({
        onEvent: () => {},
        onConnectionChange: () => {},
        onError: (e) => errors.push(e),
      });
      await waitFor(() => errors.length > 0, { what: 'the refused stream' });
      expect(errors[0]).toMatchObject({ kind: 'auth', code: 'UNAUTHENTICATED' });
    } finally {
      transport.close();
    }
  });

  test('a forged token in the header signs nothing in', async () => {
    const transport = desktopTransport(() => 'forged-token');
    try {
      const errors: TransportError[] = [];
      transport.subscribe({
        onEvent: () => {},
        onConnectionChange: () => {},
        onError: (e) => errors.push(e),
      });
      await waitFor(() => errors.length > 0, { what: 'the refused stream' });
      expect(errors[0]).toMatchObject({ kind: 'auth', code: 'UNAUTHENTICATED' });
    } finally {
      transport.close();
    }
  });

  test('the token in the socket’s first message (the web build) is the one that counts', async () => {
    const alice = await createUser(server.url, 'Alice');
    // A socket with a valid header but a forged token of its own: the explicit one wins.
    const shell = desktopShell(server.url, () => alice.token);
    const transport = createTrpcTransport({
      baseUrl: server.url,
      auth: bearerAuth('forged-token'),
      WebSocket: shell.WebSocket,
    });
    const web = createTrpcTransport({
      baseUrl: server.url,
      auth: bearerAuth(alice.token),
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    try {
      const errors: TransportError[] = [];
      transport.subscribe({
        onEvent: () => {},
        onConnectionChange: () => {},
        onError: (e) => errors.push(e),
      });
      await waitFor(() => errors.length > 0, { what: 'the refused stream' });
      expect(errors[0]).toMatchObject({ kind: 'auth' });

      let isUp = false;
      web.subscribe({ onEvent: () => {}, onConnectionChange: (c) => (isUp = c) });
      await waitFor(() => isUp, { what: 'the web build’s stream' });
    } finally {
      transport.close();
      web.close();
    }
  });
});
