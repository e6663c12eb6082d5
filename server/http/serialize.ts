// The REST answers in the seed's snake_case column names; the one place the mapping lives.

import type { GroupMemberView } from '../../shared/groups.ts';
import type {
  ConversationSummary,
  ConversationView,
  MessageView,
  UserView,
} from '../../shared/model.ts';
import type { DeviceSession } from '../../shared/sessions.ts';

export function userJson(u: UserView) {
  return { user_id: u.userId, email: u.email, display_name: u.displayName };
}

export function messageJson(m: MessageView) {
  return {
    message_id: m.messageId,
    conversation_id: m.conversationId,
    sender_id: m.senderId,
    message_type: m.messageType,
    content: m.content,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    status: m.status,
    is_edited: m.isEdited,
    is_deleted: m.isDeleted,
    file_url: m.fileUrl,
    file_name: m.fileName,
    file_size: m.fileSize,
    client_msg_id: m.clientMsgId,
    reply_to_id: m.replyTo?.messageId ?? null,
  };
}

/** A group's extra fields beside the seed's columns (none for two people). */
function groupJson(c: ConversationView, members: readonly GroupMemberView[] | undefined) {
  if (!c.isGroup) return {};
  return {
    is_group: true,
    title: c.title,
    left_up_to: c.leftUpTo,
    members: (members ?? []).map((m) => ({
      user_id: m.userId,
      display_name: m.displayName,
      role: m.role,
    })),
  };
}

export function conversationJson(c: ConversationView, members?: readonly GroupMemberView[]) {
  return {
    conversation_id: c.conversationId,
    user1_id: c.user1Id,
    user2_id: c.user2Id,
    conversation_type: c.conversationType,
    context_id: c.contextId,
    context_title: c.contextTitle,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    is_active: c.isActive,
    last_message_id: c.lastMessageId,
    last_message_at: c.lastMessageAt,
    other_user: c.otherUser
      ? { user_id: c.otherUser.userId, display_name: c.otherUser.displayName }
      : null,
    ...groupJson(c, members),
  };
}

export function conversationSummaryJson(
  c: ConversationSummary,
  members?: readonly GroupMemberView[],
) {
  return {
    ...conversationJson(c, members),
    last_message: c.lastMessage ? messageJson(c.lastMessage) : null,
    unread_count: c.unreadCount,
  };
}

export function deviceJson(d: DeviceSession) {
  return {
    session_id: d.sessionId,
    device_name: d.deviceName,
    created_at: d.signedInAt,
    last_seen_at: d.lastSeenAt,
    is_current: d.isCurrent,
  };
}
