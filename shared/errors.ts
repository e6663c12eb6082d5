// The one list of error codes, and how each maps onto HTTP and tRPC. Clients decide
// "retry later" versus "failed for good" from the code, never from message text.
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION_FAILED',
  'CONFLICT',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'UNAVAILABLE',
  'INTERNAL',
  /** The client speaks a sync protocol this server does not: the app must be updated.
   * Nothing the client stored is wrong; it keeps it and waits. */
  'PROTOCOL_INCOMPATIBLE',
  /** The sync cursor is not one this server can continue from (another database, or
   * one too old): the only error after which a client starts its pull from scratch. */
  'UNKNOWN_CURSOR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type TrpcErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_REQUEST'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'PAYLOAD_TOO_LARGE'
  | 'PRECONDITION_FAILED'
  | 'UNPROCESSABLE_CONTENT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION_FAILED: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  PROTOCOL_INCOMPATIBLE: 412,
  UNKNOWN_CURSOR: 422,
};

export const TRPC_CODE: Record<ErrorCode, TrpcErrorCode> = {
  UNAUTHENTICATED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  VALIDATION_FAILED: 'BAD_REQUEST',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
  PROTOCOL_INCOMPATIBLE: 'PRECONDITION_FAILED',
  UNKNOWN_CURSOR: 'UNPROCESSABLE_CONTENT',
};

const FROM_TRPC = new Map<string, ErrorCode>(
  ERROR_CODES.map((code) => [TRPC_CODE[code], code] as const),
);

export function errorCodeFromTrpc(trpcCode: string): ErrorCode {
  return FROM_TRPC.get(trpcCode) ?? 'INTERNAL';
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Worth trying again later: the request itself was fine, the moment was not. */
export function isRetryable(code: ErrorCode): boolean {
  return code === 'RATE_LIMITED' || code === 'UNAVAILABLE' || code === 'INTERNAL';
}

/** The body of every REST error answer: `{error: {code, message, fields?}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: Record<string, string[]> };
}
