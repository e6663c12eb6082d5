// When a message from someone else arrives, decide whether to notify and with what.
// Pure: the caller supplies what is on screen and whether the window has focus.
import type { NotifyArgs } from '../../../shared/platform/bridge.ts';
import type { IncomingMessage } from '../../sync/api.ts';
import type { LocalConversation } from '../../sync/db.ts';

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

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function notificationFor(
  { message, conversation }: IncomingMessage,
  options: { hidePreviews: boolean },
): NotifyArgs {
  const body = options.hidePreviews ? 'New message' : message.content.replace(/\s+/g, ' ').trim();
  return {
    conversationKey: conversation.key,
    title: clip(`${conversation.otherDisplayName} · ${contextLabel(conversation)}`, 300),
    body: clip(body || 'New message', 1000),
    target:
      conversation.serverId === null
        ? null
        : { userId: conversation.otherUserId, conversationId: conversation.serverId },
  };
}
