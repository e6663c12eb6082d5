// Deciding a presence upgrade before it happens: the room must name a conversation, the
// token a live session, and that session's user must be in the conversation. A refusal
// is a plain HTTP answer on the raw socket, so no Yjs byte is ever exchanged.
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolveSession } from '../auth/accounts.ts';
import { findConversationForParticipant } from '../chat/conversations.ts';
import type { Db } from '../db/prisma.ts';
import { bearerToken } from '../http/respond.ts';
import type { PresenceIdentity } from './awareness-state.ts';
import { parseRoomPath } from './room-name.ts';

export interface AdmittedSocket {
  conversationId: number;
  sessionId: number;
  identity: PresenceIdentity;
}

export type UpgradeDecision =
  | ({ isAdmitted: true } & AdmittedSocket)
  | { isAdmitted: false; status: 400 | 401 | 404 | 429; reason: string };

/** The token an upgrade presents: `?token=` from a browser, whose WebSocket cannot send
 * headers, else the Authorization header, which the desktop's main process adds (its page
 * never holds the token). */
export function upgradeToken(req: IncomingMessage, url: URL): string | null {
  return url.searchParams.get('token') ?? bearerToken(req);
}

export async function authorizeUpgrade(
  db: Db,
  url: URL,
  token: string | null,
  sessionIdleDays: number,
): Promise<UpgradeDecision> {
  const conversationId = parseRoomPath(url.pathname);
  if (conversationId === null) {
    return { isAdmitted: false, status: 400, reason: 'the room must be conversation-<id>' };
  }
  const session = await resolveSession(db, token, sessionIdleDays);
  const user = session
    ? await db.user.findUnique({ where: { userId: session.userId }, select: { displayName: true } })
    : null;
  if (!session || !user) {
    return { isAdmitted: false, status: 401, reason: 'a valid session token is required' };
  }
  // Not a participant and no such conversation look the same: a stranger learns nothing.
  // One who left a group reads its log but no longer sees who is typing in it.
  const conversation = await findConversationForParticipant(db, session.userId, conversationId);
  if (!conversation || conversation.leftUpTo !== null) {
    return { isAdmitted: false, status: 404, reason: 'no such conversation' };
  }
  return {
    isAdmitted: true,
    conversationId,
    sessionId: session.sessionId,
    identity: { userId: session.userId, displayName: user.displayName },
  };
}

export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nCache-Control: no-store\r\n' +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
