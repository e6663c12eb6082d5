// Accounts and sessions: register, log in, log out, and resolving a bearer token to the
// signed-in user. One session row per device; the token itself is never stored.
import type { UserView } from '../../shared/model.ts';
import type { Db } from '../db/prisma.ts';
import { AppError } from '../errors.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.ts';
import type { RateLimiter } from './rate-limit.ts';
import { hashToken, looksLikeToken, newSessionToken } from './tokens.ts';

export interface AuthDeps {
  db: Db;
  sessionTtlDays: number;
  scryptCost: number;
  accountLimiter: RateLimiter;
  addressLimiter: RateLimiter;
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

function toUserView(u: { userId: number; email: string; displayName: string }): UserView {
  return { userId: u.userId, email: u.email, displayName: u.displayName };
}

async function openSession(
  deps: AuthDeps,
  userId: number,
  deviceName: string | undefined,
): Promise<string> {
  const token = newSessionToken();
  await deps.db.session.create({
    data: {
      userId,
      tokenHash: hashToken(token),
      deviceName: deviceName ?? null,
      expiresAt: new Date(Date.now() + deps.sessionTtlDays * 86_400_000),
    },
  });
  return token;
}

export async function register(
  deps: AuthDeps,
  input: { email: string; password: string; displayName: string; deviceName?: string | undefined },
): Promise<SignedIn> {
  const passwordHash = await hashPassword(input.password, deps.scryptCost);
  try {
    const user = await deps.db.user.create({
      data: { email: input.email, displayName: input.displayName, passwordHash },
    });
    return {
      token: await openSession(deps, user.userId, input.deviceName),
      user: toUserView(user),
    };
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') {
      throw new AppError('CONFLICT', 'an account with this email already exists', {
        email: ['already registered'],
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
  const ok = await verifyPassword(password, stored);
  return user && ok ? user : null;
}

export async function login(
  deps: AuthDeps,
  input: { email: string; password: string; deviceName?: string | undefined },
  clientAddress: string,
): Promise<SignedIn> {
  const accountKey = `account:${input.email}`;
  const addressKey = `address:${clientAddress}`;
  const wait = Math.max(
    deps.accountLimiter.retryAfter(accountKey),
    deps.addressLimiter.retryAfter(addressKey),
  );
  if (wait > 0) {
    throw new AppError(
      'RATE_LIMITED',
      'too many failed sign-in attempts; try again later',
      undefined,
      wait,
    );
  }
  // The attempt counts as a failure until it succeeds: concurrent guesses must see each
  // other, or a burst would get as many tries as it sends requests.
  deps.accountLimiter.recordFailure(accountKey);
  deps.addressLimiter.recordFailure(addressKey);
  const user = await findVerifiedUser(deps, input.email, input.password).catch((error: unknown) => {
    // Our failure, not a wrong password.
    deps.accountLimiter.forgive(accountKey);
    deps.addressLimiter.forgive(addressKey);
    throw error;
  });
  if (!user) throw new AppError('UNAUTHENTICATED', 'wrong email or password');
  deps.accountLimiter.reset(accountKey);
  deps.addressLimiter.forgive(addressKey);
  return { token: await openSession(deps, user.userId, input.deviceName), user: toUserView(user) };
}

export async function resolveSession(
  db: Db,
  token: string | null,
): Promise<SessionIdentity | null> {
  if (!token || !looksLikeToken(token)) return null;
  const session = await db.session.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) return null;
  return {
    userId: session.userId,
    sessionId: session.sessionId,
    expiresAt: session.expiresAt.getTime(),
  };
}

export async function logout(db: Db, sessionId: number): Promise<void> {
  await db.session.updateMany({
    where: { sessionId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
}

export async function getUser(db: Db, userId: number): Promise<UserView> {
  const user = await db.user.findUnique({ where: { userId } });
  if (!user) throw new AppError('UNAUTHENTICATED', 'account no longer exists');
  return toUserView(user);
}
