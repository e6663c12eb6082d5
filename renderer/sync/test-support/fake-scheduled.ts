// Scheduled messages in the in-memory sync server (fake-transport.ts), answering as
// server/scheduled/ does (docs/scheduling.md): the last change by the device's time
// wins, a change after sending is ALREADY_SENT, and what is due is sent through the
// ordinary send path as its sender. The fake has no delivery loop: what is due goes out
// whenever the fake is asked something (a push, a pull) or the test calls `deliverDue`
// after moving the clock.
import { changeStamp } from '../../../shared/change-stamp.ts';
import { SCHEDULE_LIMITS, type ScheduledView } from '../../../shared/scheduled.ts';
import type { OpOfKind, OpResult, RejectCode } from '../../../shared/sync/protocol.ts';

interface StoredScheduled {
  senderId: number;
  clientMsgId: string;
  conversationId: number;
  content: string;
  dueAt: number;
  state: ScheduledView['state'];
  stamp: string;
  messageId: number | null;
  sentAt: number | null;
  failure: string | null;
  updatedAt: number;
  changeEpoch: number;
}

export interface FakeScheduledDeps {
  now: () => number;
  /** The epoch a write stamps now. */
  epoch: () => number;
  /** Whether the user is in the conversation now, was (a group they left), or never. */
  standingOf(conversationId: number, userId: number): 'current' | 'former' | null;
  hasMessage(senderId: number, clientMsgId: string): boolean;
  /** Sends texts as `senderId` through the fake's send path, each marked with when it was
   * due; one result per op, in order. */
  send(
    senderId: number,
    conversationId: number,
    ops: readonly OpOfKind<'send'>[],
    scheduledFor: ReadonlyMap<string, string>,
  ): OpResult[];
  /** Tells every device of the sender what became of their scheduled messages. */
  tell(senderId: number, views: ScheduledView[]): void;
}

/** What a schedule or cancel answers, and the view to tell the sender's other devices
 * (null when nothing changed). */
export interface ScheduledAnswer {
  result: OpResult;
  changed: ScheduledView | null;
}

const NO_LONGER_A_MEMBER = 'you are no longer a member of this group';

export function createFakeScheduled(deps: FakeScheduledDeps) {
  const rows = new Map<string, StoredScheduled>();
  const keyOf = (senderId: number, clientMsgId: string) =>
    `${senderId}:${clientMsgId.toLowerCase()}`;
  const iso = (ms: number) => new Date(ms).toISOString();
  const viewOf = (row: StoredScheduled): ScheduledView => ({
    clientMsgId: row.clientMsgId,
    conversationId: row.conversationId,
    content: row.content,
    dueAt: iso(row.dueAt),
    state: row.state,
    messageId: row.messageId,
    sentAt: row.sentAt === null ? null : iso(row.sentAt),
    failure: row.failure,
    updatedAt: iso(row.updatedAt),
  });
  const refuse = (opId: string, code: RejectCode, reason: string): ScheduledAnswer => ({
    result: { opId, status: 'rejected', code, reason },
    changed: null,
  });
  const alreadySent = (opId: string, row: StoredScheduled) =>
    refuse(
      opId,
      'ALREADY_SENT',
      `already sent${row.sentAt === null ? '' : ` at ${iso(row.sentAt)}`}: it can no longer be changed`,
    );
  const answer = (opId: string, row: StoredScheduled, isChanged: boolean): ScheduledAnswer => {
    const scheduled = viewOf(row);
    return {
      result: { opId, status: 'accepted', scheduled, ...(isChanged ? {} : { duplicate: true }) },
      changed: isChanged ? scheduled : null,
    };
  };
  const touch = (row: StoredScheduled) => {
    row.updatedAt = deps.now();
    row.changeEpoch = deps.epoch();
  };

  return {
    schedule(callerId: number, op: OpOfKind<'schedule'>, conversationId: number): ScheduledAnswer {
      const now = deps.now();
      const dueMs = Date.parse(op.dueAt);
      if (dueMs > now + SCHEDULE_LIMITS.maxAheadMs) {
        return refuse(op.opId, 'VALIDATION_FAILED', 'dueAt: at most a year ahead');
      }
      const standing = deps.standingOf(conversationId, callerId);
      if (!standing) return refuse(op.opId, 'NOT_FOUND', 'conversation not found');
      if (standing === 'former') return refuse(op.opId, 'FORBIDDEN', NO_LONGER_A_MEMBER);
      const stamp = changeStamp(op.at, now, op.opId);
      const dueAt = Math.max(dueMs, 0);
      const key = keyOf(callerId, op.clientMsgId);
      const stored = rows.get(key);
      if (!stored) {
        if (deps.hasMessage(callerId, op.clientMsgId)) {
          return refuse(op.opId, 'VALIDATION_FAILED', 'clientMsgId: a message has this id already');
        }
        const waiting = [...rows.values()].filter(
          (r) => r.senderId === callerId && r.state === 'scheduled',
        ).length;
        if (waiting >= SCHEDULE_LIMITS.pendingPerUser) {
          return refuse(
            op.opId,
            'VALIDATION_FAILED',
            `at most ${SCHEDULE_LIMITS.pendingPerUser} scheduled messages may wait at once`,
          );
        }
        const row: StoredScheduled = {
          senderId: callerId,
          clientMsgId: op.clientMsgId,
          conversationId,
          content: op.content,
          dueAt,
          state: 'scheduled',
          stamp,
          messageId: null,
          sentAt: null,
          failure: null,
          updatedAt: now,
          changeEpoch: deps.epoch(),
        };
        rows.set(key, row);
        return answer(op.opId, row, true);
      }
      if (stored.stamp === stamp) return answer(op.opId, stored, false);
      if (stored.state === 'sent') return alreadySent(op.opId, stored);
      // A later change is there already: this one changes nothing.
      if (stored.stamp > stamp) return answer(op.opId, stored, false);
      if (stored.conversationId !== conversationId) {
        return refuse(
          op.opId,
          'VALIDATION_FAILED',
          'clientMsgId: scheduled in another conversation',
        );
      }
      Object.assign(stored, {
        content: op.content,
        dueAt,
        stamp,
        state: 'scheduled',
        failure: null,
      });
      touch(stored);
      return answer(op.opId, stored, true);
    },

    cancel(callerId: number, op: OpOfKind<'cancelScheduled'>): ScheduledAnswer {
      const stamp = changeStamp(op.at, deps.now(), op.opId);
      const stored = rows.get(keyOf(callerId, op.clientMsgId));
      if (!stored) return refuse(op.opId, 'NOT_FOUND', 'scheduled message not found');
      if (stored.stamp === stamp) return answer(op.opId, stored, false);
      if (stored.state === 'sent') return alreadySent(op.opId, stored);
      if (stored.stamp > stamp) return answer(op.opId, stored, false);
      stored.state = 'cancelled';
      stored.stamp = stamp;
      touch(stored);
      return answer(op.opId, stored, true);
    },

    /** Sends everything due by the clock now, one send per sender and conversation;
     * returns how many went out. */
    deliverDue(): number {
      const now = deps.now();
      const due = [...rows.values()]
        .filter((r) => r.state === 'scheduled' && r.dueAt <= now)
        .sort(
          (a, b) =>
            a.dueAt - b.dueAt ||
            a.senderId - b.senderId ||
            (a.clientMsgId < b.clientMsgId ? -1 : 1),
        );
      const batches = new Map<string, StoredScheduled[]>();
      for (const row of due) {
        const key = `${row.senderId}:${row.conversationId}`;
        batches.set(key, [...(batches.get(key) ?? []), row]);
      }
      let sent = 0;
      const told = new Map<number, ScheduledView[]>();
      for (const batch of batches.values()) {
        const [first] = batch;
        if (!first) continue;
        const results = deps.send(
          first.senderId,
          first.conversationId,
          batch.map((row) => ({
            opId: crypto.randomUUID(),
            kind: 'send',
            conversation: { conversationId: row.conversationId },
            clientMsgId: row.clientMsgId,
            content: row.content,
            messageType: 'text',
          })),
          new Map(batch.map((row) => [row.clientMsgId, iso(row.dueAt)])),
        );
        for (const [i, row] of batch.entries()) {
          const result = results[i];
          if (result?.status === 'accepted' && result.message) {
            row.state = 'sent';
            row.messageId = result.message.messageId;
            row.sentAt = deps.now();
            sent++;
          } else if (result?.status === 'rejected') {
            row.state = 'cancelled';
            row.failure = result.reason.slice(0, 200);
          } else continue;
          touch(row);
          told.set(row.senderId, [...(told.get(row.senderId) ?? []), viewOf(row)]);
        }
      }
      for (const [senderId, views] of told) deps.tell(senderId, views);
      return sent;
    },

    /** The sender's scheduled messages that changed after epoch `after` up to `upTo`; from
     * nothing, only those still waiting. */
    changedFor(senderId: number, after: number, upTo: number): ScheduledView[] {
      return [...rows.values()]
        .filter(
          (r) =>
            r.senderId === senderId &&
            r.changeEpoch > after &&
            r.changeEpoch <= upTo &&
            (after > 0 || r.state === 'scheduled'),
        )
        .sort((a, b) => a.changeEpoch - b.changeEpoch || (a.clientMsgId < b.clientMsgId ? -1 : 1))
        .map(viewOf);
    },
  };
}

export type FakeScheduled = ReturnType<typeof createFakeScheduled>;
