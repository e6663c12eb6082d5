import { describe, expect, it } from 'vitest';
import type { DesktopSettings, NotifyArgs } from '../../shared/platform/bridge.ts';
import {
  decideNotification,
  HIDDEN_PREVIEW_BODY,
  isMutedForAWhile,
  type NotificationContext,
} from './notification-policy.ts';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const QUIET: DesktopSettings = {
  doNotDisturb: false,
  hideMessagePreviews: false,
  mutedUntil: null,
};

function message(conversationKey = 'c-1'): NotifyArgs {
  return {
    conversationKey,
    title: 'Bob',
    body: 'Can you help with the garden on Saturday?',
    target: { userId: 2, conversationId: 1 },
  };
}

function context(overrides: Partial<NotificationContext> = {}): NotificationContext {
  return {
    isWindowFocused: false,
    activeConversationKey: null,
    mutedConversationKeys: new Set(),
    settings: QUIET,
    now: NOW,
    ...overrides,
  };
}

describe('decideNotification', () => {
  it('notifies with sender and text while the window is in the background', () => {
    expect(decideNotification(message(), context())).toEqual({
      show: true,
      title: 'Bob',
      body: 'Can you help with the garden on Saturday?',
    });
  });

  it('stays quiet for the conversation on screen in the focused window', () => {
    const decision = decideNotification(
      message('c-1'),
      context({ isWindowFocused: true, activeConversationKey: 'c-1' }),
    );
    expect(decision).toEqual({ show: false, reason: 'conversation-on-screen' });
  });

  it('notifies for another conversation while the window is focused', () => {
    const decision = decideNotification(
      message('c-2'),
      context({ isWindowFocused: true, activeConversationKey: 'c-1' }),
    );
    expect(decision.show).toBe(true);
  });

  it('notifies for the open conversation when the window is not focused', () => {
    const decision = decideNotification(
      message('c-1'),
      context({ isWindowFocused: false, activeConversationKey: 'c-1' }),
    );
    expect(decision.show).toBe(true);
  });

  it('stays quiet for a muted conversation', () => {
    const decision = decideNotification(
      message('c-1'),
      context({ mutedConversationKeys: new Set(['c-1']) }),
    );
    expect(decision).toEqual({ show: false, reason: 'conversation-muted' });
  });

  it('still notifies for other conversations when one is muted', () => {
    const decision = decideNotification(
      message('c-2'),
      context({ mutedConversationKeys: new Set(['c-1']) }),
    );
    expect(decision.show).toBe(true);
  });

  it('stays quiet while do-not-disturb is on', () => {
    const decision = decideNotification(
      message(),
      context({ settings: { ...QUIET, doNotDisturb: true } }),
    );
    expect(decision).toEqual({ show: false, reason: 'do-not-disturb' });
  });

  it('stays quiet until the mute-all time has passed', () => {
    const decision = decideNotification(
      message(),
      context({ settings: { ...QUIET, mutedUntil: NOW + 1 } }),
    );
    expect(decision).toEqual({ show: false, reason: 'muted-for-a-while' });
  });

  it('notifies again once the mute-all time is reached', () => {
    const decision = decideNotification(
      message(),
      context({ settings: { ...QUIET, mutedUntil: NOW } }),
    );
    expect(decision.show).toBe(true);
  });

  it('replaces the message text when previews are hidden', () => {
    const decision = decideNotification(
      message(),
      context({ settings: { ...QUIET, hideMessagePreviews: true } }),
    );
    expect(decision).toEqual({ show: true, title: 'Bob', body: HIDDEN_PREVIEW_BODY });
  });
});

describe('isMutedForAWhile', () => {
  it('is false when no mute-all time is set', () => {
    expect(isMutedForAWhile(QUIET, NOW)).toBe(false);
  });

  it('is true before the mute-all time', () => {
    expect(isMutedForAWhile({ ...QUIET, mutedUntil: NOW + 60_000 }, NOW)).toBe(true);
  });
});
