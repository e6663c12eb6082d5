// What the sync engine needs from the network, and nothing more: push a batch, pull a
// page, hear pokes. The tRPC implementation is one; tests wrap it to inject faults.
import type { ErrorCode } from '../../shared/errors.ts';
import type { PokeEvent, PullResult, PushOp, PushResult } from '../../shared/sync/protocol.ts';

export interface SyncTransport {
  push(ops: PushOp[]): Promise<PushResult>;
  pull(cursor: string | null, limit?: number): Promise<PullResult>;
  /** Starts listening for pokes; returns what stops listening. */
  subscribe(handlers: SubscriptionHandlers): () => void;
  close(): void;
}

export interface SubscriptionHandlers {
  /** Something changed for this user: pull. Also sent on every (re)connection. */
  onPoke(): void;
  onConnectionChange(connected: boolean): void;
  /** Conversation partners who came online or went offline (the same subscription). */
  onPresence?(event: Extract<PokeEvent, { reason: 'presence' }>): void;
  /** The subscription failed for a reason that reconnecting will not fix (e.g. auth). */
  onError?(error: TransportError): void;
}

/**
 * - `network`: no answer (offline, server down, lost response): try again later.
 * - `retryable`: the server answered "not now" (rate limit, unavailable).
 * - `auth`: the session is no longer valid; retrying will not help until sign-in.
 * - `permanent`: the request itself was refused.
 */
export type TransportErrorKind = 'network' | 'retryable' | 'auth' | 'permanent';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    readonly code: ErrorCode | null,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Anything a transport threw, as a TransportError; unknown failures count as network. */
export function asTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TransportError('network', null, message);
}
