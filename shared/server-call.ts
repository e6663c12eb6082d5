// One tRPC call over plain HTTP, its answer parsed and never trusted: the calls the UI
// makes itself (renderer/src/server-client.ts) and signing in and out, which the desktop's
// main process and the browser bridge both make. No DOM and no Node: the caller hands in
// its fetch (the page's, or Electron's net.fetch).
import { z } from 'zod';
import { ERROR_CODES, errorCodeFromTrpc, isErrorCode } from './errors.ts';

/** The part of fetch a call needs; the page's fetch and Electron's net.fetch both fit. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export const serverFailureSchema = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string().max(1000),
  /** Which input fields the server refused, and why. */
  fields: z.record(z.string().max(100), z.array(z.string().max(1000)).max(20)).optional(),
});
/** Why the server refused a call, or could not be asked: the code decides, not the text. */
export type ServerFailure = z.infer<typeof serverFailureSchema>;

export type ServerAnswer = { ok: true; data: unknown } | { ok: false; failure: ServerFailure };

export interface ServerCall {
  kind: 'query' | 'mutation';
  /** The procedure, e.g. `auth.login`. */
  path: string;
  input?: unknown;
  headers?: Record<string, string>;
}

const errorEnvelope = z.object({
  error: z.object({
    message: z.string(),
    data: z
      .object({
        code: z.string().optional(),
        appCode: z.string().optional(),
        fields: z.record(z.string(), z.array(z.string())).optional(),
      })
      .optional(),
  }),
});
const resultEnvelope = z.object({ result: z.object({ data: z.unknown() }) });

export const UNREACHABLE: ServerFailure = {
  code: 'UNAVAILABLE',
  message: 'The server cannot be reached. Check your connection.',
};

function failureOf(body: unknown, status: number): ServerFailure {
  const parsed = errorEnvelope.safeParse(body);
  if (!parsed.success)
    return { code: status >= 500 ? 'UNAVAILABLE' : 'INTERNAL', message: `HTTP ${status}` };
  const { message, data } = parsed.data.error;
  const code = isErrorCode(data?.appCode) ? data.appCode : errorCodeFromTrpc(data?.code ?? '');
  const failure = serverFailureSchema.safeParse({
    code,
    message: message.slice(0, 1000),
    ...(data?.fields ? { fields: data.fields } : {}),
  });
  return failure.success ? failure.data : { code, message: `HTTP ${status}` };
}

export async function callServer(
  fetchImpl: FetchLike,
  serverUrl: string,
  call: ServerCall,
): Promise<ServerAnswer> {
  const base = `${serverUrl.replace(/\/+$/, '')}/trpc/${call.path}`;
  const url =
    call.kind === 'query' && call.input !== undefined
      ? `${base}?input=${encodeURIComponent(JSON.stringify(call.input))}`
      : base;
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await fetchImpl(url, {
      method: call.kind === 'query' ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...call.headers },
      ...(call.kind === 'mutation' && call.input !== undefined
        ? { body: JSON.stringify(call.input) }
        : {}),
    });
  } catch {
    return { ok: false, failure: UNREACHABLE };
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) return { ok: false, failure: failureOf(body, response.status) };
  const parsed = resultEnvelope.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      failure: { code: 'INTERNAL', message: 'The server sent an answer this app cannot read.' },
    };
  }
  return { ok: true, data: parsed.data.result.data };
}
