// Issue 3 (a): push ingest in messages/s for batches of 500, next to a raw multi-row
// INSERT of the same rows measured in the same run.
import { randomUUID } from 'node:crypto';
import { PROTOCOL_VERSION } from '../shared/sync/protocol.ts';
import { trpcClient } from '../tests/support/clients.ts';
import {
  type BenchResults,
  messageText,
  pairWithConversation,
  rawInsertRowsPerSecond,
  startBenchServer,
} from './support.ts';

const BATCH = 500;

export async function benchPushIngest(scale = 1): Promise<BenchResults> {
  const server = await startBenchServer('push');
  try {
    const { a, conversationId } = await pairWithConversation(server.url);
    const trpc = trpcClient(server.url, a.token);
    const batches = Math.max(4, Math.round(20 * scale));
    const pushBatch = (b: number) =>
      trpc.sync.push.mutate({
        protocolVersion: PROTOCOL_VERSION,
        ops: Array.from({ length: BATCH }, (_, i) => ({
          opId: randomUUID(),
          kind: 'send' as const,
          conversation: { conversationId },
          clientMsgId: randomUUID(),
          content: messageText(b * BATCH + i),
          messageType: 'text' as const,
        })),
      });
    await pushBatch(-1);
    const started = performance.now();
    for (let b = 0; b < batches; b++) await pushBatch(b);
    const ingest = (batches * BATCH) / ((performance.now() - started) / 1000);
    const raw = await rawInsertRowsPerSecond(
      server.database,
      conversationId,
      a.user.userId,
      batches * BATCH,
      BATCH,
    );
    return {
      push_ingest_per_s: ingest,
      push_raw_insert_per_s: raw,
      push_ingest_ratio: ingest / raw,
    };
  } finally {
    await server.dispose();
  }
}
