// A scripted stand-in for the server, for the engine's unit tests: it accepts operations
// the way the real push does (ids, statuses, duplicates by client id), lets a test
// refuse or fail specific calls, and serves pull pages the test queues.
import type { ConversationView, MessageView } from '../../../shared/model.ts';
import type { OpResult, PullResult, PushOp, PushResult } from '../../../shared/sync/protocol.ts';
import type { SubscriptionHandlers, SyncTransport, TransportError } from '../transport.ts';

export interface FakeTransport extends SyncTransport {
  pushes: PushOp[][];
  pulls: (string | null)[];
  /** Answer for one operation instead of accepting it (return null to accept). */
  decide: (op: PushOp) => OpResult | null;
  /** Thrown by the next push (then cleared). */
  failNextPush: TransportError | null;
  failNextPull: TransportError | null;
  /** Pages served by the next pulls, in order; afterwards an empty page. */
  pages: PullResult[];
  /** Waits before answering a push, so tests can observe what is in flight. */
  pushGate: Promise<void> | null;
  maxConcurrentPushes: number;
  messages: Map<string, MessageView>;
  poke(): void;
  setConnected(connected: boolean): void;
  presence(event: { snapshot: boolean; online: number[]; offline: number[] }): void;
  conversationView(id: number, otherUserId: number): ConversationView;
}

export function createFakeTransport(userId: number): FakeTransport {
  let handlers: SubscriptionHandlers | null = null;
  let nextMessageId = 100;
  let nextConversationId = 10;
  let concurrent = 0;
  let changeSeq = 0;
  const conversations = new Map<string, number>();

  const fake: FakeTransport = {
    pushes: [],
    pulls: [],
    decide: () => null,
    failNextPush: null,
    failNextPull: null,
    pages: [],
    pushGate: null,
    maxConcurrentPushes: 0,
    messages: new Map(),

    conversationView(id, otherUserId) {
      return {
        conversationId: id,
        user1Id: userId,
        user2Id: otherUserId,
        conversationType: 'general',
        contextId: null,
        contextTitle: null,
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-01T00:00:00.000Z',
        isActive: true,
        lastMessageId: null,
        lastMessageAt: null,
        otherUser: { userId: otherUserId, displayName: `User ${otherUserId}` },
      };
    },

    async push(ops) {
      fake.pushes.push(ops);
      concurrent++;
      fake.maxConcurrentPushes = Math.max(fake.maxConcurrentPushes, concurrent);
      try {
        if (fake.pushGate) await fake.pushGate;
        const failure = fake.failNextPush;
        if (failure) {
          fake.failNextPush = null;
          throw failure;
        }
        const clientConvs = new Map<string, number | null>();
        const results = ops.map((op): OpResult => {
          const decided = fake.decide(op);
          if (decided) {
            if (op.kind === 'createConversation') clientConvs.set(op.clientConvId, null);
            return decided;
          }
          return accept(op, clientConvs);
        });
        return { results } satisfies PushResult;
      } finally {
        concurrent--;
      }
    },

    async pull(cursor) {
      fake.pulls.push(cursor);
      const failure = fake.failNextPull;
      if (failure) {
        fake.failNextPull = null;
        throw failure;
      }
      return (
        fake.pages.shift() ?? {
          conversations: [],
          messages: [],
          cursor: cursor ?? 'c0',
          hasMore: false,
        }
      );
    },

    subscribe(h) {
      handlers = h;
      return () => {
        handlers = null;
      };
    },
    close() {
      handlers = null;
    },
    poke() {
      handlers?.onPoke();
    },
    setConnected(connected) {
      handlers?.onConnectionChange(connected);
    },
    presence(event) {
      handlers?.onPresence?.({ reason: 'presence', ...event });
    },
  };

  function accept(op: PushOp, clientConvs: Map<string, number | null>): OpResult {
    switch (op.kind) {
      case 'createConversation': {
        const key = `${op.otherUserId}:${op.conversationType}:${op.contextId ?? 0}`;
        let id = conversations.get(key);
        if (id === undefined) {
          id = nextConversationId++;
          conversations.set(key, id);
        }
        clientConvs.set(op.clientConvId, id);
        return {
          opId: op.opId,
          status: 'accepted',
          conversation: fake.conversationView(id, op.otherUserId),
        };
      }
      case 'send': {
        const conversationId =
          'conversationId' in op.conversation
            ? op.conversation.conversationId
            : clientConvs.get(op.conversation.clientConvId);
        if (conversationId == null) {
          return {
            opId: op.opId,
            status: 'rejected',
            code: 'NOT_FOUND',
            reason: 'conversation unknown',
          };
        }
        const existing = fake.messages.get(op.clientMsgId);
        if (existing)
          return { opId: op.opId, status: 'accepted', message: existing, duplicate: true };
        const message: MessageView = {
          messageId: nextMessageId++,
          conversationId,
          senderId: userId,
          messageType: op.messageType,
          content: op.content,
          createdAt: '2025-01-02T00:00:00.000Z',
          updatedAt: '2025-01-02T00:00:00.000Z',
          status: 'sent',
          isEdited: false,
          isDeleted: false,
          fileUrl: null,
          fileName: null,
          fileSize: null,
          clientMsgId: op.clientMsgId,
          changeSeq: ++changeSeq,
        };
        fake.messages.set(op.clientMsgId, message);
        return { opId: op.opId, status: 'accepted', message };
      }
      case 'edit':
      case 'delete': {
        const existing = fake.messages.get(op.clientMsgId);
        if (!existing)
          return {
            opId: op.opId,
            status: 'rejected',
            code: 'NOT_FOUND',
            reason: 'no such message',
          };
        const message: MessageView =
          op.kind === 'edit'
            ? existing.isDeleted
              ? existing
              : { ...existing, content: op.content, isEdited: true, changeSeq: ++changeSeq }
            : { ...existing, content: '', isDeleted: true, changeSeq: ++changeSeq };
        fake.messages.set(op.clientMsgId, message);
        return { opId: op.opId, status: 'accepted', message };
      }
      default:
        return { opId: op.opId, status: 'accepted' };
    }
  }

  return fake;
}

/** A message from someone else, as a pull would carry it. */
export function incomingView(
  fields: Partial<MessageView> & { messageId: number; conversationId: number; senderId: number },
): MessageView {
  return {
    messageType: 'text',
    content: `message ${fields.messageId}`,
    createdAt: new Date(Date.UTC(2025, 0, 3, 0, 0, fields.messageId)).toISOString(),
    updatedAt: new Date(Date.UTC(2025, 0, 3, 0, 0, fields.messageId)).toISOString(),
    status: 'sent',
    isEdited: false,
    isDeleted: false,
    fileUrl: null,
    fileName: null,
    fileSize: null,
    clientMsgId: `00000000-0000-7000-8000-${String(fields.messageId).padStart(12, '0')}`,
    changeSeq: fields.messageId,
    ...fields,
  };
}
