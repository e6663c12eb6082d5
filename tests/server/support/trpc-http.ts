// tRPC over plain HTTP, the way httpLink sends it, without the client: the matrices need
// the real HTTP status and the raw error body of every answer.
export interface TrpcAnswer {
  status: number;
  headers: Headers;
  body: TrpcBody;
}

export interface TrpcErrorData {
  code: string;
  httpStatus: number;
  path?: string;
  appCode?: string;
  fields?: Record<string, string[]>;
  zodIssues?: { code: string; path: (string | number)[]; message: string }[];
  retryAfterSeconds?: number;
}

export interface TrpcBody {
  result?: { data: unknown };
  error?: { message: string; code: number; data: TrpcErrorData };
}

export type ProcedureKind = 'query' | 'mutation';

/** Calls one procedure; `rawInput` sends text as-is (malformed JSON cases). */
export async function callProcedure(
  baseUrl: string,
  kind: ProcedureKind,
  path: string,
  options: { token?: string | null; input?: unknown; rawInput?: string } = {},
): Promise<TrpcAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const text =
    options.rawInput ?? (options.input === undefined ? undefined : JSON.stringify(options.input));
  const res =
    kind === 'query'
      ? await fetch(
          `${baseUrl}/trpc/${path}${text === undefined ? '' : `?input=${encodeURIComponent(text)}`}`,
          { headers },
        )
      : await fetch(`${baseUrl}/trpc/${path}`, { method: 'POST', headers, body: text });
  const body = (await res.json()) as TrpcBody;
  return { status: res.status, headers: res.headers, body };
}

/** The data of a successful answer; throws with the error when there is none. */
export function resultOf<T>(answer: TrpcAnswer): T {
  if (!answer.body.result) {
    throw new Error(`expected a result, got ${answer.status} ${JSON.stringify(answer.body.error)}`);
  }
  return answer.body.result.data as T;
}
