// What a well-formed answer looks like (DESIGN §5, shared/errors.ts, server/trpc.ts's
// errorFormatter), as checks that list every way an answer falls short, so a fuzzer's
// counterexample says exactly what was wrong.
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import { ERROR_CODES, HTTP_STATUS, TRPC_CODE } from '../../../shared/errors.ts';
import type { RawAnswer } from './fuzz-http.ts';

const fieldsSchema = z.record(z.string(), z.array(z.string().min(1)).min(1));

export const restErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string().min(1),
    fields: fieldsSchema.optional(),
  }),
});
export type RestError = z.infer<typeof restErrorSchema>['error'];

const trpcCodeSchema = z.custom<TRPC_ERROR_CODE_KEY>(
  (code) => typeof code === 'string' && Object.hasOwn(TRPC_ERROR_CODES_BY_KEY, code),
  'a tRPC error code',
);

/** One call's error as the errorFormatter shapes it; strict, so a stack or a database
 * detail added to it is caught. */
export const trpcErrorSchema = z.strictObject({
  message: z.string().min(1),
  code: z.number().int(),
  data: z.strictObject({
    code: trpcCodeSchema,
    httpStatus: z.number().int(),
    path: z.string().optional(),
    appCode: z.enum(ERROR_CODES).optional(),
    fields: fieldsSchema.optional(),
    zodIssues: z
      .array(
        z.looseObject({
          code: z.string(),
          path: z.array(z.union([z.string(), z.number()])),
          message: z.string(),
        }),
      )
      .optional(),
    retryAfterSeconds: z.number().int().positive().optional(),
  }),
});
export type TrpcError = z.infer<typeof trpcErrorSchema>;

const trpcItemSchema = z.union([
  z.strictObject({ result: z.strictObject({ data: z.unknown().optional() }) }),
  z.strictObject({ error: trpcErrorSchema }),
]);

/** Text that only an unexpected failure would put in front of a client. */
const LEAK = /\n\s+at \S+ \(|PrismaClient|Invalid `prisma|sqlState|ER_[A-Z_]{4,}/;

export type CallOutcome = { ok: true; data: unknown } | { ok: false; error: TrpcError };

export interface Judgement {
  problems: string[];
  /** One per call the request made (tRPC); a REST request is one call. */
  calls: CallOutcome[];
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

export function isRefusal(status: number): boolean {
  return status >= 400 && status < 500;
}

function statusProblems(status: number): string[] {
  if (isSuccess(status) || isRefusal(status)) return [];
  return [`answered ${status}: only 2xx or 4xx is acceptable`];
}

/** The REST contract: `{error: {code, message, fields?}}` with the code's own status. A
 * method a path does not take is refused 405, a status the code list has no code for. */
export function judgeRestAnswer(answer: RawAnswer, method: string): Judgement {
  const problems = statusProblems(answer.status);
  if (!isRefusal(answer.status)) return { problems, calls: [{ ok: true, data: answer.text }] };
  if (method === 'HEAD') return { problems, calls: [] };
  const parsed = parseJson(answer.text);
  if (!parsed.ok) {
    problems.push(`a ${answer.status} whose body is not JSON: ${answer.text.slice(0, 200)}`);
    return { problems, calls: [] };
  }
  const shaped = restErrorSchema.safeParse(parsed.value);
  if (!shaped.success) {
    problems.push(
      `a ${answer.status} without the error shape (${describeIssues(shaped.error.issues)}): ${answer.text.slice(0, 300)}`,
    );
    return { problems, calls: [] };
  }
  const { code, message } = shaped.data.error;
  const isMethodRefusal = answer.status === 405 && code === 'VALIDATION_FAILED';
  if (!isMethodRefusal && HTTP_STATUS[code] !== answer.status) {
    problems.push(`code ${code} answered with ${answer.status}, not ${HTTP_STATUS[code]}`);
  }
  if (LEAK.test(message)) problems.push(`the message leaks internals: ${message}`);
  return { problems, calls: [] };
}

/** One tRPC error: a known code, its JSON-RPC number and HTTP status, and, when the
 * server names its own code, the same code in both vocabularies. */
function trpcErrorProblems(error: TrpcError, where: string): string[] {
  const problems: string[] = [];
  const { code, httpStatus, appCode } = error.data;
  const expectedStatus = getHTTPStatusCodeFromError(new TRPCError({ code }));
  if (httpStatus !== expectedStatus) {
    problems.push(`${where}: ${code} with httpStatus ${httpStatus}, not ${expectedStatus}`);
  }
  if (!isRefusal(httpStatus)) problems.push(`${where}: an error with httpStatus ${httpStatus}`);
  if (TRPC_ERROR_CODES_BY_KEY[code] !== error.code) {
    problems.push(`${where}: ${code} with JSON-RPC code ${error.code}`);
  }
  if (appCode !== undefined) {
    if (TRPC_CODE[appCode] !== code) problems.push(`${where}: appCode ${appCode} under ${code}`);
    if (HTTP_STATUS[appCode] !== httpStatus) {
      problems.push(`${where}: appCode ${appCode} with httpStatus ${httpStatus}`);
    }
  }
  if (LEAK.test(error.message)) problems.push(`${where}: the message leaks internals`);
  return problems;
}

function judgeTrpcItem(value: unknown, where: string, problems: string[]): CallOutcome | null {
  const item = trpcItemSchema.safeParse(value);
  if (!item.success) {
    problems.push(`${where}: not a tRPC result or error (${describeIssues(item.error.issues)})`);
    return null;
  }
  if ('result' in item.data) return { ok: true, data: item.data.result.data };
  problems.push(...trpcErrorProblems(item.data.error, where));
  return { ok: false, error: item.data.error };
}

/** A subscription over HTTP: the stream opens 200 and then carries either data or one
 * `serialized-error` event whose error has the tRPC shape. */
function judgeEventStream(answer: RawAnswer, problems: string[]): Judgement {
  if (answer.status !== 200) problems.push(`an event stream opened with ${answer.status}`);
  const decisive = (answer.events ?? []).find((e) => e.event !== 'connected');
  if (!decisive) {
    problems.push('the event stream ended without an event or an error');
    return { problems, calls: [] };
  }
  if (decisive.event !== 'serialized-error') {
    return { problems, calls: [{ ok: true, data: decisive.data }] };
  }
  const parsed = parseJson(decisive.data);
  const error = trpcErrorSchema.safeParse(parsed.ok ? parsed.value : decisive.data);
  if (!error.success) {
    problems.push(`a stream error without the tRPC shape: ${decisive.data.slice(0, 300)}`);
    return { problems, calls: [] };
  }
  problems.push(...trpcErrorProblems(error.data, 'stream error'));
  return { problems, calls: [{ ok: false, error: error.data }] };
}

/** A tRPC answer over HTTP: one result or error, a batch of them (one per call), or an
 * event stream. Methods tRPC does not take are refused before it, in the REST shape. */
export function judgeTrpcAnswer(
  answer: RawAnswer,
  request: { method: string; isBatch: boolean; calls: number },
): Judgement {
  const problems = statusProblems(answer.status);
  if (answer.events) return judgeEventStream(answer, problems);
  if (request.method !== 'GET' && request.method !== 'POST') {
    return judgeRestAnswer(answer, request.method);
  }
  const parsed = parseJson(answer.text);
  if (!parsed.ok) {
    problems.push(`a ${answer.status} whose body is not JSON: ${answer.text.slice(0, 200)}`);
    return { problems, calls: [] };
  }
  const calls: CallOutcome[] = [];
  if (Array.isArray(parsed.value)) {
    if (!request.isBatch) problems.push('a batch answer to a single call');
    if (parsed.value.length !== request.calls) {
      problems.push(`${parsed.value.length} answers to ${request.calls} calls`);
    }
    parsed.value.forEach((item, i) => {
      const outcome = judgeTrpcItem(item, `call ${i}`, problems);
      if (outcome) calls.push(outcome);
    });
    // tRPC answers a batch with its calls' common status, or 207 when they differ.
    const statuses = new Set(calls.map((c) => (c.ok ? 200 : c.error.data.httpStatus)));
    const expected = statuses.size === 1 ? [...statuses][0] : 207;
    if (calls.length > 0 && answer.status !== expected) {
      problems.push(`a batch of statuses ${[...statuses].join(', ')} answered ${answer.status}`);
    }
    return { problems, calls };
  }
  const outcome = judgeTrpcItem(parsed.value, 'answer', problems);
  if (outcome && !outcome.ok && outcome.error.data.httpStatus !== answer.status) {
    problems.push(`answered ${answer.status} for an error of ${outcome.error.data.httpStatus}`);
  }
  if (outcome?.ok && !isSuccess(answer.status)) problems.push(`a result with ${answer.status}`);
  // An error about the whole request (say, a batch too large) stands for every call.
  const copies = outcome && !outcome.ok && request.isBatch ? request.calls : 1;
  if (outcome) for (let i = 0; i < copies; i++) calls.push(outcome);
  return { problems, calls };
}

/** An error a tRPC client decoded (its `shape`), judged like one read off the wire. */
export function judgeTrpcError(shape: unknown, where: string): string[] {
  const error = trpcErrorSchema.safeParse(shape);
  if (!error.success) {
    return [`${where}: an error without the tRPC shape (${describeIssues(error.error.issues)})`];
  }
  return trpcErrorProblems(error.data, where);
}
