// Whether a new message deserves a system notification, and what it may show.
import type { DesktopSettings, NotifyArgs } from '../../shared/platform/bridge.ts';

export interface NotificationContext {
  isWindowFocused: boolean;
  /** The conversation on screen, as reported by the renderer. */
  activeConversationKey: string | null;
  mutedConversationKeys: ReadonlySet<string>;
  settings: DesktopSettings;
  now: number;
}

export type SuppressionReason =
  | 'do-not-disturb'
  | 'muted-for-a-while'
  | 'conversation-muted'
  | 'conversation-on-screen';

export type NotificationDecision =
  | { show: false; reason: SuppressionReason }
  | { show: true; title: string; body: string };

export const HIDDEN_PREVIEW_BODY = 'New message';

export function isMutedForAWhile(settings: DesktopSettings, now: number): boolean {
  return settings.mutedUntil !== null && now < settings.mutedUntil;
}

export function decideNotification(
  args: NotifyArgs,
  context: NotificationContext,
): NotificationDecision {
  if (context.settings.doNotDisturb) return { show: false, reason: 'do-not-disturb' };
  if (isMutedForAWhile(context.settings, context.now)) {
    return { show: false, reason: 'muted-for-a-while' };
  }
  if (context.mutedConversationKeys.has(args.conversationKey)) {
    return { show: false, reason: 'conversation-muted' };
  }
  // The user is reading this very conversation: the message is already in front of them.
  if (context.isWindowFocused && context.activeConversationKey === args.conversationKey) {
    return { show: false, reason: 'conversation-on-screen' };
  }
  const body = context.settings.hideMessagePreviews ? HIDDEN_PREVIEW_BODY : args.body;
  return { show: true, title: args.title, body };
}
