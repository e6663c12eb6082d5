import { describe, expect, it } from 'vitest';
import {
  aConversation,
  aGroupConversation,
  aMessage,
  ME,
  OTHER,
  THIRD,
} from '../test-support/builders.ts';
import {
  ANONYMOUS_TITLE,
  decideNotification,
  NO_PREVIEW,
  notifyArgsFor,
  type ScreenState,
} from './notification-policy.ts';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  type NotificationSettings,
} from './notification-settings.ts';

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
const away: ScreenState = { myUserId: ME, activeConvKey: null, isWindowFocused: false };
/** Thursday 3 December 2026 at the given local time. */
const at = (hours: number, minutes = 0) => new Date(2026, 11, 3, hours, minutes).getTime();
const NOON = at(12);

function decide(
  settings: Partial<NotificationSettings> = {},
  screen: ScreenState = away,
  now = NOON,
  message = incoming,
) {
  return decideNotification(
    message,
    { ...DEFAULT_NOTIFICATION_SETTINGS, ...settings },
    screen,
    now,
  );
}

describe('focus and sender', () => {
  it('stays quiet when the conversation is on screen in a focused window', () => {
    expect(decide({}, focusedOn('s10')).notify).toBe(false);
  });

  it('notifies when another conversation is open', () => {
    expect(decide({}, focusedOn('s99')).notify).toBe(true);
  });

  it('notifies when no conversation is open', () => {
    expect(decide({}, focusedOn(null)).notify).toBe(true);
  });

  it('notifies for the open conversation when the window is not focused', () => {
    expect(decide({}, { ...focusedOn('s10'), isWindowFocused: false }).notify).toBe(true);
  });

  it('never notifies about one’s own messages (sent from another device)', () => {
    const own = { ...incoming, message: aMessage({ senderId: ME }) };
    const decision = decide({}, away, NOON, own);
    expect(decision.notify).toBe(false);
    expect(decision.badge).toBe(false);
  });

  it('skips a message that arrives already deleted', () => {
    const deleted = { ...incoming, message: aMessage({ isDeleted: true }) };
    expect(decide({}, away, NOON, deleted)).toMatchObject({ notify: false, badge: false });
  });
});

describe('mute', () => {
  const muted = { ...incoming, conversation: aConversation({ muted: true }) };

  it('a muted conversation neither notifies nor counts toward the badge', () => {
    expect(decide({}, away, NOON, muted)).toMatchObject({
      notify: false,
      sound: false,
      badge: false,
    });
  });

  it('an unmuted conversation counts toward the badge', () => {
    expect(decide().badge).toBe(true);
  });

  it('muting everything silences every conversation but keeps the badge', () => {
    expect(decide({ isAllMuted: true })).toMatchObject({
      notify: false,
      sound: false,
      badge: true,
    });
  });
});

describe('do not disturb', () => {
  it('for an hour: quiet until the hour is over, then notifies again', () => {
    const dnd = { doNotDisturb: { mode: 'until', until: at(13) } } as const;
    expect(decide(dnd, away, at(12, 59)).notify).toBe(false);
    expect(decide(dnd, away, at(13)).notify).toBe(true);
  });

  it('keeps the badge while quiet', () => {
    const dnd = { doNotDisturb: { mode: 'until', until: at(13) } } as const;
    expect(decide(dnd, away, NOON).badge).toBe(true);
  });

  it('a schedule within one day holds from its start up to, not including, its end', () => {
    const dnd = { doNotDisturb: { mode: 'schedule', start: '09:00', end: '17:30' } } as const;
    expect(decide(dnd, away, at(8, 59)).notify).toBe(true);
    expect(decide(dnd, away, at(9)).notify).toBe(false);
    expect(decide(dnd, away, at(17, 29)).notify).toBe(false);
    expect(decide(dnd, away, at(17, 30)).notify).toBe(true);
  });

  it('a schedule across midnight holds late at night and early in the morning', () => {
    const dnd = { doNotDisturb: { mode: 'schedule', start: '22:00', end: '07:00' } } as const;
    expect(decide(dnd, away, at(21, 59)).notify).toBe(true);
    expect(decide(dnd, away, at(22)).notify).toBe(false);
    expect(decide(dnd, away, at(23, 59)).notify).toBe(false);
    expect(decide(dnd, away, at(0)).notify).toBe(false);
    expect(decide(dnd, away, at(6, 59)).notify).toBe(false);
    expect(decide(dnd, away, at(7)).notify).toBe(true);
    expect(decide(dnd, away, NOON).notify).toBe(true);
  });

  it('a schedule that starts and ends at the same minute never holds', () => {
    const dnd = { doNotDisturb: { mode: 'schedule', start: '08:00', end: '08:00' } } as const;
    expect(decide(dnd, away, at(8)).notify).toBe(true);
  });
});

describe('sound', () => {
  it('plays with a notification when the sound is on', () => {
    expect(decide()).toMatchObject({ notify: true, sound: true });
  });

  it('stays silent when the sound is off', () => {
    expect(decide({ isSoundOn: false })).toMatchObject({ notify: true, sound: false });
  });

  it('never plays without a notification', () => {
    expect(decide({}, focusedOn('s10')).sound).toBe(false);
  });
});

describe('what a notification shows', () => {
  it('name and message: titles with the sender and the context, and shows the text, each isolated', () => {
    const decision = decide();
    expect(decision.title).toBe(
      `${isolated('Bob Requester')} · ${isolated('Guitar lessons for beginners')}`,
    );
    expect(decision.body).toBe(isolated('Are you free on Saturday?'));
  });

  it('name only: keeps the sender and hides the text', () => {
    const decision = decide({ preview: 'name-only' });
    expect(decision.title).toContain('Bob Requester');
    expect(decision.body).toBe(NO_PREVIEW);
  });

  it('no name or message: hides the sender and the text', () => {
    const decision = decide({ preview: 'nothing' });
    expect(decision).toMatchObject({ title: ANONYMOUS_TITLE, body: NO_PREVIEW });
    expect(`${decision.title}${decision.body}`).not.toContain('Bob');
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
    expect(decide({}, away, NOON, general).title).toBe(
      `${isolated('Bob Requester')} · Direct message`,
    );
  });

  it('keeps a long message within what the bridge accepts', () => {
    const long = { ...incoming, message: aMessage({ content: 'x'.repeat(10_000) }) };
    expect(decide({}, away, NOON, long).body.length).toBeLessThanOrEqual(1000);
  });

  it('hands the bridge a silent notification that opens the conversation', () => {
    expect(notifyArgsFor(incoming, decide(), ME)).toEqual({
      conversationKey: 's10',
      title: `${isolated('Bob Requester')} · ${isolated('Guitar lessons for beginners')}`,
      body: isolated('Are you free on Saturday?'),
      target: { userId: OTHER, conversationId: 10 },
      silent: true,
    });
  });

  it('[bidi] a name with a right-to-left override cannot reorder the rest of the title', () => {
    const spoof = {
      ...incoming,
      conversation: aConversation({ otherDisplayName: `Bob${RLO}gnp.exe` }),
    };
    // The override is closed, and the name isolated, before the fixed " · " and context.
    expect(decide({}, away, NOON, spoof).title).toBe(
      `${isolated(`Bob${RLO}gnp.exe${PDF}`)} · ${isolated('Guitar lessons for beginners')}`,
    );
  });

  it('[bidi] a stray isolate closer in a name cannot end the isolation early', () => {
    const spoof = {
      ...incoming,
      conversation: aConversation({ otherDisplayName: `Bob${PDI}${RLO}evil` }),
    };
    expect(decide({}, away, NOON, spoof).title).toMatch(
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
    const decision = decide({}, away, NOON, longest);
    expect(decision.body).toBe(isolated(`${RLO}hi${PDF}`));
    expect(decision.title.length).toBeLessThanOrEqual(300);
    expect(decision.title.startsWith(FSI)).toBe(true);
    expect(decision.title.endsWith(PDI)).toBe(true);
  });
});

describe('[§4a] reactions', () => {
  const mine = aMessage({ senderId: ME, content: 'Lesson at 10?' });
  const reacted = (userId: number, message = mine) => ({
    message,
    conversation,
    reaction: { emoji: '👍', userId },
  });

  it('tell the author who reacted with what to which message, without counting as unread', () => {
    const decision = decide({}, away, NOON, reacted(OTHER));
    expect(decision).toMatchObject({ notify: true, badge: false });
    expect(decision.body).toBe(isolated('Reacted 👍 to “Lesson at 10?”'));
  });

  it('stay quiet for one’s own reaction from another device, and for others’ messages', () => {
    expect(decide({}, away, NOON, reacted(ME)).notify).toBe(false);
    const theirs = aMessage({ senderId: OTHER, content: 'hi' });
    expect(decide({}, away, NOON, reacted(OTHER, theirs)).notify).toBe(false);
  });
});

describe('[§4a] group notifications', () => {
  const group = aGroupConversation();
  const inGroup = (senderId: number, content = 'Agenda for Monday?') => ({
    message: aMessage({ convKey: 's20', senderId, content }),
    conversation: group,
  });

  it('are titled with the sender in the group, each isolated', () => {
    const decision = decide({}, away, NOON, inGroup(OTHER));
    expect(decision.title).toBe(`${isolated('Bob Requester')} in ${isolated('Lesson planning')}`);
    expect(decision.body).toBe(isolated('Agenda for Monday?'));
  });

  it('name a sender who has left as a former member', () => {
    expect(decide({}, away, NOON, inGroup(77)).title).toBe(
      `Former member in ${isolated('Lesson planning')}`,
    );
  });

  it('name who reacted, in the group, for a reaction to one’s own message', () => {
    const reaction = {
      message: aMessage({ convKey: 's20', senderId: ME, content: 'Lesson at 10?' }),
      conversation: group,
      reaction: { emoji: '👍', userId: THIRD },
    };
    const decision = decide({}, away, NOON, reaction);
    expect(decision.notify).toBe(true);
    expect(decision.title).toBe(`${isolated('Carol Provider')} in ${isolated('Lesson planning')}`);
    expect(decision.body).toBe(isolated('Reacted 👍 to “Lesson at 10?”'));
  });

  it('stay quiet for a membership change', () => {
    const change = {
      message: aMessage({
        convKey: 's20',
        senderId: OTHER,
        messageType: 'system',
        content: 'Bob Requester added Dora',
      }),
      conversation: group,
    };
    expect(decide({}, away, NOON, change).notify).toBe(false);
  });

  it('open the group through a link with a valid user id', () => {
    expect(
      notifyArgsFor(inGroup(OTHER), decide({}, away, NOON, inGroup(OTHER)), ME).target,
    ).toEqual({ userId: ME, conversationId: 20 });
  });
});
