// What the server answers with over tRPC (camelCase). The REST layer serializes the
// same objects with the seed's snake_case column names.
import type { ConversationType, MessageType } from './schemas.ts';
import type { ServerStatus } from './sync/status.ts';

export interface UserView {
  userId: number;
  email: string;
  displayName: string;
}

export interface PublicUser {
  userId: number;
  displayName: string;
}

export interface MessageView {
  messageId: number;
  conversationId: number;
  senderId: number;
  messageType: MessageType;
  content: string;
  createdAt: string;
  updatedAt: string;
  status: ServerStatus;
  isEdited: boolean;
  isDeleted: boolean;
  fileUrl: string | null;
  fileName: string | null;
  fileSize: number | null;
  clientMsgId: string;
  /** Position in the conversation's change history; orders changes, not messages. */
  changeSeq: number;
}

export interface ConversationView {
  conversationId: number;
  user1Id: number;
  user2Id: number;
  conversationType: ConversationType;
  contextId: number | null;
  contextTitle: string | null;
  createdAt: string;
  updatedAt: string;
  isActive: boolean;
  lastMessageId: number | null;
  lastMessageAt: string | null;
  otherUser: PublicUser;
}

export interface ConversationSummary extends ConversationView {
  lastMessage: MessageView | null;
  unreadCount: number;
}

export interface ServiceListing {
  kind: 'service' | 'request';
  id: number;
  title: string;
  description: string;
  hours: number;
  owner: PublicUser;
}
