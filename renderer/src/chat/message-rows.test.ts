import { describe, expect, it } from 'vitest';
import { aMessage, ME, OTHER } from '../test-support/builders.ts';
import { buildMessageRows, firstUnreadMessage, shiftFirstIndex } from './message-rows.ts';

const at = (iso: string) => ({ createdAt: iso, updatedAt: iso });
const now = new Date('2025-03-10T12:00:00');
const options = { myUserId: ME, unreadFrom: null, now, locale: 'en-US' };

describe('buildMessageRows', () => {
  it('puts a date separator where the day changes', () => {
    const rows = buildMessageRows(
      [
        aMessage(at('2025-03-09T10:00:00')),
        aMessage(at('2025-03-09T10:01:00')),
        aMessage(at('2025-03-10T09:00:00')),
      ],
      options,
    );
    expect(rows.map((r) => (r.kind === 'date' ? r.label : r.kind))).toEqual([
      'Yesterday',
      'message',
      'message',
      'Today',
      'message',
    ]);
  });

  it('groups one sender’s messages within five minutes, and breaks on a gap or another sender', () => {
    const rows = buildMessageRows(
      [
        aMessage({ senderId: OTHER, ...at('2025-03-10T09:00:00') }),
        aMessage({ senderId: OTHER, ...at('2025-03-10T09:04:00') }),
        aMessage({ senderId: OTHER, ...at('2025-03-10T09:20:00') }),
        aMessage({ senderId: ME, ...at('2025-03-10T09:21:00') }),
      ],
      options,
    ).filter((r) => r.kind === 'message');
    expect(rows.map((r) => [r.isFirstInGroup, r.isLastInGroup])).toEqual([
      [true, false],
      [false, true],
      [true, true],
      [true, true],
    ]);
    expect(rows.map((r) => r.isOwn)).toEqual([false, false, false, true]);
  });

  it('puts the new-messages marker before the first unread message and starts a group there', () => {
    const messages = [
      aMessage(at('2025-03-10T09:00:00')),
      aMessage(at('2025-03-10T09:01:00')),
      aMessage(at('2025-03-10T09:02:00')),
    ];
    const rows = buildMessageRows(messages, { ...options, unreadFrom: messages[1]!.clientMsgId });
    expect(rows.map((r) => r.kind)).toEqual(['date', 'message', 'unread', 'message', 'message']);
    const afterMarker = rows[3];
    expect(afterMarker?.kind === 'message' && afterMarker.isFirstInGroup).toBe(true);
  });
});

describe('firstUnreadMessage', () => {
  it('is the first message of the other person after the read mark', () => {
    const messages = [
      aMessage({ senderId: OTHER, serverId: 1 }),
      aMessage({ senderId: ME, serverId: 2 }),
      aMessage({ senderId: OTHER, serverId: 3 }),
      aMessage({ senderId: OTHER, serverId: 4 }),
    ];
    expect(firstUnreadMessage(messages, ME, 2)).toBe(messages[2]!.clientMsgId);
    expect(firstUnreadMessage(messages, ME, 4)).toBeNull();
    expect(firstUnreadMessage(messages, ME, null)).toBeNull();
  });

  it('sits right above the first unread of a 300-message backlog, with deleted ones and replies among them', () => {
    const read = [1, 2, 3].map((serverId) => aMessage({ senderId: OTHER, serverId }));
    const backlog = Array.from({ length: 300 }, (_, i) =>
      aMessage({
        serverId: 4 + i,
        senderId: i % 50 === 49 ? ME : OTHER,
        isDeleted: i === 0,
      }),
    );
    const messages = [...read, ...backlog];
    const unreadFrom = firstUnreadMessage(messages, ME, 3);
    expect(unreadFrom).toBe(backlog[1]!.clientMsgId);
    const rows = buildMessageRows(messages, { ...options, unreadFrom });
    const marker = rows.findIndex((r) => r.kind === 'unread');
    expect(rows[marker + 1]).toMatchObject({ kind: 'message', key: backlog[1]!.clientMsgId });
    expect(rows.filter((r) => r.kind === 'unread')).toHaveLength(1);
  });
});

describe('shiftFirstIndex (keeping the scroll position while older rows load)', () => {
  it('falls by the number of rows that appeared above the first loaded message', () => {
    const [a, b, c] = [
      aMessage(at('2025-03-10T09:00:00')),
      aMessage(at('2025-03-10T09:01:00')),
      aMessage(at('2025-03-10T09:02:00')),
    ];
    const before = buildMessageRows([b!, c!], options);
    const after = buildMessageRows([a!, b!, c!], options);
    expect(shiftFirstIndex(1000, before, after)).toBe(999);
  });

  it('stays put when rows are appended at the bottom', () => {
    const [a, b] = [aMessage(at('2025-03-10T09:00:00')), aMessage(at('2025-03-10T09:01:00'))];
    expect(
      shiftFirstIndex(1000, buildMessageRows([a!], options), buildMessageRows([a!, b!], options)),
    ).toBe(1000);
  });
});
