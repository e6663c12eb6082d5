// Turns a window of messages into the rows the chat log shows: a date separator where
// the day changes, a "new messages" marker before the first unread one, and messages
// grouped by sender (a run of one sender's messages within a few minutes).
import type { LocalMessage } from '../../sync/db.ts';
import { formatDayLabel, localDayKey } from '../time/format-time.ts';

const GROUP_GAP_MS = 5 * 60_000;

export type MessageRow =
  | { kind: 'date'; key: string; label: string }
  | { kind: 'unread'; key: string }
  | {
      kind: 'message';
      key: string;
      message: LocalMessage;
      isOwn: boolean;
      isFirstInGroup: boolean;
      isLastInGroup: boolean;
    };

export interface RowOptions {
  myUserId: number;
  /** The first unread message when the conversation was opened, if any. */
  unreadFrom: string | null;
  now: Date;
  locale?: string;
}

function continuesGroup(previous: LocalMessage | undefined, message: LocalMessage): boolean {
  if (!previous || previous.senderId !== message.senderId) return false;
  if (previous.messageType === 'system' || message.messageType === 'system') return false;
  const gap = Date.parse(message.createdAt) - Date.parse(previous.createdAt);
  return (
    gap >= 0 &&
    gap <= GROUP_GAP_MS &&
    localDayKey(previous.createdAt) === localDayKey(message.createdAt)
  );
}

export function buildMessageRows(
  messages: readonly LocalMessage[],
  options: RowOptions,
): MessageRow[] {
  const rows: MessageRow[] = [];
  let lastDay: string | null = null;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const previous = messages[i - 1];
    const next = messages[i + 1];
    const day = localDayKey(message.createdAt);
    if (day !== lastDay) {
      rows.push({
        kind: 'date',
        key: `date:${day}`,
        label: formatDayLabel(message.createdAt, options.now, options.locale),
      });
      lastDay = day;
    }
    const markerHere = message.clientMsgId === options.unreadFrom;
    if (markerHere) rows.push({ kind: 'unread', key: 'unread-marker' });
    rows.push({
      kind: 'message',
      key: message.clientMsgId,
      message,
      isOwn: message.senderId === options.myUserId,
      isFirstInGroup:
        markerHere ||
        !continuesGroup(previous, message) ||
        day !== localDayKey(previous?.createdAt ?? ''),
      isLastInGroup:
        !next || !continuesGroup(message, next) || next.clientMsgId === options.unreadFrom,
    });
  }
  return rows;
}

/** Someone else's message the user had not read when the conversation opened: after
 * their read mark, synced, not deleted (what the unread count counts). */
export function isUnreadAtOpen(message: LocalMessage, myUserId: number, readUpTo: number): boolean {
  return (
    message.senderId !== myUserId &&
    !message.isDeleted &&
    message.serverId !== null &&
    message.serverId > readUpTo
  );
}

/** Where the "new messages" marker goes: the first message after the user's read mark
 * (null when nothing was unread). Found from the mark, not by counting back from the end,
 * so deleted messages, one's own replies and a partly loaded backlog cannot shift it. */
export function firstUnreadMessage(
  messages: readonly LocalMessage[],
  myUserId: number,
  readUpTo: number | null,
): string | null {
  if (readUpTo === null) return null;
  return messages.find((m) => isUnreadAtOpen(m, myUserId, readUpTo))?.clientMsgId ?? null;
}

/** Keeps a virtualized list's scroll position when older rows are prepended: the index
 * of the first row must fall by exactly the number of rows that appeared before it. */
export function shiftFirstIndex(
  previousFirstIndex: number,
  previousRows: readonly MessageRow[],
  nextRows: readonly MessageRow[],
): number {
  const anchor = previousRows.findIndex((r) => r.kind === 'message');
  if (anchor < 0) return previousFirstIndex;
  const key = previousRows[anchor]!.key;
  const moved = nextRows.findIndex((r) => r.key === key);
  if (moved < 0) return previousFirstIndex;
  return previousFirstIndex - (moved - anchor);
}
