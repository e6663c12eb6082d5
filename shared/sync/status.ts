// The status lattice of DESIGN §3.5: sent < delivered < read. Receipts merge by maximum,
// so a read receipt made offline that arrives after a later delivered receipt still wins.
export const SERVER_STATUSES = ['sent', 'delivered', 'read'] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

/** What a device shows for its own message: the server lattice plus local states. */
export type LocalStatus = 'pending' | 'failed' | ServerStatus;

const RANK: Record<ServerStatus, number> = { sent: 0, delivered: 1, read: 2 };

export function statusRank(status: ServerStatus): number {
  return RANK[status];
}

export function mergeStatus(a: ServerStatus, b: ServerStatus): ServerStatus {
  return RANK[a] >= RANK[b] ? a : b;
}

export function isAtLeast(status: ServerStatus, floor: ServerStatus): boolean {
  return RANK[status] >= RANK[floor];
}
