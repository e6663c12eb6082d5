// The app's routes and their URLs. The seed's two stay as they were: `/messages` and
// `/chat/:userId?conversation_id=:id`. A conversation created offline has no server id
// yet, so `conversation_id` may also hold its local key.
import type { LocalConversation } from '../../sync/db.ts';

export type Route =
  | { name: 'messages' }
  | { name: 'chat'; userId: number; conversationId: string; messageId: string | null }
  | { name: 'services' }
  | { name: 'outbox' }
  | { name: 'scheduled' }
  | { name: 'sign-in' }
  | { name: 'create-account' }
  | { name: 'not-found'; path: string };

/** Where this user's messages written for later are listed. */
export const SCHEDULED_PATH = '/scheduled';

export function parseRoute(pathname: string, search: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(search);
  if (path === '/' || path === '/messages' || path === '/index.html') return { name: 'messages' };
  if (path === '/services') return { name: 'services' };
  if (path === '/outbox') return { name: 'outbox' };
  if (path === SCHEDULED_PATH) return { name: 'scheduled' };
  if (path === '/sign-in') return { name: 'sign-in' };
  if (path === '/create-account') return { name: 'create-account' };
  const chat = /^\/chat\/([0-9]{1,10})$/.exec(path);
  const conversationId = params.get('conversation_id');
  if (chat?.[1] && conversationId && /^[0-9A-Za-z-]{1,64}$/.test(conversationId)) {
    return {
      name: 'chat',
      userId: Number(chat[1]),
      conversationId,
      messageId: params.get('message'),
    };
  }
  return { name: 'not-found', path };
}

export function chatPath(
  userId: number,
  conversationId: string | number,
  messageId?: string,
): string {
  const query = new URLSearchParams({ conversation_id: String(conversationId) });
  if (messageId) query.set('message', messageId);
  return `/chat/${userId}?${query.toString()}`;
}

/** The user the seed's route names for a conversation: the other person, or for a group
 * (which has none) this user, so the path stays a valid deep link (a positive id). */
export function routeUserId(
  conversation: Pick<LocalConversation, 'otherUserId' | 'group'>,
  myUserId: number,
): number {
  return conversation.group ? myUserId : conversation.otherUserId;
}

/** The chat route of a conversation, optionally at one of its messages. */
export function conversationPath(
  conversation: Pick<LocalConversation, 'key' | 'serverId' | 'otherUserId' | 'group'>,
  myUserId: number,
  messageId?: string,
): string {
  return chatPath(routeUserId(conversation, myUserId), conversationUrlId(conversation), messageId);
}

/** The id a conversation goes by in URLs: the server's when it has one. */
export function conversationUrlId(conversation: { key: string; serverId: number | null }): string {
  return conversation.serverId === null ? conversation.key : String(conversation.serverId);
}
