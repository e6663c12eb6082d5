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
import { login, register, resolveSession, type SessionIdentity } from '../auth/accounts.ts';
import { getConversationForParticipant, listConversations } from '../chat/conversations.ts';
import { listMessages } from '../chat/messages.ts';
import { AppError, unauthenticated } from '../errors.ts';
import type { Services } from '../services.ts';
import { sendOneMessage } from '../sync/apply.ts';
import { bearerToken, readJsonBody, sendJson, validationError } from './respond.ts';
import { conversationJson, conversationSummaryJson, messageJson, userJson } from './serialize.ts';

const MAX_REST_BODY = 256 * 1024;

interface RestRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
  services: Services;
}

interface Route {
  method: 'GET' | 'POST';
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
  const identity = await resolveSession(r.services.db, bearerToken(r.req));
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

const clientAddress = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';

const routes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/api\/v1\/auth\/register$/,
    async handle(r) {
      const input = await body(r, restRegisterBody);
      const signedIn = await register(r.services.auth, input);
      sendJson(r.res, 201, { token: signedIn.token, user: userJson(signedIn.user) });
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/auth\/login$/,
    async handle(r) {
      const input = await body(r, restLoginBody);
      const signedIn = await login(r.services.auth, input, clientAddress(r.req));
      sendJson(r.res, 200, { token: signedIn.token, user: userJson(signedIn.user) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/chat\/conversations$/,
    async handle(r) {
      const me = await caller(r);
      const { search } = query(r, restConversationListQuery);
      const conversations = await listConversations(r.services.db, me.userId, search);
      sendJson(r.res, 200, { conversations: conversations.map(conversationSummaryJson) });
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/chat\/conversations$/,
    async handle(r) {
      const me = await caller(r);
      const input = await body(r, restCreateConversationBody);
      const { conversation, created } = await r.services.openConversation(me.userId, input);
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
      sendJson(r.res, 200, conversationJson(conversation));
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
      const { messages, hasMore } = await listMessages(r.services.db, {
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
