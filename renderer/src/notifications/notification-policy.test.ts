import { describe, expect, it } from 'vitest';
import { aConversation, aMessage, ME, OTHER } from '../test-support/builders.ts';
import { notificationFor, type ScreenState, shouldNotify } from './notification-policy.ts';

const conversation = aConversation({ key: 's10', serverId: 10 });
const incoming = {
  message: aMessage({ senderId: OTHER, content: 'Are you free on Saturday?' }),
  conversation,
};
const focusedOn = (activeConvKey: string | null): ScreenState => ({
  myUserId: ME,
  activeConvKey,
  isWindowFocused: true,
});

describe('shouldNotify', () => {
  it('stays quiet when the conversation is on screen in a focused window', () => {
    expect(shouldNotify(incoming, focusedOn('s10'))).toBe(false);
  });

  it('notifies when another conversation is open', () => {
    expect(shouldNotify(incoming, focusedOn('s99'))).toBe(true);
  });

  it('notifies when no conversation is open', () => {
    expect(shouldNotify(incoming, focusedOn(null))).toBe(true);
  });

  it('notifies for the open conversation when the window is not focused', () => {
    expect(shouldNotify(incoming, { ...focusedOn('s10'), isWindowFocused: false })).toBe(true);
  });

  it('never notifies about one’s own messages (sent from another device)', () => {
    const own = { ...incoming, message: aMessage({ senderId: ME }) };
    expect(shouldNotify(own, { ...focusedOn(null), isWindowFocused: false })).toBe(false);
  });

  it('never notifies for a muted conversation', () => {
    const muted = { ...incoming, conversation: aConversation({ muted: true }) };
    expect(shouldNotify(muted, { ...focusedOn(null), isWindowFocused: false })).toBe(false);
  });

  it('skips a message that arrives already deleted', () => {
    const deleted = { ...incoming, message: aMessage({ isDeleted: true }) };
    expect(shouldNotify(deleted, focusedOn(null))).toBe(false);
  });
});

describe('notificationFor', () => {
  it('titles with the sender and the context, and shows the text', () => {
    expect(notificationFor(incoming, { hidePreviews: false })).toEqual({
      conversationKey: 's10',
      title: 'Bob Requester · Guitar lessons for beginners',
      body: 'Are you free on Saturday?',
      target: { userId: OTHER, conversationId: 10 },
    });
  });

  it('hides the text when previews are turned off', () => {
    expect(notificationFor(incoming, { hidePreviews: true }).body).toBe('New message');
  });

  it('names a conversation without context as a direct message', () => {
    const general = {
      ...incoming,
      conversation: aConversation({
        conversationType: 'general',
        contextId: null,
        contextTitle: null,
      }),
    };
    expect(notificationFor(general, { hidePreviews: false }).title).toBe(
      'Bob Requester · Direct message',
    );
  });

  it('keeps a long message within what the bridge accepts', () => {
    const long = { ...incoming, message: aMessage({ content: 'x'.repeat(10_000) }) };
    expect(notificationFor(long, { hidePreviews: false }).body.length).toBeLessThanOrEqual(1000);
  });
});
