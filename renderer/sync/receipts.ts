// Receipts are not queued operations: they are this user's watermarks on each
// conversation, and a receipt is due wherever those are ahead of what the server
// confirmed (DESIGN §3.5). Whoever raises a mark (this tab, another tab, a stored
// message) only raises it; the leader reads what is due when it pushes. So no tab's
// settle can drop another's receipt, and a receipt lost on the way is simply due again.
//
// What the server confirmed is kept in memory first and written with the next
// transaction the engine runs anyway: losing it to a crash only sends a receipt twice.
import type { PushOp } from '../../shared/sync/protocol.ts';
import { mergeWatermarks, NO_WATERMARKS, type Watermarks } from '../../shared/sync/status.ts';
import type { ChatDatabase } from './db.ts';
import { isAhead, marksOf, receiptFields } from './marks.ts';

interface DueReceipt {
  op: PushOp;
  convKey: string;
  /** The marks this receipt tells the server. */
  marks: Watermarks;
}

export interface Receipts {
  /** Receipts to push now, newest marks of each conversation: at most `maxOps`
   * operations (a conversation may need two, read and delivered). */
  due(maxOps: number): Promise<DueReceipt[]>;
  /** The server answered these: remember them as confirmed. */
  confirm(receipts: readonly DueReceipt[]): void;
  /** Writes what was confirmed since the last call; inside a transaction over
   * conversations. Returns whether anything was left to write. */
  persist(): Promise<boolean>;
  hasUnpersisted(): boolean;
}

export function createReceipts({
  db,
  userId,
  newId,
}: {
  db: ChatDatabase;
  userId: number;
  newId: () => string;
}): Receipts {
  const confirmed = new Map<string, Watermarks>();

  return {
    async due(maxOps) {
      const receipts: DueReceipt[] = [];
      const rows = await db.conversations.where('receiptDue').equals(1).limit(maxOps).toArray();
      for (const conversation of rows) {
        if (receipts.length >= maxOps) break;
        if (conversation.serverId === null) continue;
        const mine = marksOf(conversation, userId);
        const known = mergeWatermarks(
          conversation.confirmedMarks,
          confirmed.get(conversation.key) ?? NO_WATERMARKS,
        );
        if (!isAhead(mine, known)) continue;
        const conversationId = conversation.serverId;
        // A read receipt covers delivery up to the same message.
        if (mine.readUpTo > known.readUpTo) {
          receipts.push({
            op: { opId: newId(), kind: 'readUpTo', conversationId, messageId: mine.readUpTo },
            convKey: conversation.key,
            marks: { deliveredUpTo: mine.readUpTo, readUpTo: mine.readUpTo },
          });
        }
        if (
          mine.deliveredUpTo > Math.max(known.deliveredUpTo, mine.readUpTo) &&
          receipts.length < maxOps
        ) {
          receipts.push({
            op: {
              opId: newId(),
              kind: 'deliveredUpTo',
              conversationId,
              messageId: mine.deliveredUpTo,
            },
            convKey: conversation.key,
            marks: { deliveredUpTo: mine.deliveredUpTo, readUpTo: 0 },
          });
        }
      }
      return receipts;
    },

    confirm(receipts) {
      for (const receipt of receipts) {
        const before = confirmed.get(receipt.convKey) ?? NO_WATERMARKS;
        confirmed.set(receipt.convKey, mergeWatermarks(before, receipt.marks));
      }
    },

    async persist() {
      if (confirmed.size === 0) return false;
      const entries = [...confirmed];
      confirmed.clear();
      const rows = await db.conversations.bulkGet(entries.map(([key]) => key));
      for (const [i, [key, marks]] of entries.entries()) {
        const row = rows[i];
        if (!row) continue;
        const next = mergeWatermarks(row.confirmedMarks, marks);
        await db.conversations.update(key, receiptFields(row.members, next, userId));
      }
      return true;
    },

    hasUnpersisted: () => confirmed.size > 0,
  };
}
