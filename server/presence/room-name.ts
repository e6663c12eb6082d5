// Which conversation a presence socket asks for. The only accepted shape is
// `/yjs/conversation-<id>`, what y-websocket builds from `serverUrl + '/yjs'` and the room.

export const PRESENCE_PATH = '/yjs';

/** conversations.conversation_id is a signed INT. */
const MAX_CONVERSATION_ID = 2_147_483_647;
const ROOM_PATH = /^\/yjs\/conversation-([1-9][0-9]{0,9})$/;

export function isPresencePath(pathname: string): boolean {
  return pathname === PRESENCE_PATH || pathname.startsWith(`${PRESENCE_PATH}/`);
}

/** The conversation id of a presence path, or null for any other shape. */
export function parseRoomPath(pathname: string): number | null {
  const digits = ROOM_PATH.exec(pathname)?.[1];
  if (!digits) return null;
  const id = Number(digits);
  return id <= MAX_CONVERSATION_ID ? id : null;
}
