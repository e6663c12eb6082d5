// [§4] The React hook keeps exactly one presence room open — the conversation on screen —
// and leaves it when the conversation changes or the screen unmounts.
// The server runs in plain Node; React gets a happy-dom DOM, installed after the setup.
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type UsePresenceOptions, usePresence } from '../../renderer/presence/use-presence.ts';
import { bearerAuth, type ServerAuth } from '../../shared/platform/server-auth.ts';
import { createUser, type TestUser, waitFor } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { conversationBetween, openPresence, peerMatches } from './presence-fixture.ts';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let aliceAndBob: number;
let aliceAndCarol: number;
/** Alice's session for the whole file, as the app hands the hook one for a session. */
let aliceAuth: ServerAuth;
let dom: Window;
let testing: typeof import('@testing-library/react');
let socketsOpened = 0;

/** The platform WebSocket the hook uses; here the `ws` package, counted. */
class CountedWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    socketsOpened++;
  }
}

beforeAll(async () => {
  server = await startTestServer({ label: 'presence_hook' });
  [alice, bob, carol] = await Promise.all([
    createUser(server.url, 'Alice'),
    createUser(server.url, 'Bob'),
    createUser(server.url, 'Carol'),
  ]);
  aliceAndBob = await conversationBetween(server, alice, bob);
  aliceAndCarol = await conversationBetween(server, alice, carol);
  aliceAuth = bearerAuth(alice.token);
  // Last, so the setup above reaches the server with Node's fetch, not the DOM's.
  dom = new Window();
  Object.assign(globalThis, {
    window: dom,
    document: dom.document,
    navigator: dom.navigator,
    HTMLElement: dom.HTMLElement,
    HTMLIFrameElement: dom.HTMLIFrameElement,
    WebSocket: CountedWebSocket,
  });
  testing = await import('@testing-library/react');
  // Presence changes arrive from the network, outside any act() scope.
  Object.assign(globalThis, { IS_REACT_ACT_ENVIRONMENT: false });
});
afterAll(async () => {
  await dom?.happyDOM.close();
  await server?.dispose();
});

const optionsFor = (
  auth: ServerAuth | null,
  conversationId: number | null,
): UsePresenceOptions => ({
  serverUrl: server.url,
  auth,
  conversationId,
  self: alice.user,
});

function renderPresence(initial: UsePresenceOptions) {
  return testing.renderHook((props: UsePresenceOptions) => usePresence(props), {
    initialProps: initial,
  });
}

describe('[§4] usePresence', () => {
  it('opens the room of the conversation on screen only, and leaves it on switch and unmount', async () => {
    const b = openPresence(server, bob, aliceAndBob);
    const c = openPresence(server, carol, aliceAndCarol);
    const hook = renderPresence(optionsFor(aliceAuth, aliceAndBob));
    await peerMatches(b, { online: true }, 5000);
    await waitFor(() => hook.result.current.otherOnline, { timeoutMs: 5000, what: 'Bob online' });
    expect(c.peer().online).toBe(false);

    hook.result.current.setTyping(true);
    await peerMatches(b, { typing: true }, 300);
    hook.result.current.setActive(true);
    await peerMatches(b, { active: true }, 300);

    hook.rerender(optionsFor(aliceAuth, aliceAndCarol));
    await peerMatches(b, { online: false }, 2000);
    // The next room starts with the window's focus and without the old draft's typing.
    await peerMatches(c, { online: true, active: true, typing: false }, 5000);
    await waitFor(() => !hook.result.current.otherTyping && hook.result.current.otherOnline, {
      timeoutMs: 5000,
      what: 'Carol online, nobody typing',
    });

    hook.unmount();
    await peerMatches(c, { online: false }, 2000);
    b.destroy();
    c.destroy();
  });

  it('opens no socket while signed out or before the server knows the conversation', async () => {
    const before = socketsOpened;
    const hook = renderPresence(optionsFor(null, aliceAndBob));
    hook.rerender(optionsFor(aliceAuth, null));
    expect(socketsOpened).toBe(before);
    expect(hook.result.current).toMatchObject({
      otherOnline: false,
      otherTyping: false,
      otherActive: false,
    });
    hook.rerender(optionsFor(aliceAuth, aliceAndBob));
    expect(socketsOpened).toBe(before + 1);
    hook.unmount();
  });
});
