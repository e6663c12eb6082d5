// When a message from someone else arrives, decide whether to notify and with what.
// Pure: the caller supplies what is on screen and whether the window has focus. The OS
// shows plain strings, so every part someone else wrote is bidi-isolated in them.
import { LIMITS } from '../../../shared/limits.ts';
import type { NotifyArgs } from '../../../shared/platform/bridge.ts';
import type { IncomingMessage } from '../../sync/api.ts';
import type { LocalConversation } from '../../sync/db.ts';
import { clipText, isolateText } from '../text/bidi-isolate.ts';

/** What the bridge accepts (notifyArgsSchema). */
const TITLE_MAX = 300;
const BODY_MAX = 1000;
/** The longest name, with its FSI and PDI. */
const NAME_MAX = LIMITS.displayNameMaxChars + 2;
const SEPARATOR = ' · ';
const NO_PREVIEW = 'New message';

export interface ScreenState {
  myUserId: number;
  /** The conversation on screen, or null. */
  activeConvKey: string | null;
  /** The window has focus and is visible. */
  isWindowFocused: boolean;
}

export function shouldNotify(
  { message, conversation }: IncomingMessage,
  screen: ScreenState,
): boolean {
  if (message.senderId === screen.myUserId) return false;
  if (conversation.muted || message.isDeleted) return false;
  return !screen.isWindowFocused || screen.activeConvKey !== conversation.key;
}

export function contextLabel(
  conversation: Pick<LocalConversation, 'conversationType' | 'contextTitle'>,
): string {
  if (conversation.contextTitle) return conversation.contextTitle;
  if (conversation.conversationType === 'service') return 'Service';
  if (conversation.conversationType === 'request') return 'Request';
  return 'Direct message';
}

/** "‹name› · ‹context›", each user-written part isolated, within the bridge's limit. */
function titleFor(conversation: LocalConversation): string {
  const name = isolateText(conversation.otherDisplayName, NAME_MAX);
  const room = TITLE_MAX - name.length - SEPARATOR.length;
  const context = conversation.contextTitle
    ? isolateText(conversation.contextTitle, room)
    : clipText(contextLabel(conversation), room);
  return `${name}${SEPARATOR}${context}`;
}

function bodyFor(content: string, hidePreviews: boolean): string {
  const text = content.replace(/\s+/g, ' ').trim();
  return hidePreviews || !text ? NO_PREVIEW : isolateText(text, BODY_MAX);
}

export function notificationFor(
  { message, conversation }: IncomingMessage,
  options: { hidePreviews: boolean },
): NotifyArgs {
  return {
    conversationKey: conversation.key,
    title: titleFor(conversation),
    body: bodyFor(message.content, options.hidePreviews),
    target:
      conversation.serverId === null
        ? null
        : { userId: conversation.otherUserId, conversationId: conversation.serverId },
  };
}
