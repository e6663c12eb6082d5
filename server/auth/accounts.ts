// Accounts and sessions: register, log in, log out, and resolving a bearer token to the
// signed-in user. One session row per device; the token itself is never stored.
import type { UserView } from '../../shared/model.ts';
import type { Db } from '../db/prisma.ts';
import { AppError } from '../errors.ts';
import { guardRegistration, loginAttempt, type RateLimits } from '../limits/policies.ts';
import type { HashGate } from './hash-gate.ts';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password.ts';
import { hashToken, looksLikeToken, newSessionToken } from './tokens.ts';

export interface AuthDeps {
  db: Db;
  sessionTtlDays: number;
  sessionIdleDays: number;
  maxSessionsPerUser: number;
  scryptCost: number;
  limits: RateLimits;
  hashing: HashGate;
}

export interface SignedIn {
  token: string;
  user: UserView;
}

export interface SessionIdentity {
  userId: number;
  sessionId: number;
  /** Epoch ms after which the session is no longer valid. */
  expiresAt: number;
}

const DAY = 86_400_000;
/** `last_seen_at` is written at most this often per session: a sign of life, not a log. */
const LAST_SEEN_RESOLUTION_MS = 3_600_000;

function toUserView(u: { userId: number; email: string; displayName: string }): UserView {
  return { userId: u.userId, email: u.email, displayName: u.displayName };
}

/** A new device session. Past the per-account cap, the least recently used devices are
 * signed out: signing in always works, and an account cannot pile up sessions. */
async function openSession(
  deps: AuthDeps,
  userId: number,
  deviceName: string | undefined,
): Promise<{ token: string; signedOut: number[] }> {
  const token = newSessionToken();
  await deps.db.session.create({
    data: {
      userId,
      tokenHash: hashToken(token),
      deviceName: deviceName ?? null,
      expiresAt: new Date(Date.now() + deps.sessionTtlDays * DAY),
    },
  });
  const surplus = await deps.db.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: [{ lastSeenAt: 'desc' }, { sessionId: 'desc' }],
    skip: deps.maxSessionsPerUser,
    select: { sessionId: true },
  });
  const signedOut = surplus.map((s) => s.sessionId);
  if (signedOut.length > 0) {
    await deps.db.session.updateMany({
      where: { sessionId: { in: signedOut }, revokedAt: null },
      data: { revokedAt: new Date() },
    });
  }
  return { token, signedOut };
}

export interface Opened extends SignedIn {
  /** Sessions signed out to keep the account under its device cap. */
  signedOut: number[];
}

export async function register(
  deps: AuthDeps,
  input: { email: string; password: string; displayName: string; deviceName?: string | undefined },
  clientAddress: string,
): Promise<Opened> {
  await guardRegistration(deps.limits, clientAddress);
  const passwordHash = await deps.hashing.run(
    () => hashPassword(input.password, deps.scryptCost),
    'sign-up',
  );
  try {
    const user = await deps.db.user.create({
      data: { email: input.email, displayName: input.displayName, passwordHash },
    });
    const session = await openSession(deps, user.userId, input.deviceName);
    return { ...session, user: toUserView(user) };
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') {
      // Without an email round trip, a refusal here necessarily tells that the address
      // is taken; it says no more than that, and the registration limit bounds how fast
      // anyone can ask.
      throw new AppError('CONFLICT', 'could not create an account with these details', {
        email: ['cannot be used to register; sign in instead if it is yours'],
      });
    }
    throw error;
  }
}

/** The account the email and password name, or null; an unknown email costs as much
 * time as a wrong password. */
async function findVerifiedUser(deps: AuthDeps, email: string, password: string) {
  const user = await deps.db.user.findUnique({ where: { email } });
  const stored = user?.passwordHash ?? (await dummyPasswordHash(deps.scryptCost));
  const ok = await deps.hashing.run(() => verifyPassword(password, stored), 'sign-in');
  return user && ok ? user : null;
}

/** A hash made at an older cost is replaced now that the password is known. */
async function upgradeHash(deps: AuthDeps, userId: number, stored: string, password: string) {
  if (!needsRehash(stored, deps.scryptCost)) return;
  const passwordHash = await deps.hashing.run(
    () => hashPassword(password, deps.scryptCost),
    'sign-in',
  );
  await deps.db.user.updateMany({
    where: { userId, passwordHash: stored },
    data: { passwordHash },
  });
}

export async function login(
  deps: AuthDeps,
  input: { email: string; password: string; deviceName?: string | undefined },
  clientAddress: string,
): Promise<Opened> {
  const attempt = loginAttempt(deps.limits, input.email, clientAddress);
  await attempt.begin();
  let user: Awaited<ReturnType<typeof findVerifiedUser>>;
  try {
    user = await findVerifiedUser(deps, input.email, input.password);
  } catch (error) {
    await attempt.aborted();
    throw error;
  }
  if (!user) {
    await attempt.failed();
    throw new AppError('UNAUTHENTICATED', 'wrong email or password');
  }
  await attempt.succeeded();
  await upgradeHash(deps, user.userId, user.passwordHash, input.password);
  const session = await openSession(deps, user.userId, input.deviceName);
  return { ...session, user: toUserView(user) };
}

export async function resolveSession(
  db: Db,
  token: string | null,
  idleDays: number,
): Promise<SessionIdentity | null> {
  if (!token || !looksLikeToken(token)) return null;
  const session = await db.session.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!session || session.revokedAt) return null;
  const now = Date.now();
  const idleEndsAt = session.lastSeenAt.getTime() + idleDays * DAY;
  const expiresAt = Math.min(session.expiresAt.getTime(), idleEndsAt);
  if (expiresAt <= now) return null;
  if (now - session.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS) {
    await db.session.updateMany({
      where: { sessionId: session.sessionId, lastSeenAt: session.lastSeenAt },
      data: { lastSeenAt: new Date(now) },
    });
  }
  return {
    userId: session.userId,
    sessionId: session.sessionId,
    expiresAt: Math.min(session.expiresAt.getTime(), now + idleDays * DAY),
  };
}

export async function getUser(db: Db, userId: number): Promise<UserView> {
  const user = await db.user.findUnique({ where: { userId } });
  if (!user) throw new AppError('UNAUTHENTICATED', 'account no longer exists');
  return toUserView(user);
}
