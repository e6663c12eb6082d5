// Applies a push (DESIGN §3.2): each operation is parsed on its own (a malformed one is
// refused alone), then run in order by the handler of its kind; consecutive sends to one
// conversation share one transaction (with other pushes' sends, under load). Events go out once their transaction committed, and
// the answer only after the bus has them: a device whose answer was lost retries, and
// the retry's duplicates tell the conversation to catch up, so an instance dying between
// commit and publish costs nobody a message.
import { randomUUID } from 'node:crypto';
import type { AttachmentRef } from '../../shared/attachments.ts';
import type { MessageView } from '../../shared/model.ts';
import type { ReplyRef } from '../../shared/replies.ts';
import {
  type ConversationRef,
  type OpOfKind,
  type OpResult,
  type PushOp,
  type PushResult,
  pushOpSchema,
} from '../../shared/sync/protocol.ts';
import { resolveSendAttachments } from '../attachments/resolve.ts';
import { MESSAGE_COLUMN_LIST, type MessageRow } from '../chat/rows.ts';
import { placeholders } from '../db/sql.ts';
import { AppError } from '../errors.ts';
import type { EventBus } from '../realtime/bus.ts';
import { applyCancelScheduled, applySchedule } from '../scheduled/schedule-ops.ts';
import {
  type Caller,
  NO_OUTCOME,
  type Outcome,
  type Publication,
  rejected,
  resultsOnly,
  type SyncContext,
} from './context.ts';
import { applyChangeGroup } from './ops/change-group.ts';
import { applyMessageChange } from './ops/change-message.ts';
import { applyCreateConversation } from './ops/create-conversation.ts';
import { applyCreateGroup } from './ops/create-group.ts';
import { applyReaction } from './ops/react.ts';
import { applyReceipt } from './ops/receipt.ts';
import { resolveSendReplies } from './replies.ts';
import type { SendQueue } from './send-queue.ts';
import { refusalsOf } from './send-refusals.ts';

export interface ApplyDeps extends SyncContext {
  bus: EventBus;
  sends: SendQueue;
  /** Called after a conversation was created between two users. */
  onConversationCreated?: (a: number, b: number) => void;
  /** Called when a message was scheduled for now or the next moment. */
  onScheduledSoon?: () => void;
  /** Called after users joined a group: `joined` met each other and `others`. */
  onMembersJoined?: (joined: readonly number[], others: readonly number[]) => void;
}

type SendOp = OpOfKind<'send'>;

/** Per push: conversations it created (by the client's id), and the caller's messages
 * its edits and deletes name. */
interface PushScope {
  created: Map<string, { conversationId: number } | { refusal: string }>;
  ownMessages: Map<string, MessageRow>;
}

export async function applyPush(
  deps: ApplyDeps,
  caller: Caller,
  rawOps: readonly unknown[],
): Promise<PushResult> {
  const results: (OpResult | undefined)[] = new Array(rawOps.length);
  const ops: { index: number; op: PushOp }[] = [];
  rawOps.forEach((raw, index) => {
    const parsed = pushOpSchema.safeParse(raw);
    if (parsed.success) ops.push({ index, op: parsed.data });
    else
      results[index] = rejected(opIdOf(raw), 'VALIDATION_FAILED', summarize(parsed.error.issues));
  });

  const scope: PushScope = {
    created: new Map(),
    ownMessages: await messagesNamedBy(deps, caller.userId, ops),
  };
  const outcomes: Outcome[] = [];
  const duplicated = new Set<number>();
  // A message sent twice in one push is a duplicate too, but its events went out with
  // the first copy: only one stored before this push tells of a lost answer.
  const mentioned = new Set<string>();
  let pos = 0;
  try {
    while (pos < ops.length) {
      const run = takeRun(ops, pos, scope);
      const outcome = await applyRun(deps, caller, run, scope);
      run.entries.forEach((entry, i) => {
        const result = outcome.results[i];
        results[entry.index] = result;
        const key = `${entry.op.kind}:${'clientMsgId' in entry.op ? entry.op.clientMsgId : entry.op.opId}`;
        const isRepeat = mentioned.has(key);
        mentioned.add(key);
        if (result?.status === 'accepted' && result.duplicate && result.message && !isRepeat) {
          duplicated.add(result.message.conversationId);
        }
      });
      outcomes.push(outcome);
      pos += run.entries.length;
    }
  } catch (error) {
    // A transient failure: everything from here on is "retry later", in order.
    deps.log.warn({ err: error }, 'push stopped early; remaining operations will be retried');
    for (let i = pos; i < ops.length; i++) {
      const { index, op } = ops[i]!;
      results[index] ??= { opId: op.opId, status: 'retry', reason: 'temporarily unavailable' };
    }
  }
  await publish(deps, caller, outcomes, duplicated);
  return {
    results: results.map(
      (r, i) => r ?? { opId: opIdOf(rawOps[i]), status: 'retry', reason: 'not applied' },
    ),
    versions: outcomes.flatMap((o) => o.versions),
    members: outcomes.flatMap((o) => o.members),
    rosters: outcomes.flatMap((o) => o.rosters ?? []),
  };
}

/** Puts publications on the bus; `originSessionId` is the pushing device's session,
 * whose own stream skips what its answer already carried. */
export function publishChanges(
  bus: EventBus,
  publications: readonly Publication[],
  originSessionId?: number,
): Promise<void> {
  const origin = originSessionId === undefined ? {} : { originSessionId };
  return Promise.all(
    publications.map((p) =>
      bus.publish(p.to, { kind: 'changes', changes: p.changes, ...(p.everyDevice ? {} : origin) }),
    ),
  ).then(() => undefined);
}

async function publish(
  deps: ApplyDeps,
  caller: Caller,
  outcomes: readonly Outcome[],
  duplicated: ReadonlySet<number>,
): Promise<void> {
  const origin = caller.sessionId === undefined ? {} : { originSessionId: caller.sessionId };
  const sent = [
    publishChanges(
      deps.bus,
      outcomes.flatMap((o) => o.publications),
      caller.sessionId,
    ),
  ];
  // A retried push whose first answer was lost: its events may have been lost with it.
  for (const conversationId of duplicated) {
    const to = await deps.participants.of(conversationId);
    if (to) sent.push(deps.bus.publish(to, { kind: 'catchUp', ...origin }));
  }
  await Promise.all(sent);
}

interface Run {
  entries: { index: number; op: PushOp }[];
}

/** The operations from `pos` that one handler call takes: a run of sends to the same
 * conversation, or a single operation of any other kind. */
function takeRun(
  ops: readonly { index: number; op: PushOp }[],
  pos: number,
  scope: PushScope,
): Run {
  const first = ops[pos]!;
  const entries = [first];
  if (first.op.kind !== 'send') return { entries };
  const target = sendTarget(first.op, scope);
  if (typeof target !== 'number') return { entries };
  for (let i = pos + 1; i < ops.length; i++) {
    const next = ops[i]!;
    if (next.op.kind !== 'send' || sendTarget(next.op, scope) !== target) break;
    entries.push(next);
  }
  return { entries };
}

/** The server id of the conversation an operation names, or its refusal. */
function sendTarget(
  op: { opId: string; conversation: ConversationRef },
  scope: PushScope,
): number | OpResult {
  if ('conversationId' in op.conversation) return op.conversation.conversationId;
  const created = scope.created.get(op.conversation.clientConvId);
  if (!created) {
    return rejected(op.opId, 'NOT_FOUND', 'conversation unknown: create it first in the same push');
  }
  if ('refusal' in created) {
    return rejected(
      op.opId,
      'CONVERSATION_REJECTED',
      `conversation was rejected: ${created.refusal}`,
    );
  }
  return created.conversationId;
}

async function applyRun(
  deps: ApplyDeps,
  caller: Caller,
  run: Run,
  scope: PushScope,
): Promise<Outcome> {
  const [first] = run.entries;
  if (!first) throw new Error('an empty run');
  const { op } = first;
  switch (op.kind) {
    case 'send': {
      const target = sendTarget(op, scope);
      if (typeof target !== 'number') return resultsOnly([target]);
      const sends = run.entries.map((e) => e.op).filter((o): o is SendOp => o.kind === 'send');
      const attachments = await resolveSendAttachments(deps.sql, caller.userId, sends);
      const replies = await resolveSendReplies(
        deps.sql,
        caller.userId,
        target,
        sends,
        attachments.resolved,
      );
      const problems = new Map([...attachments.problems, ...replies.problems]);
      // A reply to a send refused here would be stored without its original.
      for (const send of sends) {
        const original = replies.resolved.get(send.clientMsgId)?.sameRunClientMsgId;
        const refusedOriginal = original && sends.find((s) => s.clientMsgId === original);
        if (refusedOriginal && problems.has(refusedOriginal) && !problems.has(send)) {
          problems.set(send, 'replyTo: the message it answers was not sent');
        }
      }
      const refused = await refusalsOf(deps.sql, caller.userId, problems);
      const resolved = { attachments: attachments.resolved, replies: replies.resolved };
      if (refused.size === 0) {
        return deps.sends.submit({ caller, conversationId: target, ops: sends, ...resolved });
      }
      const going = sends.filter((send) => !refused.has(send.opId));
      const outcome =
        going.length > 0
          ? await deps.sends.submit({ caller, conversationId: target, ops: going, ...resolved })
          : NO_OUTCOME;
      const results = [...outcome.results];
      return {
        ...outcome,
        results: sends.map(
          (send) =>
            refused.get(send.opId) ??
            results.shift() ?? { opId: send.opId, status: 'retry', reason: 'message not stored' },
        ),
      };
    }
    case 'createConversation': {
      const outcome = await applyCreateConversation(deps, caller, op);
      scope.created.set(
        op.clientConvId,
        outcome.conversationId !== null
          ? { conversationId: outcome.conversationId }
          : { refusal: outcome.refusal ?? 'refused' },
      );
      if (outcome.publications.length > 0)
        deps.onConversationCreated?.(caller.userId, op.otherUserId);
      return outcome;
    }
    case 'createGroup': {
      const outcome = await applyCreateGroup(deps, caller, op);
      scope.created.set(
        op.clientConvId,
        outcome.conversationId !== null
          ? { conversationId: outcome.conversationId }
          : { refusal: outcome.refusal ?? 'refused' },
      );
      if (outcome.publications.length > 0)
        deps.onMembersJoined?.([caller.userId, ...op.memberIds], []);
      return outcome;
    }
    case 'changeGroup': {
      const target = sendTarget(op, scope);
      if (typeof target !== 'number') return resultsOnly([target]);
      const outcome = await applyChangeGroup(deps, caller, op, target);
      if (op.change.type === 'add' && outcome.publications.length > 0) {
        const roster = outcome.rosters?.[0];
        const joined = op.change.userIds;
        const others = (roster?.members ?? [])
          .map((m) => m.userId)
          .filter((id) => !joined.includes(id));
        deps.onMembersJoined?.(joined, others);
      }
      return outcome;
    }
    case 'edit':
    case 'delete': {
      // Sent earlier in this push, or changed by an earlier op of it: read it now.
      const target =
        scope.ownMessages.get(op.clientMsgId) ??
        (await messagesNamedBy(deps, caller.userId, [{ op }])).get(op.clientMsgId);
      if (!target)
        return resultsOnly([
          rejected(op.opId, 'NOT_FOUND', 'message not found among your messages'),
        ]);
      scope.ownMessages.delete(op.clientMsgId);
      return applyMessageChange(deps, caller, op, target);
    }
    case 'deliveredUpTo':
    case 'readUpTo':
      return applyReceipt(deps, caller, op);
    case 'react':
      return applyReaction(deps, caller, op);
    case 'schedule': {
      const target = sendTarget(op, scope);
      if (typeof target !== 'number') return resultsOnly([target]);
      const outcome = await applySchedule(deps, caller, op, target);
      if (Date.parse(op.dueAt) <= Date.now() + 1000) deps.onScheduledSoon?.();
      return outcome;
    }
    case 'cancelScheduled':
      return applyCancelScheduled(deps, caller, op);
  }
}

async function messagesNamedBy(
  deps: SyncContext,
  callerId: number,
  ops: readonly { op: PushOp }[],
): Promise<Map<string, MessageRow>> {
  const ids = [
    ...new Set(
      ops.flatMap(({ op }) => (op.kind === 'edit' || op.kind === 'delete' ? [op.clientMsgId] : [])),
    ),
  ];
  if (ids.length === 0) return new Map();
  const rows = await deps.sql.rows<MessageRow>(
    `SELECT ${MESSAGE_COLUMN_LIST} FROM messages m
      WHERE m.sender_id = ? AND m.client_msg_id IN (${placeholders(ids.length)})`,
    [callerId, ...ids],
  );
  return new Map(rows.map((r) => [r.client_msg_id ?? '', r]));
}

function opIdOf(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null || !('opId' in raw)) return '';
  return typeof raw.opId === 'string' ? raw.opId.slice(0, 64) : '';
}

function summarize(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || 'op'}: ${i.message}`)
    .join('; ');
}

/** The single-message send of the tRPC `messages.send` procedure and the REST route. */
export async function sendOneMessage(
  deps: ApplyDeps,
  callerId: number,
  input: {
    conversationId: number;
    content: string;
    messageType: 'text' | 'image' | 'file';
    clientMsgId?: string | undefined;
    attachment?: AttachmentRef | undefined;
    replyTo?: ReplyRef | undefined;
  },
): Promise<{ message: MessageView; created: boolean }> {
  const { results } = await applyPush(deps, { userId: callerId }, [
    {
      opId: randomUUID(),
      kind: 'send',
      conversation: { conversationId: input.conversationId },
      clientMsgId: input.clientMsgId ?? randomUUID(),
      content: input.content,
      messageType: input.messageType,
      ...(input.attachment ? { attachment: input.attachment } : {}),
      ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    },
  ]);
  const [result] = results;
  if (result?.status === 'accepted' && result.message) {
    const { version: _version, ...message } = result.message;
    return { message, created: !result.duplicate };
  }
  if (result?.status === 'rejected') {
    const code =
      result.code === 'VALIDATION_FAILED' || result.code === 'FORBIDDEN'
        ? result.code
        : 'NOT_FOUND';
    throw new AppError(code, result.reason);
  }
  throw new AppError('UNAVAILABLE', 'message could not be stored; try again');
}
