import { describe, expect, it } from 'vitest';
import { aConversation, aMessage, ME, OTHER } from '../test-support/builders.ts';
import { notificationFor, type ScreenState, shouldNotify } from './notification-policy.ts';

const FSI = '\u2068';
const PDI = '\u2069';
const RLO = '\u202E';
const PDF = '\u202C';
const isolated = (text: string) => `${FSI}${text}${PDI}`;

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
  it('titles with the sender and the context, and shows the text, each isolated', () => {
    expect(notificationFor(incoming, { hidePreviews: false })).toEqual({
      conversationKey: 's10',
      title: `${isolated('Bob Requester')} · ${isolated('Guitar lessons for beginners')}`,
      body: isolated('Are you free on Saturday?'),
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
      `${isolated('Bob Requester')} · Direct message`,
    );
  });

  it('keeps a long message within what the bridge accepts', () => {
    const long = { ...incoming, message: aMessage({ content: 'x'.repeat(10_000) }) };
    expect(notificationFor(long, { hidePreviews: false }).body.length).toBeLessThanOrEqual(1000);
  });

  it('[bidi] a name with a right-to-left override cannot reorder the rest of the title', () => {
    const spoof = {
      ...incoming,
      conversation: aConversation({ otherDisplayName: `Bob${RLO}gnp.exe` }),
    };
    const { title } = notificationFor(spoof, { hidePreviews: false });
    // The override is closed, and the name isolated, before the fixed " · " and context.
    expect(title).toBe(
      `${isolated(`Bob${RLO}gnp.exe${PDF}`)} · ${isolated('Guitar lessons for beginners')}`,
    );
  });

  it('[bidi] a stray isolate closer in a name cannot end the isolation early', () => {
    const spoof = {
      ...incoming,
      conversation: aConversation({ otherDisplayName: `Bob${PDI}${RLO}evil` }),
    };
    expect(notificationFor(spoof, { hidePreviews: false }).title).toMatch(
      new RegExp(`^${FSI}Bob${RLO}evil${PDF}${PDI} · `),
    );
  });

  it('[bidi] message text is isolated too, and longest names and titles stay within the limit', () => {
    const longest = {
      message: aMessage({ senderId: OTHER, content: `${RLO}hi` }),
      conversation: aConversation({
        otherDisplayName: RLO.repeat(100),
        contextTitle: 't'.repeat(200),
      }),
    };
    const args = notificationFor(longest, { hidePreviews: false });
    expect(args.body).toBe(isolated(`${RLO}hi${PDF}`));
    expect(args.title.length).toBeLessThanOrEqual(300);
    expect(args.title.startsWith(FSI)).toBe(true);
    expect(args.title.endsWith(PDI)).toBe(true);
  });
});
