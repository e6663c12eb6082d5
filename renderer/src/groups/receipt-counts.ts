// Who of a group's other members got and read one message, read off their watermarks
// (DESIGN §3.5), member by member for the Read by dialog: the same members
// `groupReceiptCounts` counts for "Read by 2 of 4".
import type { LocalConversation, LocalMessage } from '../../sync/db.ts';
import { confirmedFacts } from '../../sync/groups.ts';
import { marksOf } from '../../sync/marks.ts';

export type ReceiptState = 'read' | 'delivered' | 'not-yet';

export interface MemberReceipt {
  userId: number;
  displayName: string;
  state: ReceiptState;
}

type Message = Pick<LocalMessage, 'serverId' | 'senderId'>;
type Conversation = Pick<LocalConversation, 'members' | 'group'>;

export function memberReceipts(message: Message, conversation: Conversation): MemberReceipt[] {
  const { group } = conversation;
  const { serverId } = message;
  // The same members groupReceiptCounts counts: not those who joined after the message.
  const others = (group ? confirmedFacts(group).members : []).filter(
    (m) => m.userId !== message.senderId && (m.historyFrom ?? 0) <= (serverId ?? 0),
  );
  return others.map((member) => {
    const marks = marksOf(conversation, member.userId);
    const state: ReceiptState =
      serverId === null
        ? 'not-yet'
        : marks.readUpTo >= serverId
          ? 'read'
          : marks.deliveredUpTo >= serverId
            ? 'delivered'
            : 'not-yet';
    return { userId: member.userId, displayName: member.displayName, state };
  });
}

export function readByText(read: number, of: number): string {
  return `Read by ${read} of ${of}`;
}
