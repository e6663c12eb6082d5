// A user's signed-in devices: listing them, signing one out, and making every instance
// close what that device has open (its live stream, its sockets) the moment it ends.
import type { DeviceSession } from '../../shared/sessions.ts';
import type { Db } from '../db/prisma.ts';
import { notFound } from '../errors.ts';
import type { EventBus } from '../realtime/bus.ts';

export async function listDevices(
  db: Db,
  userId: number,
  currentSessionId: number,
): Promise<DeviceSession[]> {
  const rows = await db.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: [{ lastSeenAt: 'desc' }, { sessionId: 'desc' }],
    select: { sessionId: true, deviceName: true, createdAt: true, lastSeenAt: true },
  });
  return rows.map((row) => ({
    sessionId: row.sessionId,
    deviceName: row.deviceName,
    signedInAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    isCurrent: row.sessionId === currentSessionId,
  }));
}

/** Tells every instance that these sessions ended: their sockets close now. */
export function announceEnded(bus: EventBus, userId: number, sessionIds: readonly number[]) {
  return Promise.all(
    sessionIds.map((sessionId) => bus.publish([userId], { kind: 'sessionEnded', sessionId })),
  );
}

/** Signs out one of the caller's own devices (or this one). Another user's session, or
 * one already ended, is NOT_FOUND: a stranger learns nothing. */
export async function endSession(
  deps: { db: Db; bus: EventBus },
  userId: number,
  sessionId: number,
): Promise<void> {
  const { count } = await deps.db.session.updateMany({
    where: { sessionId, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw notFound('session');
  await announceEnded(deps.bus, userId, [sessionId]);
}
