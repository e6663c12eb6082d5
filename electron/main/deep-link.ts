// Parses deep links of the seed's route, timenest://chat/<userId>?conversation_id=<id>.
// Anything else — other schemes or hosts, extra path parts, encoded separators,
// ids that are not positive 32-bit integers — is refused, never guessed at.
import {
  type ConversationTarget,
  conversationTargetSchema,
} from '../../shared/platform/bridge-schemas.ts';
import { DEEP_LINK_SCHEME } from './app-id.ts';

const MAX_DEEP_LINK_LENGTH = 512;
/** Ids are MySQL INT columns. */
const MAX_ID = 2_147_483_647;
const DECIMAL_ID = /^[1-9][0-9]{0,9}$/;
// URL parsing silently trims leading/trailing controls and spaces; a real link has none.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f]/;

function parseId(text: string | null | undefined): number | null {
  if (text == null || !DECIMAL_ID.test(text)) return null;
  const id = Number(text);
  return id <= MAX_ID ? id : null;
}

export function parseDeepLink(raw: string): ConversationTarget | null {
  if (raw.length > MAX_DEEP_LINK_LENGTH || CONTROL_OR_SPACE.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:` || url.host !== 'chat') return null;
  if (url.username !== '' || url.password !== '') return null;

  // The raw path, still percent-encoded: "/42" or "/42/" and nothing else, so %2F or
  // a second segment cannot smuggle in another route.
  const path = /^\/([^/]+)\/?$/.exec(url.pathname);
  const userId = parseId(path?.[1]);

  const conversationIds = url.searchParams.getAll('conversation_id');
  const conversationId = conversationIds.length === 1 ? parseId(conversationIds[0]) : null;

  if (userId === null || conversationId === null) return null;
  const parsed = conversationTargetSchema.safeParse({ userId, conversationId });
  return parsed.success ? parsed.data : null;
}

/** Windows and Linux pass a clicked link as a command-line argument; take the last one. */
export function findDeepLinkInArgv(argv: readonly string[]): ConversationTarget | null {
  const prefix = `${DEEP_LINK_SCHEME}:`;
  for (let i = argv.length - 1; i >= 0; i -= 1) {
    const arg = argv[i];
    if (arg?.toLowerCase().startsWith(prefix)) return parseDeepLink(arg);
  }
  return null;
}
