// The status lattice of DESIGN §3.5: sent < delivered < read. Receipts are per-member
// watermarks that merge by maximum, so a read receipt made offline that arrives after a
// later delivered receipt still wins; a message's status is read off the watermarks.
export const SERVER_STATUSES = ['sent', 'delivered', 'read'] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

/** What a device shows for its own message: the server lattice plus local states. */
export type LocalStatus = 'pending' | 'failed' | ServerStatus;

/** How far a member has got in a conversation: every message with an id up to
 * `deliveredUpTo` is stored on one of their devices, up to `readUpTo` read. Reading
 * implies delivery, so `deliveredUpTo >= readUpTo` always. */
export interface Watermarks {
  deliveredUpTo: number;
  readUpTo: number;
}

export const NO_WATERMARKS: Watermarks = { deliveredUpTo: 0, readUpTo: 0 };

/** The later of two views of a member's progress. */
export function mergeWatermarks(a: Watermarks, b: Watermarks): Watermarks {
  const readUpTo = Math.max(a.readUpTo, b.readUpTo);
  return { readUpTo, deliveredUpTo: Math.max(a.deliveredUpTo, b.deliveredUpTo, readUpTo) };
}

/** The status of message `messageId` as the recipient's watermarks tell it. */
export function statusFromWatermarks(messageId: number, recipient: Watermarks): ServerStatus {
  if (recipient.readUpTo >= messageId) return 'read';
  if (recipient.deliveredUpTo >= messageId) return 'delivered';
  return 'sent';
}
