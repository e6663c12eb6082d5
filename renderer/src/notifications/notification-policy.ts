// The one notification policy, for the browser and the desktop alike: from the user's
// settings, the message, what is on screen and the time, whether to notify, whether to
// play the sound, what the notification says and whether the message counts toward the
// badge. The Electron shell shows what this decided and decides nothing itself.
// The OS shows plain strings, so every part someone else wrote is bidi-isolated in them.
import { LIMITS } from '../../../shared/limits.ts';
import type { NotifyArgs } from '../../../shared/platform/bridge.ts';
import type { IncomingMessage } from '../../sync/api.ts';
import { messagePreview } from '../../sync/conversation-stats.ts';
import type { LocalConversation } from '../../sync/db.ts';
import { countsTowardBadge } from '../../sync/queries.ts';
import { FORMER_MEMBER } from '../groups/roster.ts';
import { routeUserId } from '../routing/routes.ts';
import { clipText, isolateText } from '../text/bidi-isolate.ts';
import { isDoNotDisturbOn, type NotificationSettings } from './notification-settings.ts';

/** What the bridge accepts (notifyArgsSchema). */
const TITLE_MAX = 300;
const BODY_MAX = 1000;
/** The longest name, with its FSI and PDI. */
const NAME_MAX = LIMITS.displayNameMaxChars + 2;
const SEPARATOR = ' · ';
const IN_GROUP = ' in ';
export const NO_PREVIEW = 'New message';
export const ANONYMOUS_TITLE = 'TimeNest Chat';

export interface ScreenState {
  myUserId: number;
  /** The conversation on screen, or null. */
  activeConvKey: string | null;
  /** The window has focus and is visible. */
  isWindowFocused: boolean;
}

export interface NotificationDecision {
  notify: boolean;
  /** Play the app's sound (only with a notification). */
  sound: boolean;
  title: string;
  body: string;
  /** The message counts toward the tray/dock badge: muted conversations do not. */
  badge: boolean;
}

function isWorthNotifying(
  { message, conversation, reaction }: IncomingMessage,
  settings: NotificationSettings,
  screen: ScreenState,
  now: number,
): boolean {
  // A reaction is news for the author of the message; a message, for everyone else.
  const from = reaction ? reaction.userId : message.senderId;
  if (from === screen.myUserId || message.isDeleted) return false;
  // Membership changes are shown in the group, not announced (as in Signal).
  if (message.messageType === 'system' && !reaction) return false;
  if (reaction && message.senderId !== screen.myUserId) return false;
  if (settings.isAllMuted || conversation.muted) return false;
  if (isDoNotDisturbOn(settings.doNotDisturb, now)) return false;
  // The user is reading this very conversation: the message is already in front of them.
  return !screen.isWindowFocused || screen.activeConvKey !== conversation.key;
}

export function decideNotification(
  incoming: IncomingMessage,
  settings: NotificationSettings,
  screen: ScreenState,
  now: number,
): NotificationDecision {
  const notify = isWorthNotifying(incoming, settings, screen, now);
  const { message, reaction } = incoming;
  // Reactions notify but do not count as unread, as in WhatsApp and Signal.
  const isUnreadFromOthers =
    !reaction && message.senderId !== screen.myUserId && !message.isDeleted;
  const text = reaction
    ? `Reacted ${reaction.emoji} to “${messagePreview(message)}”`
    : messagePreview(message);
  return {
    notify,
    sound: notify && settings.isSoundOn,
    title:
      settings.preview === 'nothing'
        ? ANONYMOUS_TITLE
        : titleFor(incoming.conversation, reaction ? reaction.userId : message.senderId),
    body: settings.preview === 'name-and-message' ? bodyFor(text) : NO_PREVIEW,
    badge: isUnreadFromOthers && countsTowardBadge(incoming.conversation),
  };
}

export function contextLabel(
  conversation: Pick<LocalConversation, 'conversationType' | 'contextTitle' | 'group'>,
): string {
  if (conversation.contextTitle) return conversation.contextTitle;
  if (conversation.group) return 'Group';
  if (conversation.conversationType === 'service') return 'Service';
  if (conversation.conversationType === 'request') return 'Request';
  return 'Direct message';
}

/** "‹name› · ‹context›", or for a group "‹sender› in ‹group›", each user-written part
 * isolated, within the bridge's limit. */
function titleFor(conversation: LocalConversation, fromUserId: number): string {
  if (conversation.group) {
    const sender = conversation.group.members.find((m) => m.userId === fromUserId);
    const who = sender ? isolateText(sender.displayName, NAME_MAX) : FORMER_MEMBER;
    const room = TITLE_MAX - who.length - IN_GROUP.length;
    return `${who}${IN_GROUP}${isolateText(conversation.group.title, room)}`;
  }
  const name = isolateText(conversation.otherDisplayName, NAME_MAX);
  const room = TITLE_MAX - name.length - SEPARATOR.length;
  const context = conversation.contextTitle
    ? isolateText(conversation.contextTitle, room)
    : clipText(contextLabel(conversation), room);
  return `${name}${SEPARATOR}${context}`;
}

function bodyFor(content: string): string {
  const text = content.replace(/\s+/g, ' ').trim();
  return text ? isolateText(text, BODY_MAX) : NO_PREVIEW;
}

/** The bridge's arguments for a decided notification. The OS stays silent: the app
 * plays its own sound when the decision says so, the same on every platform. */
export function notifyArgsFor(
  { conversation }: IncomingMessage,
  decision: Pick<NotificationDecision, 'title' | 'body'>,
  myUserId: number,
): NotifyArgs {
  return {
    conversationKey: conversation.key,
    title: decision.title,
    body: decision.body,
    target:
      conversation.serverId === null
        ? null
        : {
            userId: routeUserId(conversation, myUserId),
            conversationId: conversation.serverId,
          },
    silent: true,
  };
}
