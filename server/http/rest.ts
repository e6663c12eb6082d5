// The seed's REST endpoints (DESIGN §5), a thin layer over the same services as tRPC:
// same validation, same authorization, same answers in snake_case.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZodType } from 'zod';
import {
  restConversationIdParam,
  restConversationListQuery,
  restCreateConversationBody,
  restLoginBody,
  restMessageListQuery,
  restRegisterBody,
  restSendMessageBody,
} from '../../shared/rest.ts';
import {
  login,
  type Opened,
  register,
  resolveSession,
  type SessionIdentity,
} from '../auth/accounts.ts';
import { announceEnded, endSession, listDevices } from '../auth/sessions.ts';
import {
  getConversationForParticipant,
  groupMembersOf,
  listConversations,
} from '../chat/conversations.ts';
import { listMessages } from '../chat/messages.ts';
import { AppError, unauthenticated } from '../errors.ts';
import { guardMessages } from '../limits/policies.ts';
import type { Services } from '../services.ts';
import { sendOneMessage } from '../sync/apply.ts';
import { bearerToken, readJsonBody, sendJson, validationError } from './respond.ts';
import {
  conversationJson,
  conversationSummaryJson,
  deviceJson,
  messageJson,
  userJson,
} from './serialize.ts';

const MAX_REST_BODY = 256 * 1024;

interface RestRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
  services: Services;
}

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handle: (r: RestRequest) => Promise<void>;
}

function parse<T>(schema: ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

async function body<T>(r: RestRequest, schema: ZodType<T>): Promise<T> {
  return parse(schema, await readJsonBody(r.req, MAX_REST_BODY));
}

function query<T>(r: RestRequest, schema: ZodType<T>): T {
  return parse(schema, Object.fromEntries(r.url.searchParams));
}

async function caller(r: RestRequest): Promise<SessionIdentity> {
  const identity = await resolveSession(
    r.services.db,
    bearerToken(r.req),
    r.services.config.SESSION_IDLE_DAYS,
  );
  if (!identity) throw unauthenticated();
  return identity;
}

function conversationIdParam(r: RestRequest): number {
  const parsed = restConversationIdParam.safeParse(r.params[0]);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', 'the conversation id is not valid', {
      conversation_id: ['must be a positive integer'],
    });
  }
  return parsed.data;
}

function sessionIdParam(r: RestRequest): number {
  const parsed = restConversationIdParam.safeParse(r.params[0]);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', 'the session id is not valid', {
      session_id: ['must be a positive integer'],
    });
  }
  return parsed.data;
}

const clientAddress = (r: RestRequest) => r.services.addresses.clientOf(r.req);

/** A sign-in's answer; devices it pushed over the account's cap are told to end. */
async function sendSignedIn(r: RestRequest, status: number, opened: Opened) {
  await announceEnded(r.services.bus, opened.user.userId, opened.signedOut);
  sendJson(r.res, status, { token: opened.token, user: userJson(opened.user) });
}

const routes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/api\/v1\/auth\/register$/,
    async handle(r) {
      const input = await body(r, restRegisterBody);
      await sendSignedIn(r, 201, await register(r.services.auth, input, clientAddress(r)));
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/auth\/login$/,
    async handle(r) {
      const input = await body(r, restLoginBody);
      await sendSignedIn(r, 200, await login(r.services.auth, input, clientAddress(r)));
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/auth\/sessions$/,
    async handle(r) {
      const me = await caller(r);
      const devices = await listDevices(r.services.db, me.userId, me.sessionId);
      sendJson(r.res, 200, { sessions: devices.map(deviceJson) });
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/v1\/auth\/sessions\/([^/]+)$/,
    async handle(r) {
      const me = await caller(r);
      await endSession(r.services, me.userId, sessionIdParam(r));
      r.res.writeHead(204, { 'cache-control': 'no-store' }).end();
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/chat\/conversations$/,
    async handle(r) {
      const me = await caller(r);
      const page = await listConversations(
        r.services.db,
        me.userId,
        query(r, restConversationListQuery),
      );
      // One who left a group no longer learns who is in it.
      const members = await groupMembersOf(
        r.services.db,
        page.conversations
          .filter((c) => c.isGroup && c.leftUpTo === null)
          .map((c) => c.conversationId),
      );
      sendJson(r.res, 200, {
        conversations: page.conversations.map((c) =>
          conversationSummaryJson(c, members.get(c.conversationId)),
        ),
        has_more: page.nextCursor !== null,
        next_cursor: page.nextCursor,
      });
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/chat\/conversations$/,
    async handle(r) {
      const me = await caller(r);
      const input = await body(r, restCreateConversationBody);
      const { conversation, created } = await r.services.openConversation(
        me.userId,
        input,
        clientAddress(r),
      );
      sendJson(r.res, created ? 201 : 200, conversationJson(conversation));
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/chat\/conversations\/([^/]+)$/,
    async handle(r) {
      const me = await caller(r);
      const id = conversationIdParam(r);
      const conversation = await getConversationForParticipant(r.services.db, me.userId, id);
      const members =
        conversation.isGroup && conversation.leftUpTo === null
          ? (await groupMembersOf(r.services.db, [id])).get(id)
          : undefined;
      sendJson(r.res, 200, conversationJson(conversation, members));
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/chat\/conversations\/([^/]+)\/messages$/,
    async handle(r) {
      const me = await caller(r);
      const id = conversationIdParam(r);
      const page = query(r, restMessageListQuery);
      await getConversationForParticipant(r.services.db, me.userId, id);
      const { messages, hasMore } = await listMessages(r.services.db, me.userId, {
        conversationId: id,
        ...page,
      });
      sendJson(r.res, 200, { messages: messages.map(messageJson), has_more: hasMore });
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/chat\/messages$/,
    async handle(r) {
      const me = await caller(r);
      const input = await body(r, restSendMessageBody);
      await guardMessages(r.services.limits, me.userId, clientAddress(r), 1);
      const { message, created } = await sendOneMessage(r.services.sync, me.userId, input);
      sendJson(r.res, created ? 201 : 200, messageJson(message));
    },
  },
];

/** Answers a REST request; returns false when no REST path matches. */
export async function handleRest(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (!url.pathname.startsWith('/api/v1/')) return false;
  const matching = routes
    .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
    .filter((m) => m.match);
  if (matching.length === 0) throw new AppError('NOT_FOUND', 'no such endpoint');
  const hit = matching.find((m) => m.route.method === req.method);
  if (!hit?.match) {
    sendJson(
      res,
      405,
      { error: { code: 'VALIDATION_FAILED', message: `method ${req.method} not allowed` } },
      { allow: matching.map((m) => m.route.method).join(', ') },
    );
    return true;
  }
  await hit.route.handle({ req, res, url, params: hit.match.slice(1), services });
  return true;
}
