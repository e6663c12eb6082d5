// An in-memory stand-in for the sync server of protocol 3 (docs/sync.md), for the
// renderer's unit tests: users, conversations and groups (rosters, system messages, members
// who left), messages with their conversation's message version, member watermarks, an
// epoch clock that stamps every change, pull pages from an opaque cursor, and a live
// stream per device session. It answers the way server/sync/ does, op by op, and where
// that departs from docs/groups.md, the way the document says;
// tests/sync/fake-transport-contract.test.ts runs a conversation's and a group's scenario
// against both to keep it so. Faults a network or a server can produce are injected per
// device.
import { z } from 'zod';
import { changeStamp } from '../../../shared/change-stamp.ts';
import {
  GROUP_LIMITS,
  type GroupChange,
  type MemberRole,
  type ReceiptDetails,
  type Roster,
  systemText,
} from '../../../shared/groups.ts';
import { LIMITS } from '../../../shared/limits.ts';
import type { ConversationView, MessageView } from '../../../shared/model.ts';
import { quotedText } from '../../../shared/replies.ts';
import type { ConversationType } from '../../../shared/schemas.ts';
import {
  type ChangeSet,
  type LiveEvent,
  type MemberState,
  type OpOfKind,
  type OpResult,
  PROTOCOL_VERSION,
  type PullResult,
  type PushOp,
  type PushResult,
  pullResultSchema,
  pushOpSchema,
  pushResultSchema,
  type RejectCode,
  type SyncMessage,
  type VersionStep,
} from '../../../shared/sync/protocol.ts';
import {
  type LiveHandlers,
  type PullRequest,
  type ReceiptDetailsRequest,
  type SyncTransport,
  TransportError,
} from '../transport.ts';
import { createFakeScheduled } from './fake-scheduled.ts';

export interface FakeServer {
  /** A user who can sign in; ids count from 1, as a fresh database's do. */
  addUser(displayName: string): number;
  /** A signed-in device of the user: a session of its own, with its own live stream. */
  connect(userId: number, options?: { protocolVersion?: number }): FakeTransport;
  /** Every stored message as the server has it now, in id order. */
  messages(): MessageView[];
  /** Sends the scheduled messages due by the server's clock now, as the delivery loop
   * would (a push or a pull does it first too); returns how many went out. */
  deliverDue(): number;
  /** The conversation's message version and its members' watermarks. */
  conversationState(
    conversationId: number,
  ): { version: number; members: MemberState[] } | undefined;
}

export interface FakeTransport extends SyncTransport {
  readonly userId: number;
  /** Every push asked for, in order (also those that failed on the way). */
  readonly pushes: PushOp[][];
  /** Every pull asked for, in order. */
  readonly pulls: PullRequest[];
  /** The most pushes this device had on the way at once. */
  readonly maxPushesInFlight: number;
  /** The network goes: calls fail, the stream drops (and its events are lost). */
  goOffline(): void;
  /** The network is back: the stream reconnects and says hello. */
  goOnline(): void;
  /** The next call of this kind fails with `error` before reaching the server. */
  failNext(call: 'push' | 'pull', error: TransportError): void;
  /** The next push reaches the server, which applies it; its answer is lost. */
  loseNextPushAnswer(): void;
  /** Pushes wait on the way until the returned function is called. */
  holdPushes(): () => void;
  /** Every live event for this device passes through `route`, which may deliver it
   * (now or later), or drop it; null delivers at once. */
  routeLive(route: ((event: LiveEvent, deliver: () => void) => void) | null): void;
  /** The session is signed out elsewhere: every call and the stream say UNAUTHENTICATED. */
  endSession(): void;
}

interface StoredConversation {
  conversationId: number;
  user1Id: number;
  user2Id: number;
  conversationType: ConversationType;
  contextId: number | null;
  contextTitle: string | null;
  createdAt: string;
  updatedAt: string;
  lastMessageId: number | null;
  lastMessageAt: string | null;
  pairKey: string;
  /** `message_version`: +1 per message change. */
  version: number;
  group: {
    title: string;
    /** The id the creator's device gave it, which only the creator is shown. */
    clientConvId: string;
    /** `roster_version`: +1 per change to the group (its title or its members). */
    rosterVersion: number;
    /** `roster_epoch`: when the group last changed, so a pull brings the roster only
     * then. */
    rosterEpoch: number;
  } | null;
}

interface StoredMember {
  conversationId: number;
  userId: number;
  deliveredUpTo: number;
  readUpTo: number;
  changeEpoch: number;
  role: MemberRole;
  joinedAt: string;
  /** Who joined before whom: those who joined in one change share it (the server reads
   * them by their id then). */
  joinOrder: number;
  /** The messages of a group this member may see: from the one that added them, up to
   * the one that says they left (null while a member). */
  historyFrom: number;
  historyTo: number | null;
  /** The group's title when they left: what they keep. */
  leftTitle?: string;
  /** When each raise of the watermarks happened, for "Read by". */
  raised: { kind: 'delivered' | 'read'; upTo: number; at: string }[];
}

type StoredMessage = MessageView & { changeEpoch: number };

interface Session {
  id: number;
  userId: number;
  isConnected: boolean;
  deliver(event: LiveEvent): void;
}

interface Publication {
  to: readonly number[];
  changes: ChangeSet;
}

interface Outcome {
  results: OpResult[];
  publications: Publication[];
  versions: VersionStep[];
  members: MemberState[];
  rosters: Roster[];
}

/** Where a pull pass is: the epoch it ends at, the last conversation it finished in
 * (member change epoch, conversation id) order, and a conversation it is in the middle of. */
interface PageState {
  target: number;
  after: { epoch: number; conversationId: number };
  partial?: { conversationId: number; epoch: number; messageId: number };
}

interface Cursor {
  base: number;
  page?: PageState;
}

const epochSchema = z.number().int().nonnegative();
const cursorSchema = z.strictObject({
  /** The server that issued it: a cursor of another one is unknown. */
  s: z.string(),
  base: epochSchema,
  page: z
    .strictObject({
      target: epochSchema,
      after: z.strictObject({ epoch: epochSchema, conversationId: epochSchema }),
      partial: z
        .strictObject({ conversationId: epochSchema, epoch: epochSchema, messageId: epochSchema })
        .optional(),
    })
    .optional(),
});

const CONVERSATIONS_PER_PAGE = 500;
const NO_LONGER_A_MEMBER = 'you are no longer a member of this group';
const MAX_ID = 2_147_483_647;

export function createFakeServer(options: { now?: () => number } = {}): FakeServer {
  const now = options.now ?? Date.now;
  const serverId = crypto.randomUUID().replaceAll('-', '').slice(0, 12);
  const users = new Map<number, string>();
  const conversations = new Map<number, StoredConversation>();
  const members: StoredMember[] = [];
  const messages = new Map<number, StoredMessage>();
  const appliedEdits = new Set<string>();
  const sessions = new Set<Session>();
  // As a fresh database's sync_clock: every write stamps the current epoch, a pull's
  // seal raises it, so a pass covers everything stamped below its target.
  let epoch = 2;
  let nextSessionId = 1;
  let nextConversationId = 1;
  let nextMessageId = 1;
  let nextJoin = 1;

  /** Seconds precision, as the seed's DATETIME columns store it. */
  const storedNow = () => new Date(Math.floor(now() / 1000) * 1000).toISOString();
  const membersOf = (conversationId: number) =>
    members.filter((m) => m.conversationId === conversationId);
  const isCurrent = (m: StoredMember) => m.historyTo === null;
  /** In the order they joined, as the server reads a group's members. */
  const byJoining = (a: StoredMember, b: StoredMember) =>
    a.joinOrder - b.joinOrder || a.userId - b.userId;
  const memberRow = (conversationId: number, userId: number) =>
    members.find((m) => m.conversationId === conversationId && m.userId === userId);
  const isParticipant = (c: StoredConversation, userId: number) =>
    c.group
      ? memberRow(c.conversationId, userId)?.historyTo === null
      : c.user1Id === userId || c.user2Id === userId;
  /** Only current members: one who left hears nothing more of the group. */
  const restamp = (conversationId: number) => {
    for (const m of membersOf(conversationId)) if (isCurrent(m)) m.changeEpoch = epoch;
  };
  const participants = (c: StoredConversation) =>
    c.group
      ? membersOf(c.conversationId)
          .filter(isCurrent)
          .map((m) => m.userId)
      : [c.user1Id, c.user2Id];
  const partnersOf = (userId: number) => [
    ...new Set(
      [...conversations.values()]
        .filter((c) => isParticipant(c, userId))
        .flatMap((c) => participants(c).filter((id) => id !== userId)),
    ),
  ];
  const newMember = (
    conversationId: number,
    userId: number,
    role: MemberRole,
    joinedAt: string,
    joinOrder: number,
  ): StoredMember => ({
    conversationId,
    userId,
    deliveredUpTo: 0,
    readUpTo: 0,
    changeEpoch: epoch,
    role,
    joinedAt,
    joinOrder,
    historyFrom: 0,
    historyTo: null,
    raised: [],
  });
  const isOnline = (userId: number) =>
    [...sessions].some((s) => s.userId === userId && s.isConnected);
  const ownMessage = (senderId: number, clientMsgId: string) =>
    [...messages.values()].find((m) => m.senderId === senderId && m.clientMsgId === clientMsgId);

  function viewFor(c: StoredConversation, viewerId: number): ConversationView {
    const otherId = c.user1Id === viewerId ? c.user2Id : c.user1Id;
    const leftUpTo = c.group ? (memberRow(c.conversationId, viewerId)?.historyTo ?? null) : null;
    // One who left sees the group as it was when they left.
    const leftAt = leftUpTo === null ? null : (messages.get(leftUpTo)?.createdAt ?? null);
    return {
      conversationId: c.conversationId,
      user1Id: c.user1Id,
      user2Id: c.user2Id,
      conversationType: c.conversationType,
      contextId: c.contextId,
      contextTitle: c.contextTitle,
      createdAt: c.createdAt,
      updatedAt: leftAt ?? c.updatedAt,
      isActive: true,
      lastMessageId: leftUpTo ?? c.lastMessageId,
      lastMessageAt: leftAt ?? c.lastMessageAt,
      otherUser: c.group ? null : { userId: otherId, displayName: users.get(otherId) ?? '' },
      isGroup: c.group !== null,
      title: c.group
        ? leftUpTo === null
          ? c.group.title
          : (memberRow(c.conversationId, viewerId)?.leftTitle ?? c.group.title)
        : null,
      leftUpTo,
      clientConvId: c.group && c.user1Id === viewerId ? c.group.clientConvId : null,
    };
  }

  function rosterOf(c: StoredConversation): Roster {
    return {
      conversationId: c.conversationId,
      version: c.group?.rosterVersion ?? 0,
      title: c.group?.title ?? '',
      members: membersOf(c.conversationId)
        .filter(isCurrent)
        .sort(byJoining)
        .map((m) => ({
          userId: m.userId,
          displayName: users.get(m.userId) ?? '',
          role: m.role,
          joinedAt: m.joinedAt,
          historyFrom: m.historyFrom,
        })),
    };
  }

  function syncMessage(m: StoredMessage, version: number): SyncMessage {
    const { changeEpoch: _epoch, ...view } = m;
    return { ...view, version };
  }

  /** A stored message at its conversation's version now. */
  const currentCopy = (m: StoredMessage) =>
    syncMessage(m, conversations.get(m.conversationId)?.version ?? 0);

  const memberState = (m: StoredMember): MemberState => ({
    conversationId: m.conversationId,
    userId: m.userId,
    deliveredUpTo: m.deliveredUpTo,
    readUpTo: m.readUpTo,
  });

  // --- the bus ------------------------------------------------------------------------

  function publish(to: readonly number[], event: LiveEvent, originSessionId?: number): void {
    for (const session of [...sessions]) {
      if (!to.includes(session.userId) || session.id === originSessionId) continue;
      if (session.isConnected) session.deliver(event);
    }
  }

  function announcePresence(userId: number, online: boolean): void {
    const event: LiveEvent = {
      type: 'presence',
      snapshot: false,
      online: online ? [userId] : [],
      offline: online ? [] : [userId],
    };
    publish(partnersOf(userId), event);
  }

  // --- push ---------------------------------------------------------------------------

  const rejected = (opId: string, code: RejectCode, reason: string): OpResult => ({
    opId,
    status: 'rejected',
    code,
    reason,
  });
  const single = (result: OpResult): Outcome => ({
    results: [result],
    publications: [],
    versions: [],
    members: [],
    rosters: [],
  });

  function createConversation(
    callerId: number,
    op: OpOfKind<'createConversation'>,
  ): Outcome & { conversationId: number | null; refusal: string | null } {
    const refuse = (code: RejectCode, reason: string) => ({
      ...single(rejected(op.opId, code, reason)),
      conversationId: null,
      refusal: reason,
    });
    if (op.otherUserId === callerId) {
      return refuse('VALIDATION_FAILED', 'cannot start a conversation with yourself');
    }
    const [low, high] = [callerId, op.otherUserId].sort((a, b) => a - b);
    const pairKey = `${low}:${high}:${op.conversationType}:${op.contextId ?? 0}`;
    const existing = [...conversations.values()].find((c) => c.pairKey === pairKey);
    if (existing) {
      return {
        ...single({
          opId: op.opId,
          status: 'accepted',
          conversation: viewFor(existing, callerId),
          duplicate: true,
        }),
        conversationId: existing.conversationId,
        refusal: null,
      };
    }
    if (!users.has(op.otherUserId)) return refuse('NOT_FOUND', 'user not found');
    const at = storedNow();
    const created: StoredConversation = {
      conversationId: nextConversationId++,
      user1Id: callerId,
      user2Id: op.otherUserId,
      conversationType: op.conversationType,
      contextId: op.contextId,
      contextTitle: op.contextTitle,
      createdAt: at,
      updatedAt: at,
      lastMessageId: null,
      lastMessageAt: null,
      pairKey,
      version: 0,
      group: null,
    };
    conversations.set(created.conversationId, created);
    const joinOrder = nextJoin++;
    for (const userId of participants(created)) {
      members.push(newMember(created.conversationId, userId, 'member', at, joinOrder));
    }
    // Now partners: each hears that the other is online, if they are.
    if (isOnline(callerId)) publish([op.otherUserId], presenceOf(callerId));
    if (isOnline(op.otherUserId)) publish([callerId], presenceOf(op.otherUserId));
    const announcement = (viewerId: number): Publication => ({
      to: [viewerId],
      changes: {
        conversations: [viewFor(created, viewerId)],
        members: membersOf(created.conversationId).map(memberState),
        messages: [],
        versions: [{ conversationId: created.conversationId, from: null, to: 0 }],
        rosters: [],
        removed: [],
      },
    });
    return {
      results: [
        {
          opId: op.opId,
          status: 'accepted',
          conversation: viewFor(created, callerId),
          duplicate: false,
        },
      ],
      publications: [announcement(callerId), announcement(op.otherUserId)],
      versions: [],
      members: [],
      rosters: [],
      conversationId: created.conversationId,
      refusal: null,
    };
  }

  const presenceOf = (userId: number): LiveEvent => ({
    type: 'presence',
    snapshot: false,
    online: [userId],
    offline: [],
  });

  /** The quote of the original a send answers, as the server stores it. (The real
   * server refuses a send naming no message of the conversation; this fake drops the
   * reference instead.) */
  function quoteOf(
    callerId: number,
    conversationId: number,
    op: OpOfKind<'send'>,
    sameRun: ReadonlyMap<string, StoredMessage>,
  ): StoredMessage['replyTo'] {
    const ref = op.replyTo;
    if (!ref) return null;
    const original =
      'messageId' in ref
        ? messages.get(ref.messageId)
        : (ownMessage(callerId, ref.clientMsgId) ?? sameRun.get(ref.clientMsgId));
    if (!original || original.conversationId !== conversationId) return null;
    return {
      messageId: original.messageId,
      senderId: original.senderId,
      messageType: original.messageType,
      ...quotedText(original),
    };
  }

  /** Consecutive sends of one push to one conversation: one transaction, one step. */
  function sendRun(
    callerId: number,
    conversationId: number,
    ops: readonly OpOfKind<'send'>[],
    scheduledFor?: ReadonlyMap<string, string>,
  ): Outcome {
    const conversation = conversations.get(conversationId);
    const isMember = conversation !== undefined && isParticipant(conversation, callerId);
    const at = storedNow();
    const fresh = new Map<string, StoredMessage>();
    const earlier = new Map<string, StoredMessage>();
    for (const op of ops) {
      if (fresh.has(op.clientMsgId) || earlier.has(op.clientMsgId)) continue;
      const stored = ownMessage(callerId, op.clientMsgId);
      if (stored) earlier.set(op.clientMsgId, stored);
      else if (isMember) {
        const message: StoredMessage = {
          messageId: nextMessageId++,
          conversationId,
          senderId: callerId,
          messageType: op.messageType,
          content: op.content,
          createdAt: at,
          updatedAt: at,
          status: 'sent',
          isEdited: false,
          isDeleted: false,
          fileUrl: null,
          fileName: null,
          fileSize: null,
          clientMsgId: op.clientMsgId,
          attachment: null,
          replyTo: quoteOf(callerId, conversationId, op, fresh),
          reactions: [],
          scheduledFor: scheduledFor?.get(op.clientMsgId) ?? null,
          changeEpoch: epoch,
        };
        messages.set(message.messageId, message);
        fresh.set(op.clientMsgId, message);
      }
    }
    if (!conversation || fresh.size === 0) {
      // Nothing went in: retries of stored messages, or a conversation not the caller's.
      return {
        results: ops.map((op) => {
          const stored = ownMessage(callerId, op.clientMsgId);
          if (stored && stored.conversationId === conversationId) {
            const version = conversations.get(conversationId)?.version ?? 0;
            return {
              opId: op.opId,
              status: 'accepted',
              message: syncMessage(stored, version),
              duplicate: true,
            };
          }
          if (stored) {
            return rejected(
              op.opId,
              'VALIDATION_FAILED',
              'client_msg_id already used in another conversation',
            );
          }
          if (conversation?.group && memberRow(conversationId, callerId)) {
            return rejected(op.opId, 'FORBIDDEN', NO_LONGER_A_MEMBER);
          }
          return rejected(op.opId, 'NOT_FOUND', 'conversation not found');
        }),
        publications: [],
        versions: [],
        members: [],
        rosters: [],
      };
    }
    const from = conversation.version;
    conversation.version += fresh.size;
    const freshRows = [...fresh.values()];
    conversation.lastMessageId = Math.max(
      conversation.lastMessageId ?? 0,
      ...freshRows.map((m) => m.messageId),
    );
    conversation.lastMessageAt = at;
    conversation.updatedAt = at;
    restamp(conversationId);
    const views = new Map(freshRows.map((m, i) => [m.clientMsgId, syncMessage(m, from + i + 1)]));
    const step: VersionStep = { conversationId, from, to: conversation.version };
    const reported = new Set<string>();
    const results = ops.map((op): OpResult => {
      const view = views.get(op.clientMsgId);
      if (view) {
        const duplicate = reported.has(op.clientMsgId);
        reported.add(op.clientMsgId);
        return { opId: op.opId, status: 'accepted', message: view, duplicate };
      }
      const stored = earlier.get(op.clientMsgId);
      if (stored && stored.conversationId === conversationId) {
        // Stored before this run: as of the version before it.
        return {
          opId: op.opId,
          status: 'accepted',
          message: syncMessage(stored, from),
          duplicate: true,
        };
      }
      return rejected(
        op.opId,
        'VALIDATION_FAILED',
        'client_msg_id already used in another conversation',
      );
    });
    return {
      results,
      publications: [
        {
          to: participants(conversation),
          changes: {
            conversations: [],
            members: [],
            messages: [...views.values()],
            versions: [step],
            rosters: [],
            removed: [],
          },
        },
      ],
      versions: [step],
      members: [],
      rosters: [],
    };
  }

  /** A message changed in place at the conversation's new version: the answer, and the
   * event for every participant. */
  function changed(opId: string, conversation: StoredConversation, target: StoredMessage): Outcome {
    target.changeEpoch = epoch;
    const message = syncMessage(target, conversation.version);
    const step: VersionStep = {
      conversationId: conversation.conversationId,
      from: conversation.version - 1,
      to: conversation.version,
    };
    return {
      results: [{ opId, status: 'accepted', message }],
      publications: [
        {
          to: participants(conversation),
          changes: {
            conversations: [],
            members: [],
            messages: [message],
            versions: [step],
            rosters: [],
            removed: [],
          },
        },
      ],
      versions: [step],
      members: [],
      rosters: [],
    };
  }

  function changeMessage(callerId: number, op: OpOfKind<'edit' | 'delete'>): Outcome {
    const target = ownMessage(callerId, op.clientMsgId);
    const conversation = target && conversations.get(target.conversationId);
    if (!target || !conversation || !isParticipant(conversation, callerId)) {
      return single(rejected(op.opId, 'NOT_FOUND', 'message not found among your messages'));
    }
    const editKey = `${callerId}:${op.opId}`;
    const isRepeat = op.kind === 'edit' && appliedEdits.has(editKey);
    if (isRepeat || target.isDeleted) {
      // A repeat of an applied change, or a change a delete overtook (the delete wins).
      return single({
        opId: op.opId,
        status: 'accepted',
        message: syncMessage(target, conversation.version),
        duplicate: isRepeat || op.kind === 'delete',
      });
    }
    if (op.kind === 'edit') appliedEdits.add(editKey);
    const at = storedNow();
    conversation.version += 1;
    conversation.updatedAt = at;
    restamp(conversation.conversationId);
    if (op.kind === 'edit') {
      target.content = op.content;
      target.isEdited = true;
    } else {
      target.content = '';
      target.isDeleted = true;
    }
    target.updatedAt = at;
    return changed(op.opId, conversation, target);
  }

  /** Each (message, user, emoji): the stamp of its last change and whether it is on. */
  const reactionStates = new Map<string, { stamp: string; isOn: boolean; order: number }>();
  let reactionOrder = 0;

  function react(callerId: number, op: OpOfKind<'react'>): Outcome {
    const target = messages.get(op.message.messageId);
    const conversation = target && conversations.get(target.conversationId);
    if (!target || !conversation || !isParticipant(conversation, callerId)) {
      return single(rejected(op.opId, 'NOT_FOUND', 'message not found'));
    }
    if (target.isDeleted)
      return single(rejected(op.opId, 'MESSAGE_DELETED', 'the message was deleted'));
    const key = `${target.messageId}:${callerId}:${op.emoji}`;
    const stamp = changeStamp(op.at, now(), op.opId);
    const stored = reactionStates.get(key);
    if (stored && stored.stamp >= stamp) {
      return single({
        opId: op.opId,
        status: 'accepted',
        message: syncMessage(target, conversation.version),
        duplicate: true,
      });
    }
    reactionStates.set(key, { stamp, isOn: op.isOn, order: stored?.order ?? reactionOrder++ });
    const live = [...reactionStates]
      .filter(([k, state]) => state.isOn && k.startsWith(`${target.messageId}:`))
      .sort((a, b) => a[1].order - b[1].order);
    const byEmoji = new Map<string, number[]>();
    for (const [k] of live) {
      const [, userId, emoji] = k.split(':');
      if (!emoji) continue;
      byEmoji.set(emoji, [...(byEmoji.get(emoji) ?? []), Number(userId)]);
    }
    target.reactions = [...byEmoji].map(([emoji, userIds]) => ({ emoji, userIds }));
    conversation.version += 1;
    restamp(conversation.conversationId);
    return changed(op.opId, conversation, target);
  }

  function receipt(callerId: number, op: OpOfKind<'deliveredUpTo' | 'readUpTo'>): Outcome {
    const conversation = conversations.get(op.conversationId);
    const mine = memberRow(op.conversationId, callerId);
    if (!conversation || !mine || !isParticipant(conversation, callerId)) {
      const code = mine && conversation?.group ? 'FORBIDDEN' : 'NOT_FOUND';
      const reason = code === 'FORBIDDEN' ? NO_LONGER_A_MEMBER : 'conversation not found';
      return single(rejected(op.opId, code, reason));
    }
    // Never past the conversation's last message; a repeat still restamps the members.
    const upTo = Math.min(op.messageId, conversation.lastMessageId ?? 0);
    const isRead = op.kind === 'readUpTo';
    restamp(conversation.conversationId);
    let hasRisen = false;
    const at = storedNow();
    if (isRead) {
      hasRisen = mine.readUpTo < upTo;
      if (hasRisen) mine.readUpTo = upTo;
      mine.deliveredUpTo = Math.max(mine.deliveredUpTo, upTo);
    } else {
      hasRisen = mine.deliveredUpTo < upTo;
      if (hasRisen) mine.deliveredUpTo = upTo;
    }
    if (conversation.group) {
      if (hasRisen) {
        mine.raised.push({ kind: 'delivered', upTo, at });
        if (isRead) mine.raised.push({ kind: 'read', upTo, at });
        markGroupStatuses(conversation.conversationId);
      }
    } else {
      // The seed's status column of what the receipt covers, for REST clients.
      for (const m of messages.values()) {
        if (m.conversationId !== op.conversationId || m.senderId === callerId) continue;
        if (m.messageId > op.messageId) continue;
        if (m.status === 'sent' || (isRead && m.status === 'delivered')) {
          m.status = isRead ? 'read' : 'delivered';
          m.updatedAt = at;
        }
      }
    }
    if (!hasRisen) return single({ opId: op.opId, status: 'accepted', duplicate: true });
    const member: MemberState = {
      conversationId: op.conversationId,
      userId: callerId,
      deliveredUpTo: upTo,
      readUpTo: isRead ? upTo : 0,
    };
    return {
      results: [{ opId: op.opId, status: 'accepted' }],
      publications: [
        {
          to: participants(conversation),
          changes: {
            conversations: [],
            members: [member],
            messages: [],
            versions: [],
            rosters: [],
            removed: [],
          },
        },
      ],
      versions: [],
      members: [member],
      rosters: [],
    };
  }

  /** The seed's status column in a group (docs/groups.md, "Receipts"): a message is
   * delivered once every other current member has it, read once every one of them read
   * it; set for every message that is so now, which catches up on any a receipt before
   * this one left behind. */
  function markGroupStatuses(conversationId: number): void {
    const current = membersOf(conversationId).filter(isCurrent);
    for (const m of messages.values()) {
      if (m.conversationId !== conversationId || m.status === 'read') continue;
      const others = current.filter((o) => o.userId !== m.senderId);
      if (others.length === 0) continue;
      if (others.every((o) => o.readUpTo >= m.messageId)) m.status = 'read';
      else if (others.every((o) => o.deliveredUpTo >= m.messageId)) m.status = 'delivered';
    }
  }

  // --- groups -------------------------------------------------------------------------

  const groupKey = (creatorId: number, clientConvId: string) => `g:${creatorId}:${clientConvId}`;
  const nameOf = (userId: number) => users.get(userId) ?? '';
  const zeroMarks = (conversationId: number, userId: number): MemberState => ({
    conversationId,
    userId,
    deliveredUpTo: 0,
    readUpTo: 0,
  });

  /** Users who joined a group meet each other and its other members: each side hears who
   * of the other is online. */
  function introduce(joined: readonly number[], others: readonly number[]): void {
    const everyone = [...new Set([...joined, ...others])];
    for (const userId of everyone.filter(isOnline)) {
      const to = (joined.includes(userId) ? everyone : joined).filter((id) => id !== userId);
      publish(to, presenceOf(userId));
    }
  }

  /** A system message of the server's, in the log as the next message of `conversation`. */
  function addSystemMessage(
    conversation: StoredConversation,
    senderId: number,
    clientMsgId: string,
    content: string,
    at: string,
  ): StoredMessage {
    const message: StoredMessage = {
      messageId: nextMessageId++,
      conversationId: conversation.conversationId,
      senderId,
      messageType: 'system',
      content,
      createdAt: at,
      updatedAt: at,
      status: 'sent',
      isEdited: false,
      isDeleted: false,
      fileUrl: null,
      fileName: null,
      fileSize: null,
      clientMsgId,
      attachment: null,
      replyTo: null,
      reactions: [],
      scheduledFor: null,
      changeEpoch: epoch,
    };
    messages.set(message.messageId, message);
    conversation.version += 1;
    conversation.lastMessageId = message.messageId;
    conversation.lastMessageAt = at;
    conversation.updatedAt = at;
    return message;
  }

  function createGroup(
    callerId: number,
    op: OpOfKind<'createGroup'>,
  ): Outcome & { conversationId: number | null; refusal: string | null } {
    const refuse = (code: RejectCode, reason: string) => ({
      ...single(rejected(op.opId, code, reason)),
      conversationId: null,
      refusal: reason,
    });
    const pairKey = groupKey(callerId, op.clientConvId);
    const existing = [...conversations.values()].find((c) => c.pairKey === pairKey);
    if (existing) {
      // A retry: the group as it is now, without a step (the duplicate says catch up).
      const written = ownMessage(callerId, op.opId);
      const conversation = viewFor(existing, callerId);
      // One who has left since learns nothing of the group now.
      const rosters = conversation.leftUpTo === null ? [rosterOf(existing)] : [];
      return {
        ...single({
          opId: op.opId,
          status: 'accepted',
          conversation,
          ...(rosters[0] ? { roster: rosters[0] } : {}),
          ...(written ? { message: currentCopy(written) } : {}),
          duplicate: true,
        }),
        rosters,
        conversationId: existing.conversationId,
        refusal: null,
      };
    }
    if (op.memberIds.includes(callerId)) {
      return refuse('VALIDATION_FAILED', 'memberIds: the creator is a member already');
    }
    if (op.conversationType !== 'general' && op.contextId === null) {
      return refuse('VALIDATION_FAILED', 'contextId: a service or request group needs one');
    }
    const unknown = op.memberIds.filter((id) => !users.has(id));
    if (unknown.length > 0) return refuse('NOT_FOUND', `user not found: ${unknown.join(', ')}`);
    const at = storedNow();
    const created: StoredConversation = {
      conversationId: nextConversationId++,
      user1Id: callerId,
      user2Id: callerId,
      conversationType: op.conversationType,
      contextId: op.contextId,
      contextTitle: op.contextTitle,
      createdAt: at,
      updatedAt: at,
      lastMessageId: null,
      lastMessageAt: null,
      pairKey,
      version: 0,
      group: {
        title: op.title,
        clientConvId: op.clientConvId,
        rosterVersion: 1,
        rosterEpoch: epoch,
      },
    };
    const { conversationId } = created;
    conversations.set(conversationId, created);
    const joinOrder = nextJoin++;
    for (const userId of [callerId, ...op.memberIds]) {
      const role = userId === callerId ? 'admin' : 'member';
      members.push(newMember(conversationId, userId, role, at, joinOrder));
    }
    const text = systemText(
      nameOf(callerId),
      { type: 'create', title: op.title },
      op.memberIds.map(nameOf),
    );
    const message = currentCopy(addSystemMessage(created, callerId, op.opId, text, at));
    // Everyone came with this message, the first they may see.
    const versions: VersionStep[] = [{ conversationId, from: null, to: created.version }];
    const roster = rosterOf(created);
    const everyone = roster.members.map((m) => m.userId);
    const marks = everyone.map((userId) => zeroMarks(conversationId, userId));
    introduce(everyone, []);
    return {
      results: [
        {
          opId: op.opId,
          status: 'accepted',
          conversation: viewFor(created, callerId),
          roster,
          message,
        },
      ],
      publications: everyone.map((viewerId) => ({
        to: [viewerId],
        changes: {
          conversations: [viewFor(created, viewerId)],
          members: marks,
          messages: [message],
          versions,
          rosters: [roster],
          removed: [],
        },
      })),
      versions,
      members: marks,
      rosters: [roster],
      conversationId,
      refusal: null,
    };
  }

  interface GroupPlan {
    /** Members who come (add) or go (remove, leave). */
    joined: number[];
    left: number[];
    /** Who becomes admin because the last admin left. */
    promote: number | null;
  }

  /** What `change` does to a group of `current` members (in the order they joined): a
   * plan, a refusal, or null when there is nothing to do (the change is done already). */
  function planOf(
    callerId: number,
    change: GroupChange,
    current: readonly StoredMember[],
  ): GroupPlan | { code: RejectCode; reason: string } | null {
    const isIn = (userId: number) => current.some((m) => m.userId === userId);
    const none: GroupPlan = { joined: [], left: [], promote: null };
    switch (change.type) {
      case 'rename':
        return none;
      case 'add': {
        const joined = change.userIds.filter((id) => !isIn(id));
        if (joined.length === 0) return null;
        if (current.length + joined.length > GROUP_LIMITS.maxMembers) {
          return {
            code: 'VALIDATION_FAILED',
            reason: `a group has at most ${GROUP_LIMITS.maxMembers} members`,
          };
        }
        const unknown = joined.filter((id) => !users.has(id));
        if (unknown.length > 0) {
          return { code: 'NOT_FOUND', reason: `user not found: ${unknown.join(', ')}` };
        }
        return { ...none, joined };
      }
      case 'remove':
        if (change.userId === callerId) {
          return { code: 'VALIDATION_FAILED', reason: 'userId: to leave the group, leave it' };
        }
        return isIn(change.userId) ? { ...none, left: [change.userId] } : null;
      case 'leave': {
        const staying = current.filter((m) => m.userId !== callerId);
        // The last admin gone, the longest-standing member takes over.
        const promote = staying.some((m) => m.role === 'admin')
          ? null
          : (staying[0]?.userId ?? null);
        return { ...none, left: [callerId], promote };
      }
    }
  }

  /** A change this user made already (its system message is stored): the answer as it
   * would be now, telling nobody again. */
  function repeatedChange(callerId: number, opId: string, written: StoredMessage): Outcome {
    const conversation = conversations.get(written.conversationId);
    const mine = memberRow(written.conversationId, callerId);
    return single({
      opId,
      status: 'accepted',
      duplicate: true,
      ...(conversation && mine ? { conversation: viewFor(conversation, callerId) } : {}),
      message: currentCopy(written),
      ...(conversation?.group && mine && isCurrent(mine) ? { roster: rosterOf(conversation) } : {}),
    });
  }

  function changeGroup(
    callerId: number,
    conversationId: number,
    op: OpOfKind<'changeGroup'>,
  ): Outcome {
    const written = ownMessage(callerId, op.opId);
    if (written) return repeatedChange(callerId, op.opId, written);
    const conversation = conversations.get(conversationId);
    const mine = memberRow(conversationId, callerId);
    if (!conversation || !mine) {
      return single(rejected(op.opId, 'NOT_FOUND', 'conversation not found'));
    }
    const { group } = conversation;
    if (!group) return single(rejected(op.opId, 'VALIDATION_FAILED', 'not a group'));
    if (!isCurrent(mine)) return single(rejected(op.opId, 'FORBIDDEN', NO_LONGER_A_MEMBER));
    const { change } = op;
    if (change.type !== 'leave' && mine.role !== 'admin') {
      return single(rejected(op.opId, 'FORBIDDEN', 'only an admin of the group can do this'));
    }
    const plan = planOf(
      callerId,
      change,
      membersOf(conversationId).filter(isCurrent).sort(byJoining),
    );
    // Two admins who did the same offline: the second is accepted and writes nothing.
    if (plan === null) return single({ opId: op.opId, status: 'accepted' });
    if ('code' in plan) return single(rejected(op.opId, plan.code, plan.reason));

    const at = storedNow();
    const text = systemText(
      nameOf(callerId),
      change,
      (change.type === 'add' ? plan.joined : plan.left).map(nameOf),
    );
    const stored = addSystemMessage(conversation, callerId, op.opId, text, at);
    if (change.type === 'rename') group.title = change.title;
    // The roster is the group's facts, its title among them: every change moves it.
    group.rosterVersion += 1;
    group.rosterEpoch = epoch;
    const joinOrder = nextJoin++;
    for (const userId of plan.joined) {
      const row = memberRow(conversationId, userId);
      const joined = row ?? newMember(conversationId, userId, 'member', at, joinOrder);
      if (!row) members.push(joined);
      // A member added later sees the log from the message that says so.
      Object.assign(joined, {
        role: 'member',
        joinedAt: at,
        joinOrder,
        historyFrom: stored.messageId,
        historyTo: null,
      });
      delete joined.leftTitle;
    }
    // Restamped while still current, so those who go hear of it too.
    restamp(conversationId);
    for (const userId of plan.left) {
      const row = memberRow(conversationId, userId);
      if (row) {
        Object.assign(row, { historyTo: stored.messageId, role: 'member', leftTitle: group.title });
      }
    }
    const promoted = plan.promote === null ? undefined : memberRow(conversationId, plan.promote);
    if (promoted) promoted.role = 'admin';

    const message = syncMessage(stored, conversation.version);
    const step: VersionStep = {
      conversationId,
      from: conversation.version - 1,
      to: conversation.version,
    };
    const roster = rosterOf(conversation);
    const current = roster.members.map((m) => m.userId);
    const newcomers = plan.joined.map((userId) => zeroMarks(conversationId, userId));
    const told = (viewerId: number, changes: Omit<ChangeSet, 'conversations'>): Publication => ({
      to: [viewerId],
      changes: { ...changes, conversations: [viewFor(conversation, viewerId)] },
    });
    const publications = [
      ...current
        .filter((id) => !plan.joined.includes(id))
        .map((id) =>
          told(id, {
            members: newcomers,
            messages: [message],
            versions: [step],
            rosters: [roster],
            removed: [],
          }),
        ),
      // The message that added them is the first they may see.
      ...plan.joined.map((id) =>
        told(id, {
          members: current.map((userId) => zeroMarks(conversationId, userId)),
          messages: [message],
          versions: [{ ...step, from: null }],
          rosters: [roster],
          removed: [],
        }),
      ),
      // The group stays theirs, read-only, up to this message.
      ...plan.left.map((id) =>
        told(id, { members: [], messages: [message], versions: [], rosters: [], removed: [] }),
      ),
    ];
    if (change.type === 'add') {
      introduce(
        change.userIds,
        current.filter((id) => !change.userIds.includes(id)),
      );
    }
    const isGone = plan.left.includes(callerId);
    return {
      results: [
        {
          opId: op.opId,
          status: 'accepted',
          conversation: viewFor(conversation, callerId),
          message,
          ...(isGone ? {} : { roster }),
        },
      ],
      publications,
      versions: isGone ? [] : [step],
      members: isGone ? [] : newcomers,
      rosters: isGone ? [] : [roster],
    };
  }

  /** For one of the caller's messages, each other current member who may see it, and
   * whether and when they first had it and read it. */
  // --- scheduled messages --------------------------------------------------------------

  const scheduled = createFakeScheduled({
    now,
    epoch: () => epoch,
    standingOf(conversationId, userId) {
      const row = memberRow(conversationId, userId);
      if (!row || !conversations.has(conversationId)) return null;
      return isCurrent(row) ? 'current' : 'former';
    },
    hasMessage: (senderId, clientMsgId) => ownMessage(senderId, clientMsgId) !== undefined,
    send(senderId, conversationId, ops, scheduledFor) {
      const outcome = sendRun(senderId, conversationId, ops, scheduledFor);
      // Sent by the server, not from a device: every device of everyone hears of it.
      for (const p of outcome.publications) publish(p.to, { type: 'changes', changes: p.changes });
      return outcome.results;
    },
    tell(senderId, views) {
      publish([senderId], { type: 'changes', changes: scheduledChanges(views) });
    },
  });

  const scheduledChanges = (views: ChangeSet['scheduled']): ChangeSet => ({
    conversations: [],
    members: [],
    messages: [],
    versions: [],
    scheduled: views ?? [],
    rosters: [],
    removed: [],
  });

  /** A schedule or cancel as a push outcome: the sender's other devices hear a change. */
  function scheduledOutcome(
    callerId: number,
    { result, changed }: ReturnType<typeof scheduled.cancel>,
  ): Outcome {
    return {
      ...single(result),
      publications: changed ? [{ to: [callerId], changes: scheduledChanges([changed]) }] : [],
    };
  }

  function receiptDetails(callerId: number, request: ReceiptDetailsRequest): ReceiptDetails {
    const conversation = conversations.get(request.conversationId);
    const message = messages.get(request.messageId);
    if (
      !conversation ||
      !memberRow(conversation.conversationId, callerId) ||
      message?.conversationId !== conversation.conversationId ||
      message.senderId !== callerId
    ) {
      throw new TransportError('permanent', 'NOT_FOUND', 'message not found');
    }
    const { messageId } = message;
    const firstAt = (m: StoredMember, kind: 'delivered' | 'read') =>
      m.raised
        .filter((r) => r.kind === kind && r.upTo >= messageId)
        .map((r) => r.at)
        .sort()[0] ?? null;
    return {
      messageId,
      members: membersOf(conversation.conversationId)
        .filter((m) => isCurrent(m) && m.userId !== callerId && m.historyFrom <= messageId)
        .sort((a, b) => nameOf(a.userId).localeCompare(nameOf(b.userId)) || a.userId - b.userId)
        .map((m) => {
          const isRead = m.readUpTo >= messageId;
          const isDelivered = isRead || m.deliveredUpTo >= messageId;
          return {
            userId: m.userId,
            displayName: nameOf(m.userId),
            isDelivered,
            isRead,
            deliveredAt: isDelivered ? firstAt(m, 'delivered') : null,
            readAt: isRead ? firstAt(m, 'read') : null,
          };
        }),
    };
  }

  function applyPush(session: Session, rawOps: readonly PushOp[]): PushResult {
    scheduled.deliverDue();
    const callerId = session.userId;
    const created = new Map<string, { conversationId: number } | { refusal: string }>();
    const results: OpResult[] = [];
    const outcomes: Outcome[] = [];
    const ops = rawOps.map((raw) => pushOpSchema.safeParse(raw));
    const sendTarget = (op: OpOfKind<'send' | 'changeGroup' | 'schedule'>): number | OpResult => {
      if ('conversationId' in op.conversation) return op.conversation.conversationId;
      const made = created.get(op.conversation.clientConvId);
      if (!made) {
        return rejected(
          op.opId,
          'NOT_FOUND',
          'conversation unknown: create it first in the same push',
        );
      }
      if ('refusal' in made) {
        return rejected(
          op.opId,
          'CONVERSATION_REJECTED',
          `conversation was rejected: ${made.refusal}`,
        );
      }
      return made.conversationId;
    };
    // A message sent twice in one push is a duplicate too, but its events went out with
    // the first copy: only one stored before this push tells of a lost answer.
    const duplicated = new Set<number>();
    const mentioned = new Set<string>();
    const answered = (run: readonly PushOp[], answers: readonly OpResult[]) => {
      run.forEach((op, index) => {
        const key = `${op.kind}:${'clientMsgId' in op ? op.clientMsgId : op.opId}`;
        const result = answers[index];
        if (result?.status === 'accepted' && result.duplicate && result.message) {
          if (!mentioned.has(key)) duplicated.add(result.message.conversationId);
        }
        mentioned.add(key);
      });
      results.push(...answers);
    };
    let i = 0;
    while (i < ops.length) {
      const parsed = ops[i];
      if (!parsed?.success) {
        const issues = parsed?.error.issues ?? [];
        results.push(rejected(opIdOf(rawOps[i]), 'VALIDATION_FAILED', summarize(issues)));
        i++;
        continue;
      }
      const op = parsed.data;
      if (op.kind === 'send') {
        const target = sendTarget(op);
        if (typeof target !== 'number') {
          answered([op], [target]);
          i++;
          continue;
        }
        const run: OpOfKind<'send'>[] = [op];
        for (let j = i + 1; j < ops.length; j++) {
          const next = ops[j];
          if (!next?.success || next.data.kind !== 'send' || sendTarget(next.data) !== target) {
            break;
          }
          run.push(next.data);
        }
        const outcome = sendRun(callerId, target, run);
        answered(run, outcome.results);
        outcomes.push(outcome);
        i += run.length;
        continue;
      }
      let outcome: Outcome;
      if (op.kind === 'createConversation') {
        const made = createConversation(callerId, op);
        created.set(
          op.clientConvId,
          made.conversationId !== null
            ? { conversationId: made.conversationId }
            : { refusal: made.refusal ?? 'refused' },
        );
        outcome = made;
      } else if (op.kind === 'createGroup') {
        const made = createGroup(callerId, op);
        created.set(
          op.clientConvId,
          made.conversationId !== null
            ? { conversationId: made.conversationId }
            : { refusal: made.refusal ?? 'refused' },
        );
        outcome = made;
      } else if (op.kind === 'changeGroup') {
        const target = sendTarget(op);
        if (typeof target !== 'number') {
          answered([op], [target]);
          i++;
          continue;
        }
        outcome = changeGroup(callerId, target, op);
      } else if (op.kind === 'edit' || op.kind === 'delete') outcome = changeMessage(callerId, op);
      else if (op.kind === 'react') outcome = react(callerId, op);
      else if (op.kind === 'schedule') {
        const target = sendTarget(op);
        if (typeof target !== 'number') {
          answered([op], [target]);
          i++;
          continue;
        }
        outcome = scheduledOutcome(callerId, scheduled.schedule(callerId, op, target));
      } else if (op.kind === 'cancelScheduled') {
        outcome = scheduledOutcome(callerId, scheduled.cancel(callerId, op));
      } else outcome = receipt(callerId, op);
      answered([op], outcome.results);
      outcomes.push(outcome);
      i++;
    }
    for (const outcome of outcomes) {
      for (const p of outcome.publications) {
        publish(p.to, { type: 'changes', changes: p.changes }, session.id);
      }
    }
    // A retried push whose first answer was lost: its events may have been lost with it.
    for (const conversationId of duplicated) {
      const conversation = conversations.get(conversationId);
      if (conversation) {
        publish(
          participants(conversation),
          { type: 'catchUp', reason: 'possibly-missed' },
          session.id,
        );
      }
    }
    // As the delivery loop wakes for a message due now: after the answer is decided.
    const answer = {
      results,
      versions: outcomes.flatMap((o) => o.versions),
      members: outcomes.flatMap((o) => o.members),
      rosters: outcomes.flatMap((o) => o.rosters),
    };
    scheduled.deliverDue();
    return answer;
  }

  // --- pull ---------------------------------------------------------------------------

  function encodeCursor(cursor: Cursor): string {
    return btoa(JSON.stringify({ s: serverId, ...cursor }));
  }

  function decodeCursor(text: string | null): Cursor {
    if (!text) return { base: 0 };
    let parsed: unknown;
    try {
      parsed = JSON.parse(atob(text));
    } catch {
      throw unknownCursor();
    }
    const cursor = cursorSchema.safeParse(parsed);
    if (!cursor.success || cursor.data.s !== serverId) throw unknownCursor();
    const { base, page } = cursor.data;
    return page ? { base, page } : { base };
  }

  function pull(userId: number, request: Required<PullRequest>): PullResult {
    scheduled.deliverDue();
    const cursor = decodeCursor(request.cursor);
    // A new pass seals the clock: everything stamped below the new epoch is in it.
    if (!cursor.page) epoch += 1;
    if (Math.max(cursor.base, cursor.page?.target ?? 0) >= epoch) throw unknownCursor();
    const page: PageState = cursor.page ?? {
      target: epoch - 1,
      after: { epoch: cursor.base, conversationId: MAX_ID },
    };
    const perPage = Math.min(CONVERSATIONS_PER_PAGE, request.limit);
    const walked = members
      .filter(
        (m) =>
          m.userId === userId &&
          m.changeEpoch > cursor.base &&
          (m.changeEpoch > page.after.epoch ||
            (m.changeEpoch === page.after.epoch && m.conversationId > page.after.conversationId)),
      )
      .sort((a, b) => a.changeEpoch - b.changeEpoch || a.conversationId - b.conversationId)
      .slice(0, perPage);
    const isLastConversationPage = walked.length < perPage;
    const covered = request.check
      ? { full: walked, partial: null, messages: [] }
      : messagesFor(walked, cursor, page, request.limit);
    const shown = [...covered.full, ...(covered.partial ? [covered.partial.member] : [])];
    const isDone =
      covered.partial === null && covered.full.length === walked.length && isLastConversationPage;
    const lastFull = covered.full.at(-1);
    const next: Cursor = isDone
      ? { base: page.target }
      : {
          base: cursor.base,
          page: {
            target: page.target,
            after: lastFull
              ? { epoch: lastFull.changeEpoch, conversationId: lastFull.conversationId }
              : page.after,
            ...(covered.partial ? { partial: covered.partial.position } : {}),
          },
        };
    const conversationOf = (m: StoredMember) => {
      const c = conversations.get(m.conversationId);
      return c ? [c] : [];
    };
    // A group the user left stays, read-only: its view and messages, nothing of who is in
    // it now.
    const present = shown.filter(isCurrent).flatMap(conversationOf);
    // The user's own scheduled messages ride on the first page of a pass.
    const ownScheduled = cursor.page ? [] : scheduled.changedFor(userId, cursor.base, page.target);
    return {
      changes: {
        ...(ownScheduled.length > 0 ? { scheduled: ownScheduled } : {}),
        conversations: shown.flatMap(conversationOf).map((c) => viewFor(c, userId)),
        members: present.flatMap((c) =>
          membersOf(c.conversationId).filter(isCurrent).map(memberState),
        ),
        messages: covered.messages,
        // A head check gives a group the user left its version too, as the server does: a
        // device that heard only that it went sees that it lacks the end of its stay, and
        // fetches it with a full pass, which gives none.
        versions: covered.full
          .filter((m) => isCurrent(m) || request.check)
          .map((m) => ({
            conversationId: m.conversationId,
            from: null,
            to: conversations.get(m.conversationId)?.version ?? 0,
          })),
        rosters: present.flatMap((c) =>
          c.group && c.group.rosterEpoch > cursor.base ? [rosterOf(c)] : [],
        ),
        removed: [],
      },
      cursor: encodeCursor(next),
      hasMore: !isDone,
    };
  }

  /** The messages changed since the cursor of the walked conversations, as many whole
   * conversations as fit in `budget`; a first one bigger than that comes in pieces. */
  function messagesFor(
    walked: readonly StoredMember[],
    cursor: Cursor,
    page: PageState,
    budget: number,
  ): {
    full: StoredMember[];
    partial: { member: StoredMember; position: NonNullable<PageState['partial']> } | null;
    messages: SyncMessage[];
  } {
    /** What changed of the conversation that this member may see. */
    const changedIn = (member: StoredMember) =>
      [...messages.values()]
        .filter(
          (m) =>
            m.conversationId === member.conversationId &&
            m.changeEpoch > cursor.base &&
            m.messageId >= member.historyFrom &&
            m.messageId <= (member.historyTo ?? MAX_ID),
        )
        .sort((a, b) => a.changeEpoch - b.changeEpoch || a.messageId - b.messageId);
    // The version is read before the messages: a copy is never labelled newer than it is.
    const label = (m: StoredMessage) =>
      syncMessage(m, conversations.get(m.conversationId)?.version ?? 0);
    const full: StoredMember[] = [];
    let room = budget;
    let first: StoredMember | null = null;
    for (const member of walked) {
      const n = changedIn(member).length;
      if (n > room) {
        if (full.length === 0) first = member;
        break;
      }
      full.push(member);
      room -= n;
    }
    const fullMessages = [...full]
      .sort((a, b) => a.conversationId - b.conversationId)
      .flatMap((member) => changedIn(member).map(label));
    if (!first) return { full, partial: null, messages: fullMessages };
    const from =
      page.partial?.conversationId === first.conversationId
        ? page.partial
        : { epoch: cursor.base, messageId: 0 };
    const rest = changedIn(first).filter(
      (m) =>
        m.changeEpoch > from.epoch ||
        (m.changeEpoch === from.epoch && m.messageId > from.messageId),
    );
    const taken = rest.slice(0, budget);
    const last = taken.at(-1);
    if (rest.length <= budget || !last) {
      return { full: [first], partial: null, messages: taken.map(label) };
    }
    return {
      full: [],
      partial: {
        member: first,
        position: {
          conversationId: first.conversationId,
          epoch: last.changeEpoch,
          messageId: last.messageId,
        },
      },
      messages: taken.map(label),
    };
  }

  // --- sessions -----------------------------------------------------------------------

  function connect(
    userId: number,
    connectOptions: { protocolVersion?: number } = {},
  ): FakeTransport {
    if (!users.has(userId)) throw new Error(`no user ${userId}`);
    const protocolVersion = connectOptions.protocolVersion ?? PROTOCOL_VERSION;
    const pushes: PushOp[][] = [];
    const pulls: PullRequest[] = [];
    let handlers: LiveHandlers | null = null;
    let isOffline = false;
    let hasEnded = false;
    let route: ((event: LiveEvent, deliver: () => void) => void) | null = null;
    const failures: Record<'push' | 'pull', TransportError[]> = { push: [], pull: [] };
    let answersToLose = 0;
    let hold: Promise<void> | null = null;
    let pushesInFlight = 0;
    let maxPushesInFlight = 0;

    const session: Session = {
      id: nextSessionId++,
      userId,
      isConnected: false,
      deliver(event) {
        const target = handlers;
        if (!target) return;
        const deliver = () => {
          if (handlers === target && session.isConnected) target.onEvent(copyOf(event));
        };
        if (route) route(event, deliver);
        else deliver();
      },
    };
    sessions.add(session);

    const streamRefusal = (): TransportError | null => {
      if (hasEnded) return authError();
      if (protocolVersion !== PROTOCOL_VERSION) return incompatibleError(protocolVersion);
      return null;
    };

    const openStream = () => {
      const target = handlers;
      if (!target || isOffline || session.isConnected) return;
      const refused = streamRefusal();
      if (refused) {
        target.onError?.(refused);
        return;
      }
      const wasOnline = isOnline(userId);
      session.isConnected = true;
      if (!wasOnline) announcePresence(userId, true);
      target.onConnectionChange(true);
      if (handlers !== target || !session.isConnected) return;
      target.onEvent({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
      const online = partnersOf(userId).filter(isOnline);
      if (handlers === target && session.isConnected) {
        target.onEvent({ type: 'presence', snapshot: true, online, offline: [] });
      }
    };

    /** The stream ends; `tell` says whether the device notices (a dropped connection)
     * or stopped it itself. */
    const closeStream = (tell: boolean) => {
      const target = handlers;
      if (!session.isConnected) return;
      session.isConnected = false;
      if (!isOnline(userId)) announcePresence(userId, false);
      if (tell) target?.onConnectionChange(false);
    };

    /** As the real procedures check a call: the network, the session, the input, then
     * the protocol; an answer never comes back in the same tick as the request. */
    async function call<T>(
      kind: 'push' | 'pull',
      invalid: string | null,
      run: () => T,
    ): Promise<T> {
      await Promise.resolve();
      if (isOffline) throw networkError('offline');
      const failure = failures[kind].shift();
      if (failure) throw failure;
      if (hasEnded) throw authError();
      if (invalid) throw new TransportError('permanent', 'VALIDATION_FAILED', invalid);
      if (protocolVersion !== PROTOCOL_VERSION) throw incompatibleError(protocolVersion);
      const result = run();
      if (isOffline) throw networkError('went offline before the answer came');
      return result;
    }

    const transport: FakeTransport = {
      userId,
      pushes,
      pulls,
      get maxPushesInFlight() {
        return maxPushesInFlight;
      },
      async push(ops) {
        pushes.push(structuredClone(ops));
        pushesInFlight++;
        maxPushesInFlight = Math.max(maxPushesInFlight, pushesInFlight);
        try {
          if (hold) await hold;
          const invalid =
            ops.length === 0 || ops.length > LIMITS.pushBatchMax ? 'ops: too many or none' : null;
          return await call('push', invalid, () => {
            const answer = pushResultSchema.parse(applyPush(session, ops));
            if (answersToLose > 0) {
              answersToLose--;
              throw networkError('push answer lost');
            }
            return answer;
          });
        } finally {
          pushesInFlight--;
        }
      },
      async pull(request) {
        pulls.push({ ...request });
        const limit = request.limit ?? LIMITS.pullPageMax;
        const invalid =
          !Number.isInteger(limit) || limit < 1 || limit > LIMITS.pullPageMax
            ? 'limit: out of range'
            : (request.cursor?.length ?? 0) > LIMITS.cursorMaxChars
              ? 'cursor: too long'
              : null;
        const check = request.check ?? false;
        return call('pull', invalid, () =>
          pullResultSchema.parse(pull(userId, { cursor: request.cursor, limit, check })),
        );
      },
      async receiptDetails(request) {
        await Promise.resolve();
        if (isOffline) throw networkError('offline');
        if (hasEnded) throw authError();
        return receiptDetails(userId, request);
      },
      subscribe(next) {
        closeStream(false);
        handlers = next;
        queueMicrotask(openStream);
        return () => {
          if (handlers !== next) return;
          closeStream(false);
          handlers = null;
        };
      },
      close() {
        closeStream(false);
        handlers = null;
      },
      goOffline() {
        isOffline = true;
        closeStream(true);
      },
      goOnline() {
        if (!isOffline) return;
        isOffline = false;
        queueMicrotask(openStream);
      },
      failNext(kind, error) {
        failures[kind].push(error);
      },
      loseNextPushAnswer() {
        answersToLose++;
      },
      holdPushes() {
        let release = () => {};
        const held = new Promise<void>((resolve) => {
          release = resolve;
        });
        hold = held;
        return () => {
          if (hold === held) hold = null;
          release();
        };
      },
      routeLive(next) {
        route = next;
      },
      endSession() {
        hasEnded = true;
        const target = handlers;
        closeStream(true);
        target?.onError?.(authError());
      },
    };
    return transport;
  }

  return {
    addUser(displayName) {
      const userId = users.size + 1;
      users.set(userId, displayName);
      return userId;
    },
    connect,
    deliverDue: () => scheduled.deliverDue(),
    messages: () =>
      [...messages.values()]
        .sort((a, b) => a.messageId - b.messageId)
        .map(({ changeEpoch: _epoch, ...view }) => ({ ...view })),
    conversationState(conversationId) {
      const conversation = conversations.get(conversationId);
      if (!conversation) return undefined;
      return { version: conversation.version, members: membersOf(conversationId).map(memberState) };
    },
  };
}

function opIdOf(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null || !('opId' in raw)) return '';
  return typeof raw.opId === 'string' ? raw.opId.slice(0, 64) : '';
}

/** Why an operation does not parse, as the server words it. */
function summarize(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || 'op'}: ${i.message}`)
    .join('; ');
}

function copyOf(event: LiveEvent): LiveEvent {
  return structuredClone(event);
}

function networkError(message: string): TransportError {
  return new TransportError('network', null, message);
}

function authError(): TransportError {
  return new TransportError('auth', 'UNAUTHENTICATED', 'missing, invalid or expired session token');
}

function incompatibleError(version: number): TransportError {
  return new TransportError(
    'incompatible',
    'PROTOCOL_INCOMPATIBLE',
    `this server speaks sync protocol ${PROTOCOL_VERSION}, not ${version}: update the app`,
  );
}

function unknownCursor(): TransportError {
  return new TransportError('permanent', 'UNKNOWN_CURSOR', 'this cursor cannot be continued');
}
