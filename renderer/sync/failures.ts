// How an operation refused for good shows on the device (DESIGN §3.2): its entry stays in
// the outbox, skipped, for the user to retry or discard, and its message turns failed.
import type { ChatDatabase } from './db.ts';

export type Failure = { code: string; reason: string };

/** Marks every waiting operation of a message refused (but those of the batch in flight,
 * which get their own answers) and the message failed. */
export async function failMessageOps(
  db: ChatDatabase,
  clientMsgId: string | null,
  failure: Failure,
  touched: Set<string>,
  inBatch: ReadonlySet<number>,
): Promise<void> {
  if (!clientMsgId) return;
  await db.outbox
    .where('clientMsgId')
    .equals(clientMsgId)
    .modify((e) => {
      if (!inBatch.has(e.seq ?? 0)) e.rejected ??= failure;
    });
  const message = await db.messages.get(clientMsgId);
  if (!message) return;
  // The first refusal is the reason worth showing; later ones follow from it.
  if (message.status !== 'failed')
    await db.messages.update(clientMsgId, { status: 'failed', failure });
  touched.add(message.convKey);
}
