// What the push handlers share: the database, whom a conversation's events go to, and
// the shape of what a handler hands back.
//
// Lock order, in every writing transaction (docs/sync.md, "Locks"): the conversation
// row first, then the clock's shared lock, then member rows, then message rows. A seal
// takes only the clock, and never waits for a transaction that waits for it.
import type { Roster } from '../../shared/groups.ts';
import type { ChangeSet, MemberState, OpResult, VersionStep } from '../../shared/sync/protocol.ts';
import type { Sql } from '../db/sql.ts';
import type { Logger } from '../logger.ts';
import type { Participants } from './participants.ts';

export interface SyncContext {
  sql: Sql;
  participants: Participants;
  log: Logger;
  /** Whether a multi-row INSERT takes consecutive ids (innodb_autoinc_lock_mode below
   * 2), so the ids of a batch that went in whole need not be read back. */
  hasConsecutiveInsertIds: boolean;
  /** Runs inside a conversation's transaction just before it commits: a seam for tests
   * that hold a transaction open to force a commit order. */
  beforeCommit?: (conversationId: number) => Promise<void>;
  /** After a delete: the upload its message carried may go, and its bytes with it. */
  releaseUpload?: (uploadId: string) => Promise<void>;
}

export interface Caller {
  userId: number;
  /** The device session that pushed, if the change came from a push. */
  sessionId?: number;
}

/** Rows some users must hear about once the transaction that wrote them committed. */
export interface Publication {
  to: readonly number[];
  changes: ChangeSet;
  /** Also to the pushing device (its answer does not carry all of it). */
  everyDevice?: boolean;
}

export interface Outcome {
  /** One per operation handed to the handler, in order. */
  results: OpResult[];
  publications: Publication[];
  /** For the pushing device's answer. */
  versions: VersionStep[];
  members: MemberState[];
  /** Rosters of groups the operations changed, for the pushing device's answer. */
  rosters?: Roster[];
}

export const NO_OUTCOME: Outcome = { results: [], publications: [], versions: [], members: [] };

/** The outcome of operations that changed nothing anyone else must hear of. */
export function resultsOnly(results: OpResult[]): Outcome {
  return { ...NO_OUTCOME, results };
}

export function rejected(
  opId: string,
  code: Extract<OpResult, { status: 'rejected' }>['code'],
  reason: string,
): OpResult {
  return { opId, status: 'rejected', code, reason };
}

/** Seconds precision, as the seed's DATETIME columns store it, so what a device is told
 * is exactly what is stored. */
export function storedNow(now = Date.now()): Date {
  return new Date(Math.floor(now / 1000) * 1000);
}
