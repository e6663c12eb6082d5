// The data a fuzzed server starts with — three users, conversations between them,
// messages, spare device sessions, an expired and a revoked token — and the credentials
// a fuzzed request presents: none, a live session, or one of many kinds of bad token.
import fc from 'fast-check';
import { rest, type TestUser, trpcClient } from '../../support/clients.ts';
import { expireSession, pushMessages, signInAgain, startScene, tokenHash } from './actors.ts';
import type { SqlProbe } from './sql-probe.ts';

export interface SentMessage {
  messageId: number;
  clientMsgId: string;
  conversationId: number;
}

export interface FuzzWorld {
  url: string;
  alice: TestUser;
  bob: TestUser;
  carol: TestUser;
  /** alice–bob (general), alice–carol (service), bob–carol (request). */
  conversations: { aliceBob: number; aliceCarol: number; bobCarol: number };
  /** Messages alice sent, which her edits and deletes may name. */
  aliceMessages: SentMessage[];
  /** Every message id, whoever sent it. */
  messageIds: number[];
  /** Sessions of alice's other devices, for the sign-out calls. */
  aliceDevices: number[];
  expiredToken: string;
  revokedToken: string;
  /** The start of the database's server id, as sync cursors carry it. */
  serverIdPrefix: string;
  /** The current token of a signed-in principal. */
  liveToken: (who: 'alice' | 'carol') => string;
  /** Signs a principal in again when a fuzzed call ended its session (a logout, a
   * sign-out of "another" device that was this one). */
  renewEndedTokens: () => Promise<void>;
}

async function messagesOf(
  url: string,
  token: string,
  conversationId: number,
): Promise<{ message_id: number; client_msg_id: string; sender_id: number }[]> {
  const page = await rest<{
    messages: { message_id: number; client_msg_id: string; sender_id: number }[];
  }>(url, 'GET', `/api/v1/chat/conversations/${conversationId}/messages?limit=200`, { token });
  if (page.status !== 200) throw new Error(`messages not listed: ${page.status}`);
  return page.body.messages;
}

async function openConversation(url: string, token: string, body: unknown): Promise<number> {
  const answer = await rest<{ conversation_id: number }>(
    url,
    'POST',
    '/api/v1/chat/conversations',
    {
      token,
      body,
    },
  );
  if (answer.status !== 201) throw new Error(`conversation not created: ${answer.status}`);
  return answer.body.conversation_id;
}

export async function seedWorld(url: string, probe: SqlProbe): Promise<FuzzWorld> {
  const scene = await startScene(url);
  const { alice, bob, carol } = scene;
  const aliceCarol = await openConversation(url, alice.token, {
    other_user_id: carol.user.userId,
    conversation_type: 'service',
    context_id: 5,
    context_title: 'Guitar lessons',
  });
  const bobCarol = await openConversation(url, bob.token, {
    other_user_id: carol.user.userId,
    conversation_type: 'request',
    context_id: 9,
  });
  await pushMessages(url, alice.token, scene.conversationId, 5, (i) => `alice ${i}`);
  await pushMessages(url, bob.token, scene.conversationId, 3, (i) => `bob ${i}`);
  await pushMessages(url, alice.token, aliceCarol, 2, (i) => `to carol ${i}`);
  await pushMessages(url, carol.token, bobCarol, 2, (i) => `carol ${i}`);

  const all = [
    ...(await messagesOf(url, alice.token, scene.conversationId)),
    ...(await messagesOf(url, alice.token, aliceCarol)),
    ...(await messagesOf(url, bob.token, bobCarol)),
  ];
  const aliceMessages = (
    await Promise.all(
      [scene.conversationId, aliceCarol].map(async (conversationId) =>
        (
          await messagesOf(url, alice.token, conversationId)
        )
          .filter((m) => m.sender_id === alice.user.userId)
          .map((m) => ({ messageId: m.message_id, clientMsgId: m.client_msg_id, conversationId })),
      ),
    )
  ).flat();

  const expiredToken = await signInAgain(url, alice);
  await expireSession(probe, expiredToken);
  const revokedToken = await signInAgain(url, carol);
  await trpcClient(url, revokedToken).auth.logout.mutate();

  const aliceDevices: number[] = [];
  for (let i = 0; i < 4; i++) {
    const token = await signInAgain(url, alice);
    const [row] = await probe.query<{ session_id: number }>(
      'SELECT session_id FROM sessions WHERE token_hash = ?',
      [tokenHash(token)],
    );
    if (row) aliceDevices.push(row.session_id);
  }
  const [clock] = await probe.query<{ server_id: string }>('SELECT server_id FROM sync_clock');
  if (!clock) throw new Error('sync_clock has no row');

  const live = { alice: await signInAgain(url, alice), carol: await signInAgain(url, carol) };
  const users = { alice, carol };
  return {
    url,
    alice,
    bob,
    carol,
    conversations: { aliceBob: scene.conversationId, aliceCarol, bobCarol },
    aliceMessages,
    messageIds: all.map((m) => m.message_id),
    aliceDevices,
    expiredToken,
    revokedToken,
    serverIdPrefix: clock.server_id.slice(0, 12),
    liveToken: (who) => live[who],
    async renewEndedTokens() {
      for (const who of ['alice', 'carol'] as const) {
        const [row] = await probe.query<{ revoked_at: Date | null }>(
          'SELECT revoked_at FROM sessions WHERE token_hash = ?',
          [tokenHash(live[who])],
        );
        if (!row || row.revoked_at !== null) live[who] = await signInAgain(url, users[who]);
      }
    },
  };
}

export const BAD_PRINCIPALS = [
  'none',
  'forged',
  'tampered',
  'expired',
  'revoked',
  'garbage',
] as const;
export const PRINCIPALS = [...BAD_PRINCIPALS, 'alice', 'carol'] as const;
export type Principal = (typeof PRINCIPALS)[number];

export interface Credentials {
  principal: Principal;
  /** The scheme is case-insensitive (RFC 9110 §11.1). */
  scheme: 'Bearer' | 'bearer' | 'BEARER';
  /** A token of the right shape (43 base64url characters) that was never issued. */
  forged: string;
  /** Which character of a live token is changed. */
  tamperAt: number;
  /** An Authorization header that is not a bearer token at all. */
  garbage: string;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function credentialsOf(principals: readonly Principal[]): fc.Arbitrary<Credentials> {
  return fc.record({
    // Live sessions weigh more: only they get past the sign-in check to the code behind.
    principal: fc.oneof(
      ...principals.map((p) => ({
        weight: p === 'alice' ? 8 : p === 'carol' ? 3 : 1,
        arbitrary: fc.constant(p),
      })),
    ),
    scheme: fc.constantFrom('Bearer' as const, 'bearer' as const, 'BEARER' as const),
    forged: fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      fc.constantFrom(
        'A'.repeat(43),
        '-'.repeat(43),
        'Zm9yZ2VkLXRva2VuLW9mLXRoZS1yaWdodC1zaGFwZS0',
      ),
    ),
    tamperAt: fc.nat({ max: 42 }),
    garbage: fc.oneof(
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Bearer null',
        'Bearer undefined',
        `Bearer ${'A'.repeat(42)}`,
        `Bearer ${'A'.repeat(44)}`,
        `Bearer ${'='.repeat(43)}`,
        'Bearer eyJhbGciOiJub25lIn0.eyJ1c2VySWQiOjF9.',
        'Basic YWxpY2U6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5',
        'Token abc',
        'Bearer 0190f3c4-7c1e-7a3b-9f2d-5b8e4c6a1d20',
      ),
      fc.string({
        unit: fc
          .integer({ min: 0x21, max: 0xff })
          .filter((c) => c !== 0x7f)
          .map((c) => String.fromCharCode(c)),
        minLength: 1,
        maxLength: 80,
      }),
    ),
  });
}

function tampered(token: string, at: number): string {
  const i = at % token.length;
  const next = BASE64URL[(BASE64URL.indexOf(token[i] ?? 'A') + 1) % BASE64URL.length] ?? 'A';
  return `${token.slice(0, i)}${next}${token.slice(i + 1)}`;
}

/** The Authorization header the credentials make, or null for none. */
export function authorizationOf(world: FuzzWorld, c: Credentials): string | null {
  switch (c.principal) {
    case 'none':
      return null;
    case 'alice':
    case 'carol':
      return `${c.scheme} ${world.liveToken(c.principal)}`;
    case 'forged':
      return `${c.scheme} ${c.forged}`;
    case 'tampered':
      return `${c.scheme} ${tampered(world.liveToken('alice'), c.tamperAt)}`;
    case 'expired':
      return `${c.scheme} ${world.expiredToken}`;
    case 'revoked':
      return `${c.scheme} ${world.revokedToken}`;
    case 'garbage':
      return c.garbage;
  }
}

export function isSignedIn(c: Credentials): boolean {
  return c.principal === 'alice' || c.principal === 'carol';
}
