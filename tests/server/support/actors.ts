// The people of a scenario: two participants of one conversation and a stranger, plus
// the kinds of tokens the authorization tests present.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { PROTOCOL_VERSION } from '../../../shared/sync/protocol.ts';
import { createUser, rest, type TestUser, trpcClient } from '../../support/clients.ts';
import type { SqlProbe } from './sql-probe.ts';

export interface Scene {
  alice: TestUser;
  bob: TestUser;
  /** Signed in, but not part of alice and bob's conversation. */
  carol: TestUser;
  conversationId: number;
}

export async function startScene(baseUrl: string): Promise<Scene> {
  const [alice, bob, carol] = await Promise.all([
    createUser(baseUrl, 'Alice'),
    createUser(baseUrl, 'Bob'),
    createUser(baseUrl, 'Carol'),
  ]);
  const created = await rest<{ conversation_id: number }>(
    baseUrl,
    'POST',
    '/api/v1/chat/conversations',
    {
      token: alice.token,
      body: { other_user_id: bob.user.userId, conversation_type: 'general' },
    },
  );
  if (created.status !== 201) throw new Error(`conversation not created: ${created.status}`);
  return { alice, bob, carol, conversationId: created.body.conversation_id };
}

/** A new session (another device) for a user. */
export async function signInAgain(baseUrl: string, user: TestUser): Promise<string> {
  const answer = await rest<{ token: string }>(baseUrl, 'POST', '/api/v1/auth/login', {
    body: { email: user.user.email, password: user.password },
  });
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status}`);
  return answer.body.token;
}

/** Well-formed (43 base64url characters) but never issued. */
export function forgedToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Moves a session's expiry into the past, as if its time had run out. */
export async function expireSession(probe: SqlProbe, token: string): Promise<void> {
  await probe.execute(
    'UPDATE sessions SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE WHERE token_hash = ?',
    [tokenHash(token)],
  );
}

/** Sends `count` messages in push batches (fast setup for paging and draining). */
export async function pushMessages(
  baseUrl: string,
  token: string,
  conversationId: number,
  count: number,
  content: (i: number) => string = (i) => `message ${i}`,
): Promise<void> {
  const client = trpcClient(baseUrl, token);
  for (let start = 0; start < count; start += 1000) {
    const ops = Array.from({ length: Math.min(1000, count - start) }, (_, j) => ({
      opId: randomUUID(),
      kind: 'send' as const,
      conversation: { conversationId },
      clientMsgId: randomUUID(),
      content: content(start + j),
      messageType: 'text' as const,
    }));
    const { results } = await client.sync.push.mutate({ protocolVersion: PROTOCOL_VERSION, ops });
    const refused = results.filter((r) => r.status !== 'accepted');
    if (refused.length > 0) throw new Error(`push refused ${refused.length} operations`);
  }
}
