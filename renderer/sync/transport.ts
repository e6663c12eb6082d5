// What the sync engine needs from the network, and nothing more: push a batch, pull a
// page, hear the live stream, ask who has read a group message. The tRPC implementation is one; tests wrap it to inject
// faults.
import type { ErrorCode } from '../../shared/errors.ts';
import type { ReceiptDetails } from '../../shared/groups.ts';
import type { LiveEvent, PullResult, PushOp, PushResult } from '../../shared/sync/protocol.ts';

export interface PullRequest {
  cursor: string | null;
  limit?: number;
  check?: boolean;
}

export interface ReceiptDetailsRequest {
  conversationId: number;
  messageId: number;
}

export interface SyncTransport {
  push(ops: PushOp[]): Promise<PushResult>;
  pull(request: PullRequest): Promise<PullResult>;
  /** Each other member of a group and when they first had and first read one of this
   * user's messages (`groups.receiptDetails`). */
  receiptDetails(request: ReceiptDetailsRequest): Promise<ReceiptDetails>;
  /** Starts the live stream; returns what stops it. */
  subscribe(handlers: LiveHandlers): () => void;
  close(): void;
}

export interface LiveHandlers {
  /** An event of the stream, parsed. `hello` opens every (re)connection. */
  onEvent(event: LiveEvent): void;
  onConnectionChange(connected: boolean): void;
  /** The stream failed for a reason that reconnecting will not fix (auth, protocol). */
  onError?(error: TransportError): void;
}

/**
 * - `network`: no answer (offline, server down, lost response): try again later.
 * - `retryable`: the server answered "not now" (rate limit, unavailable).
 * - `auth`: the session is no longer valid; retrying will not help until sign-in.
 * - `incompatible`: the server speaks another protocol: the app must be updated; stop
 *   asking, keep everything.
 * - `permanent`: the request itself was refused.
 */
export type TransportErrorKind = 'network' | 'retryable' | 'auth' | 'incompatible' | 'permanent';

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
