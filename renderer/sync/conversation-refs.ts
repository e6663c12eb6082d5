// How queued operations name their conversation: by server id, or, before the server
// has it, by the id this device gave it in its create (createConversation, createGroup),
// which is earlier in the outbox.
import type { PushOp } from '../../shared/sync/protocol.ts';

/** The client id an operation names its conversation by, if it names it so. */
export function clientConvIdOf(op: PushOp): string | null {
  if (op.kind !== 'send' && op.kind !== 'changeGroup' && op.kind !== 'schedule') return null;
  return 'clientConvId' in op.conversation ? op.conversation.clientConvId : null;
}

/** `op` naming its conversation by the server id, once that is known. */
export function withServerRef(op: PushOp, conversationId: number): PushOp {
  if (clientConvIdOf(op) === null) return op;
  if (op.kind === 'send') return { ...op, conversation: { conversationId } };
  if (op.kind === 'changeGroup') return { ...op, conversation: { conversationId } };
  if (op.kind === 'schedule') return { ...op, conversation: { conversationId } };
  return op;
}
