// Errors the server means to show a client. Anything else is logged and answered as
// INTERNAL with no detail: no stack traces or SQL reach a client.
import type { ErrorCode } from '../shared/errors.ts';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string[]>,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'conversation') => new AppError('NOT_FOUND', `${what} not found`);
export const unauthenticated = () =>
  new AppError('UNAUTHENTICATED', 'missing, invalid or expired session token');
