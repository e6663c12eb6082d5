// What is limited, by whom and how much (the README's "Limits" table). Every check keys
// on the account and on the client's network, so neither rotating accounts nor
// rotating addresses escapes it.
import type { ServerConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { networkKey } from './client-address.ts';
import type { Limiter, LimitRule } from './limiter.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A share of an address's budget is several accounts' worth: people share networks. */
const ADDRESS_SHARE = 4;
/** Past the account's ceiling, each failed sign-in doubles the wait, up to this. */
const MAX_LOGIN_DELAY_MS = 60_000;

export interface LimitRules {
  register: LimitRule;
  loginPair: LimitRule;
  loginAddress: LimitRule;
  loginAccount: LimitRule;
  loginDelay: LimitRule;
  conversationsAccount: LimitRule;
  conversationsAddress: LimitRule;
  messagesAccount: LimitRule;
  messagesAddress: LimitRule;
  peopleSearchAccount: LimitRule;
}

export function limitRules(config: ServerConfig): LimitRules {
  const loginWindowMs = config.LOGIN_WINDOW_SECONDS * 1000;
  return {
    register: { name: 'register', max: config.REGISTER_MAX_PER_ADDRESS, windowMs: HOUR },
    loginPair: {
      name: 'login-pair',
      max: config.LOGIN_MAX_PER_ACCOUNT_ADDRESS,
      windowMs: loginWindowMs,
    },
    loginAddress: { name: 'login-address', max: config.LOGIN_MAX_PER_IP, windowMs: loginWindowMs },
    loginAccount: {
      name: 'login-account',
      max: config.LOGIN_MAX_PER_ACCOUNT,
      windowMs: loginWindowMs,
    },
    loginDelay: { name: 'login-delay', max: 1, windowMs: MAX_LOGIN_DELAY_MS },
    conversationsAccount: {
      name: 'conversations-account',
      max: config.CONVERSATIONS_MAX_PER_HOUR,
      windowMs: HOUR,
    },
    conversationsAddress: {
      name: 'conversations-address',
      max: config.CONVERSATIONS_MAX_PER_HOUR * ADDRESS_SHARE,
      windowMs: HOUR,
    },
    messagesAccount: {
      name: 'messages-account',
      max: config.MESSAGES_MAX_PER_MINUTE,
      windowMs: MINUTE,
    },
    messagesAddress: {
      name: 'messages-address',
      max: config.MESSAGES_MAX_PER_MINUTE * ADDRESS_SHARE,
      windowMs: MINUTE,
    },
    // A person types a name a letter at a time; a script walking the directory is slowed.
    peopleSearchAccount: { name: 'people-search-account', max: 60, windowMs: MINUTE },
  };
}

export interface RateLimits {
  limiter: Limiter;
  rules: LimitRules;
}

export function rateLimited(message: string, retryAfterSeconds: number): AppError {
  return new AppError('RATE_LIMITED', message, undefined, retryAfterSeconds);
}

/** Takes `cost` from every budget, or from none: a refusal leaves the others untouched. */
async function takeAll(
  limiter: Limiter,
  checks: readonly { rule: LimitRule; key: string }[],
  cost: number,
  message: string,
): Promise<void> {
  const taken: { rule: LimitRule; key: string }[] = [];
  for (const check of checks) {
    const wait = await limiter.take(check.rule, check.key, cost);
    if (wait > 0) {
      for (const done of taken) await limiter.refund(done.rule, done.key, cost);
      throw rateLimited(message, wait);
    }
    taken.push(check);
  }
}

export function guardRegistration(limits: RateLimits, address: string): Promise<void> {
  return takeAll(
    limits.limiter,
    [{ rule: limits.rules.register, key: networkKey(address) }],
    1,
    'too many new accounts from this network; try again later',
  );
}

export function guardNewConversations(
  limits: RateLimits,
  userId: number,
  address: string,
  count: number,
): Promise<void> {
  if (count === 0) return Promise.resolve();
  const { rules } = limits;
  return takeAll(
    limits.limiter,
    [
      { rule: rules.conversationsAccount, key: String(userId) },
      { rule: rules.conversationsAddress, key: networkKey(address) },
    ],
    count,
    'too many new conversations; try again later',
  );
}

/** Gives back a conversation that turned out to exist already (find-or-create). */
export async function refundConversation(
  limits: RateLimits,
  userId: number,
  address: string,
): Promise<void> {
  await limits.limiter.refund(limits.rules.conversationsAccount, String(userId));
  await limits.limiter.refund(limits.rules.conversationsAddress, networkKey(address));
}

export function guardMessages(
  limits: RateLimits,
  userId: number,
  address: string,
  count: number,
): Promise<void> {
  if (count === 0) return Promise.resolve();
  const { rules } = limits;
  return takeAll(
    limits.limiter,
    [
      { rule: rules.messagesAccount, key: String(userId) },
      { rule: rules.messagesAddress, key: networkKey(address) },
    ],
    count,
    'too many messages; slow down',
  );
}

export function guardPeopleSearch(limits: RateLimits, userId: number): Promise<void> {
  return takeAll(
    limits.limiter,
    [{ rule: limits.rules.peopleSearchAccount, key: String(userId) }],
    1,
    'too many searches; slow down',
  );
}

/**
 * Sign-in attempts. A wrong password counts against this account from this network
 * (10 lock that pair for the window), against the network (50, whatever the account),
 * and against the account from anywhere — past that ceiling, every further failure makes
 * the account wait longer (2 s, 4 s, … up to a minute) instead of locking it: the owner,
 * on their own network, is slowed at worst, never shut out.
 */
export interface LoginAttempt {
  /** Refuses (RATE_LIMITED) when any budget is spent; else counts the attempt as failed
   * until `succeeded` takes it back, so concurrent guesses see each other. */
  begin(): Promise<void>;
  succeeded(): Promise<void>;
  failed(): Promise<void>;
  /** Our failure, not a wrong password: the attempt is not counted. */
  aborted(): Promise<void>;
}

export function loginAttempt(limits: RateLimits, email: string, address: string): LoginAttempt {
  const { limiter, rules } = limits;
  const network = networkKey(address);
  const pair = { rule: rules.loginPair, key: `${email}|${network}` };
  const byAddress = { rule: rules.loginAddress, key: network };
  const byAccount = { rule: rules.loginAccount, key: email };
  const counted = [pair, byAddress, byAccount];
  const refundAll = async () => {
    for (const c of counted) await limiter.refund(c.rule, c.key);
  };
  return {
    async begin() {
      const waits = await Promise.all([
        limiter.retryAfter(pair.rule, pair.key),
        limiter.retryAfter(byAddress.rule, byAddress.key),
        limiter.retryAfter(rules.loginDelay, email),
      ]);
      const wait = Math.max(...waits);
      if (wait > 0) throw rateLimited('too many failed sign-in attempts; try again later', wait);
      for (const c of counted) await limiter.count(c.rule, c.key);
    },
    async succeeded() {
      await limiter.clear(pair.rule, pair.key);
      await limiter.refund(byAddress.rule, byAddress.key);
      await limiter.refund(byAccount.rule, byAccount.key);
    },
    async failed() {
      const count = await limiter.count(byAccount.rule, byAccount.key, 0);
      const over = count - byAccount.rule.max;
      if (over <= 0) return;
      const delayMs = Math.min(MAX_LOGIN_DELAY_MS, 1000 * 2 ** Math.min(over, 16));
      await limiter.clear(rules.loginDelay, email);
      await limiter.count({ ...rules.loginDelay, windowMs: delayMs }, email);
    },
    aborted: refundAll,
  };
}

function kindOf(op: unknown): unknown {
  return typeof op === 'object' && op !== null ? Reflect.get(op, 'kind') : undefined;
}

/** A push spends from the message and conversation budgets by what it asks for (before
 * its operations are checked one by one: a refused push applies nothing). */
export async function guardPush(
  limits: RateLimits,
  userId: number,
  address: string,
  ops: readonly unknown[],
): Promise<void> {
  // A group change writes a message into the log; a new group is a new conversation.
  const sends = ops.filter((op) => kindOf(op) === 'send' || kindOf(op) === 'changeGroup').length;
  const creates = ops.filter(
    (op) => kindOf(op) === 'createConversation' || kindOf(op) === 'createGroup',
  ).length;
  await guardNewConversations(limits, userId, address, creates);
  try {
    await guardMessages(limits, userId, address, sends);
  } catch (error) {
    for (let i = 0; i < creates; i++) await refundConversation(limits, userId, address);
    throw error;
  }
}
