import { describe, expect, test } from 'vitest';
import type { GroupFacts, GroupMember, LocalConversation, MemberMarks } from './db.ts';
import {
  type ChangeContext,
  groupChangeRefusal,
  groupReceiptCounts,
  isReadOnly,
  shownGroupFacts,
} from './groups.ts';
import { displayedStatus } from './marks.ts';

const ME = 1;
const BOB = 2;
const CAROL = 3;
const DAVE = 4;
const AT = '2025-01-01T00:00:00.000Z';

const member = (userId: number, role: GroupMember['role'] = 'member'): GroupMember => ({
  userId,
  displayName: `user ${userId}`,
  role,
  joinedAt: AT,
});

const facts = (members = [member(ME, 'admin'), member(BOB), member(CAROL)]): GroupFacts => ({
  title: 'Garden club',
  members,
  leftUpTo: null,
});

function group(
  fields: Partial<GroupFacts> = {},
  members: MemberMarks[] = [],
): Pick<LocalConversation, 'members' | 'group' | 'otherUserId'> {
  return {
    otherUserId: 0,
    members,
    group: { ...facts(), rosterVersion: 1, ...fields },
  };
}

const context: ChangeContext = {
  userId: ME,
  at: '2025-01-02T00:00:00.000Z',
  known: new Map([[DAVE, { displayName: 'Dave' }]]),
  lastMessageId: 9,
};

const marks = (userId: number, deliveredUpTo: number, readUpTo: number): MemberMarks => ({
  userId,
  deliveredUpTo,
  readUpTo,
});

describe('what a group shows', () => {
  test('waiting changes are laid over the confirmed facts in the order they were made', () => {
    const shown = shownGroupFacts(
      facts(),
      [
        { type: 'add', userIds: [DAVE] },
        { type: 'rename', title: 'Allotment' },
        { type: 'remove', userId: BOB },
      ],
      context,
    );
    expect(shown.title).toBe('Allotment');
    expect(shown.members.map((m) => m.userId)).toEqual([ME, CAROL, DAVE]);
    expect(shown.members.at(-1)).toEqual({
      userId: DAVE,
      displayName: 'Dave',
      role: 'member',
      joinedAt: context.at,
    });
  });

  test('leaving takes this user out and makes the group read-only from the newest message here', () => {
    const shown = shownGroupFacts(facts(), [{ type: 'leave' }], context);
    expect(shown.members.map((m) => m.userId)).toEqual([BOB, CAROL]);
    expect(shown.leftUpTo).toBe(9);
    expect(isReadOnly({ group: { ...shown, rosterVersion: 1 } })).toBe(true);
    expect(isReadOnly(group())).toBe(false);
  });

  test('adding someone who is a member already changes nothing', () => {
    const shown = shownGroupFacts(facts(), [{ type: 'add', userIds: [BOB] }], context);
    expect(shown.members.map((m) => m.userId)).toEqual([ME, BOB, CAROL]);
  });
});

describe('who may change a group', () => {
  test('only an admin renames, adds or removes; anyone may leave; nobody changes a group they left', () => {
    const asMember = group({ members: [member(ME), member(BOB, 'admin'), member(CAROL)] });
    expect(groupChangeRefusal(asMember, { type: 'rename', title: 'x' }, ME)).toMatch(/admin/);
    expect(groupChangeRefusal(asMember, { type: 'remove', userId: CAROL }, ME)).toMatch(/admin/);
    expect(groupChangeRefusal(asMember, { type: 'leave' }, ME)).toBeNull();
    expect(groupChangeRefusal(group(), { type: 'add', userIds: [DAVE] }, ME)).toBeNull();
    expect(groupChangeRefusal(group({ leftUpTo: 4 }), { type: 'leave' }, ME)).toMatch(
      /no longer a member/,
    );
  });

  test('an admin leaves with leave, not by removing themselves', () => {
    expect(groupChangeRefusal(group(), { type: 'remove', userId: ME }, ME)).toMatch(/leave/);
  });

  test('a group never grows past 256 members', () => {
    const full = Array.from({ length: 255 }, (_, i) => member(i + 10));
    const big = group({ members: [member(ME, 'admin'), ...full] });
    expect(groupChangeRefusal(big, { type: 'add', userIds: [DAVE] }, ME)).toMatch(/256/);
  });
});

describe('receipts in a group', () => {
  test('[S3.5] my message is delivered only once every other member has it, read only once every other member read it', () => {
    const message = { serverId: 5, senderId: ME, status: 'sent' as const };
    const shown = (members: MemberMarks[]) => displayedStatus(message, group({}, members), ME);
    expect(shown([marks(BOB, 5, 5), marks(CAROL, 0, 0)])).toBe('sent');
    expect(shown([marks(BOB, 5, 5), marks(CAROL, 5, 0)])).toBe('delivered');
    expect(shown([marks(BOB, 7, 7), marks(CAROL, 6, 6)])).toBe('read');
    expect(groupReceiptCounts(message, group({}, [marks(BOB, 5, 5), marks(CAROL, 5, 0)]))).toEqual({
      delivered: 2,
      read: 1,
      of: 2,
    });
  });

  test('[S3.5] only current members count: someone who left no longer holds a message back', () => {
    const message = { serverId: 5, senderId: ME, status: 'sent' as const };
    const withoutCarol = group({ members: [member(ME, 'admin'), member(BOB), member(DAVE)] }, [
      marks(BOB, 5, 5),
      marks(CAROL, 0, 0),
      marks(DAVE, 5, 5),
    ]);
    expect(displayedStatus(message, withoutCarol, ME)).toBe('read');
    expect(groupReceiptCounts(message, withoutCarol)).toEqual({ delivered: 2, read: 2, of: 2 });
  });

  test('[S3.5] someone added after a message is not counted for it, and holds nothing back', () => {
    const earlier = { serverId: 5, senderId: ME, status: 'sent' as const };
    const later = { serverId: 9, senderId: ME, status: 'sent' as const };
    const withDave = group(
      { members: [member(ME, 'admin'), member(BOB), { ...member(DAVE), historyFrom: 8 }] },
      [marks(BOB, 9, 9), marks(DAVE, 8, 8)],
    );
    expect(groupReceiptCounts(earlier, withDave)).toEqual({ delivered: 1, read: 1, of: 1 });
    expect(displayedStatus(earlier, withDave, ME)).toBe('read');
    expect(groupReceiptCounts(later, withDave)).toEqual({ delivered: 1, read: 1, of: 2 });
    expect(displayedStatus(later, withDave, ME)).toBe('sent');
  });

  test('[S3.5] counts follow the confirmed roster, not a change still waiting', () => {
    const message = { serverId: 5, senderId: ME };
    const conversation = group({ members: [member(ME, 'admin'), member(BOB)] }, [marks(BOB, 5, 5)]);
    if (conversation.group) conversation.group.confirmed = facts();
    expect(groupReceiptCounts(message, conversation)).toEqual({ delivered: 1, read: 1, of: 2 });
  });

  test('[S3.5] someone else’s message in a group shows as far as my own marks say', () => {
    const theirs = { serverId: 5, senderId: BOB, status: 'sent' as const };
    expect(displayedStatus(theirs, group({}, [marks(ME, 5, 0)]), ME)).toBe('delivered');
    expect(groupReceiptCounts(theirs, group({}, [marks(ME, 5, 5), marks(CAROL, 5, 0)]))).toEqual({
      delivered: 2,
      read: 1,
      of: 2,
    });
  });

  test('[S3.5] my message never shows less than it reached before the members changed, and more once the marks say so', () => {
    const reached = { serverId: 5, senderId: ME, status: 'sent' as const };
    const alone = group({ members: [member(ME, 'admin')] }, [marks(BOB, 5, 5)]);
    expect(displayedStatus(reached, alone, ME)).toBe('sent');
    expect(displayedStatus({ ...reached, statusReached: 'read' }, alone, ME)).toBe('read');
    const delivered = { ...reached, statusReached: 'delivered' as const };
    expect(displayedStatus(delivered, group({}, [marks(BOB, 5, 0)]), ME)).toBe('delivered');
    expect(displayedStatus(delivered, group({}, [marks(BOB, 5, 5), marks(CAROL, 6, 6)]), ME)).toBe(
      'read',
    );
    // A failed edit of it still shows as failed.
    expect(displayedStatus({ ...delivered, status: 'failed' }, group(), ME)).toBe('failed');
  });

  test('a message not yet stored by the server has reached nobody', () => {
    expect(groupReceiptCounts({ serverId: null, senderId: ME }, group())).toEqual({
      delivered: 0,
      read: 0,
      of: 2,
    });
  });
});
