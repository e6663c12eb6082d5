// Issue 2: messages/s through the REST and tRPC send paths, sequential (one sender) and
// with 32 concurrent senders (each in a conversation of their own, as real senders are),
// next to a raw multi-row INSERT measured in the same run.
import { randomUUID } from 'node:crypto';
import { rest, trpcClient } from '../tests/support/clients.ts';
import {
  type BenchResults,
  messageText,
  pairWithConversation,
  ratePerSecond,
  rawInsertRowsPerSecond,
  startBenchServer,
} from './support.ts';

type Sender = (i: number) => Promise<unknown>;

export async function benchSendPaths(scale = 1): Promise<BenchResults> {
  const server = await startBenchServer('send');
  try {
    const pairs = await Promise.all(
      Array.from({ length: 32 }, () => pairWithConversation(server.url)),
    );
    const restSender =
      (p: (typeof pairs)[number]): Sender =>
      (i) =>
        rest(server.url, 'POST', '/api/v1/chat/messages', {
          token: p.a.token,
          body: {
            conversation_id: p.conversationId,
            content: messageText(i),
            client_msg_id: randomUUID(),
          },
        });
    const trpcSender = (p: (typeof pairs)[number]): Sender => {
      const client = trpcClient(server.url, p.a.token);
      return (i) =>
        client.messages.send.mutate({
          conversationId: p.conversationId,
          content: messageText(i),
          clientMsgId: randomUUID(),
        });
    };
    const restSenders = pairs.map(restSender);
    const trpcSenders = pairs.map(trpcSender);
    // Sender k sends messages k, k+32, …: 32 in flight, one per conversation.
    const concurrent = (senders: Sender[]) => (i: number) => senders[i % senders.length]!(i);
    const n = Math.round(1000 * scale);
    await ratePerSecond(200, 32, concurrent(restSenders));
    await ratePerSecond(200, 32, concurrent(trpcSenders));
    const first = pairs[0]!;
    return {
      rest_send_seq_per_s: await ratePerSecond(n, 1, restSenders[0]!),
      rest_send_c32_per_s: await ratePerSecond(n * 2, 32, concurrent(restSenders)),
      trpc_send_seq_per_s: await ratePerSecond(n, 1, trpcSenders[0]!),
      trpc_send_c32_per_s: await ratePerSecond(n * 2, 32, concurrent(trpcSenders)),
      raw_insert_rows_per_s: await rawInsertRowsPerSecond(
        server.database,
        first.conversationId,
        first.a.user.userId,
        n * 10,
      ),
    };
  } finally {
    await server.dispose();
  }
}
