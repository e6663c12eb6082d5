// Watermarks on the device (DESIGN §3.5): every member's marks live on the conversation
// row and only ever rise. One's own marks also say which receipt the server still has to
// hear: `receiptDue` stays set while they are ahead of what it confirmed.
import {
  mergeWatermarks,
  NO_WATERMARKS,
  SERVER_STATUSES,
  type ServerStatus,
  statusFromWatermarks,
  type Watermarks,
} from '../../shared/sync/status.ts';
import type { LocalConversation, LocalMessage, MemberMarks } from './db.ts';
import { groupReceiptCounts } from './groups.ts';

export function marksOf(
  conversation: Pick<LocalConversation, 'members'>,
  userId: number,
): Watermarks {
  return conversation.members.find((m) => m.userId === userId) ?? NO_WATERMARKS;
}

/** How far the other participants got: in a two-person conversation, the other one. */
function othersMarks(conversation: Pick<LocalConversation, 'members' | 'otherUserId'>): Watermarks {
  return marksOf(conversation, conversation.otherUserId);
}

export function withMemberMarks(members: readonly MemberMarks[], next: MemberMarks): MemberMarks[] {
  const current = members.find((m) => m.userId === next.userId);
  if (!current)
    return [...members, { ...mergeWatermarks(NO_WATERMARKS, next), userId: next.userId }];
  const merged = mergeWatermarks(current, next);
  if (merged.deliveredUpTo === current.deliveredUpTo && merged.readUpTo === current.readUpTo) {
    return members as MemberMarks[];
  }
  return members.map((m) => (m.userId === next.userId ? { ...merged, userId: m.userId } : m));
}

/** Whether marks `a` say more than `b`. */
export function isAhead(a: Watermarks, b: Watermarks): boolean {
  return a.deliveredUpTo > b.deliveredUpTo || a.readUpTo > b.readUpTo;
}

/** The fields to write after this user's marks or the confirmed ones moved. */
export function receiptFields(
  members: readonly MemberMarks[],
  confirmedMarks: Watermarks,
  userId: number,
): Pick<LocalConversation, 'members' | 'confirmedMarks' | 'receiptDue'> {
  const mine = marksOf({ members: [...members] }, userId);
  const fields: Pick<LocalConversation, 'members' | 'confirmedMarks' | 'receiptDue'> = {
    members: [...members],
    confirmedMarks,
  };
  if (isAhead(mine, confirmedMarks)) fields.receiptDue = 1;
  else fields.receiptDue = undefined;
  return fields;
}

/** What a message shows: pending and failed as stored; a synced one as far as the
 * recipients' watermarks say (one's own: in a group, delivered or read once every other
 * current member is), or as far as one's own marks say (others'). */
export function displayedStatus(
  message: Pick<LocalMessage, 'status' | 'serverId' | 'senderId' | 'statusReached'>,
  conversation: Pick<LocalConversation, 'members' | 'otherUserId' | 'group'>,
  userId: number,
): 'pending' | 'failed' | ServerStatus {
  if (message.status !== 'sent' || message.serverId === null) return message.status;
  if (conversation.group && message.senderId === userId) {
    // Statuses only move forward. Watermarks only rise, but the members counted change:
    // those who read it may all leave, or a roster arriving late may name one who was
    // there and has not. What it showed before they changed is kept (group-store.ts).
    return furthestStatus(groupStatus(message, conversation), message.statusReached ?? 'sent');
  }
  const recipient =
    message.senderId === userId ? othersMarks(conversation) : marksOf(conversation, userId);
  return statusFromWatermarks(message.serverId, recipient);
}

/** How far one's own group message got with the members the group has now: delivered
 * (read) once every other member who may see it has it (read it). */
export function groupStatus(
  message: Pick<LocalMessage, 'serverId' | 'senderId'>,
  conversation: Pick<LocalConversation, 'members' | 'otherUserId' | 'group'>,
): ServerStatus {
  const { delivered, read, of } = groupReceiptCounts(message, conversation);
  // Nobody else is there to receive it.
  if (of === 0 || message.serverId === null) return 'sent';
  return read === of ? 'read' : delivered === of ? 'delivered' : 'sent';
}

export function furthestStatus(a: ServerStatus, b: ServerStatus): ServerStatus {
  return SERVER_STATUSES.indexOf(a) >= SERVER_STATUSES.indexOf(b) ? a : b;
}
