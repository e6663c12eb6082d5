// "Read by" for one of this user's messages in a group: who of its members has it and has
// read it, and since when. Asked of the server when the user looks (nothing of it is
// stored); null whenever it cannot answer now.
import type { ReceiptDetails } from '../../shared/groups.ts';
import type { ChatDatabase } from './db.ts';
import type { SyncTransport } from './transport.ts';

export async function fetchReceiptDetails(
  db: ChatDatabase,
  transport: Pick<SyncTransport, 'receiptDetails'>,
  clientMsgId: string,
): Promise<ReceiptDetails | null> {
  const message = await db.messages.get(clientMsgId);
  if (!message || message.serverId === null) return null;
  const conversation = await db.conversations.get(message.convKey);
  if (!conversation?.group || conversation.serverId === null) return null;
  try {
    return await transport.receiptDetails({
      conversationId: conversation.serverId,
      messageId: message.serverId,
    });
  } catch {
    return null;
  }
}
