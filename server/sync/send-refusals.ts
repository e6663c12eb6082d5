// Sends with a problem found before they are stored (an upload or an original that is
// not there) are refused, except those whose message is stored already: a retry is
// answered as the duplicate it is, whatever changed since.
import type { OpOfKind, OpResult } from '../../shared/sync/protocol.ts';
import { placeholders, type SqlRunner } from '../db/sql.ts';
import { rejected } from './context.ts';

type SendOp = OpOfKind<'send'>;

/** By op id, the refusal of each send with a problem that is not stored already. */
export async function refusalsOf(
  sql: SqlRunner,
  callerId: number,
  problems: ReadonlyMap<SendOp, string>,
): Promise<Map<string, OpResult>> {
  const refused = new Map<string, OpResult>();
  if (problems.size === 0) return refused;
  const named = [...problems.keys()];
  const stored = await sql.rows<{ client_msg_id: string }>(
    `SELECT client_msg_id FROM messages WHERE sender_id = ? AND client_msg_id IN (${placeholders(named.length)})`,
    [callerId, ...named.map((op) => op.clientMsgId)],
  );
  const isStored = new Set(stored.map((r) => r.client_msg_id.toLowerCase()));
  for (const [op, problem] of problems) {
    if (!isStored.has(op.clientMsgId)) {
      refused.set(op.opId, rejected(op.opId, 'VALIDATION_FAILED', problem));
    }
  }
  return refused;
}
