// Group conversations (DESIGN §4a): who is in one, what a membership change says, and
// who has received and read a message. A group keeps the seed's conversation columns;
// its members, their roles and the title live beside them.
import { z } from 'zod';
import { idSchema } from './schemas.ts';
import { userText } from './user-text.ts';

const isoTime = z.iso.datetime({ offset: true });

export const GROUP_LIMITS = {
  /** Members, the creator included. */
  minMembers: 3,
  maxMembers: 256,
  titleMaxChars: 100,
} as const;

export const groupTitleSchema = userText({ min: 1, max: GROUP_LIMITS.titleMaxChars });

export const MEMBER_ROLES = ['admin', 'member'] as const;
export const memberRoleSchema = z.enum(MEMBER_ROLES);
export type MemberRole = z.infer<typeof memberRoleSchema>;

/** Others a new group starts with: the creator makes it at least `minMembers`. */
export const groupInviteesSchema = z
  .array(idSchema)
  .min(GROUP_LIMITS.minMembers - 1)
  .max(GROUP_LIMITS.maxMembers - 1)
  .refine((ids) => new Set(ids).size === ids.length, 'each member once');

/** One membership change an admin (or, for `leave`, any member) makes. */
export const groupChangeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('rename'), title: groupTitleSchema }),
  z.strictObject({
    type: z.literal('add'),
    userIds: z
      .array(idSchema)
      .min(1)
      .max(GROUP_LIMITS.maxMembers - 1)
      .refine((ids) => new Set(ids).size === ids.length, 'each member once'),
  }),
  z.strictObject({ type: z.literal('remove'), userId: idSchema }),
  z.strictObject({ type: z.literal('leave') }),
]);
export type GroupChange = z.infer<typeof groupChangeSchema>;

export const rosterMemberSchema = z.object({
  userId: idSchema,
  displayName: z.string(),
  role: memberRoleSchema,
  joinedAt: isoTime,
  /** The first message they may see (0: all): one added later has none before it, so
   * no receipt of theirs is expected for it. */
  historyFrom: z.number().int().nonnegative().default(0),
});
export type RosterMember = z.infer<typeof rosterMemberSchema>;

/** A member as the REST list shows them. */
export interface GroupMemberView {
  userId: number;
  displayName: string;
  role: MemberRole;
}

/** A group as it is now: its title and its current members, whole. `version` grows with
 * every change to either: of two rosters a device keeps the higher. */
export const rosterSchema = z.object({
  conversationId: idSchema,
  version: z.number().int().nonnegative(),
  title: z.string(),
  members: z.array(rosterMemberSchema).max(GROUP_LIMITS.maxMembers),
});
export type Roster = z.infer<typeof rosterSchema>;

export const receiptDetailsInput = z.strictObject({
  conversationId: idSchema,
  messageId: idSchema,
});

/** For the sender's "Read by 3 of 5": each other member of the group now, whether they
 * have the message on a device and have read it, and when that first happened (null: not
 * yet, or not known). */
export const receiptDetailsSchema = z.object({
  messageId: idSchema,
  members: z
    .array(
      z.object({
        userId: idSchema,
        displayName: z.string(),
        isDelivered: z.boolean(),
        isRead: z.boolean(),
        deliveredAt: isoTime.nullable(),
        readAt: isoTime.nullable(),
      }),
    )
    .max(GROUP_LIMITS.maxMembers),
});
export type ReceiptDetails = z.infer<typeof receiptDetailsSchema>;

export const createGroupInput = z.strictObject({
  title: groupTitleSchema,
  memberIds: groupInviteesSchema,
});

/** What a system message's text says, from the facts the server stored. */
export function systemText(
  actor: string,
  change: GroupChange | { type: 'create'; title: string },
  names: readonly string[] = [],
): string {
  const list = joinNames(names);
  switch (change.type) {
    case 'create':
      return `${actor} created the group “${change.title}” with ${list}`;
    case 'rename':
      return `${actor} renamed the group to “${change.title}”`;
    case 'add':
      return `${actor} added ${list}`;
    case 'remove':
      return `${actor} removed ${list}`;
    case 'leave':
      return `${actor} left the group`;
  }
}

const NAMED_AT_MOST = 5;

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length > NAMED_AT_MOST) {
    const others = names.length - (NAMED_AT_MOST - 1);
    return `${names.slice(0, NAMED_AT_MOST - 1).join(', ')} and ${others} others`;
  }
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
