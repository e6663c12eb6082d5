// The server's configuration, parsed once from the environment. Nothing else reads
// process.env; a bad variable stops the start with one clear line per problem.
import { isIP } from 'node:net';
import { z } from 'zod';

/** `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`. */
const cidrSchema = z.string().refine((v) => {
  const [address = '', bits, ...rest] = v.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}, 'must be an IP address or CIDR');

const configSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^(mysql|mariadb):\/\//, 'must be a mysql:// or mariadb:// URL')
    .optional(),
  /** Where attachments are kept on disk: uploads in progress and the blobs (one folder
   * per database under it). */
  ATTACHMENTS_DIR: z.string().min(1).default('.data/attachments'),
  /** S3-compatible object storage for attachment blobs, shared by every instance; unset,
   * blobs are kept under ATTACHMENTS_DIR. Credentials come from the usual AWS variables
   * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). */
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  /** Path-style addressing (http://host/bucket/key), as MinIO and most self-hosted
   * servers expect. */
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Extra browser origins allowed to call the API (the web app in development). */
  CORS_ORIGINS: z
    .string()
    .default('app://timenest,http://127.0.0.1:5173,http://localhost:5173')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** Failed sign-ins of one account from anywhere before each further one makes it
   * wait longer (2 s, doubling, at most a minute): slowed, never locked. */
  LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).default(20),
  /** Failed sign-ins from one address (IPv6: per /64), whatever the accounts. */
  LOGIN_MAX_PER_IP: z.coerce.number().int().min(1).default(50),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Database connections this instance may hold. */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  /** How often a long-lived stream re-checks that its session still exists. */
  SESSION_RECHECK_MS: z.coerce.number().int().min(50).default(30_000),
  /** Scrypt cost; lowered only by tests that register hundreds of users. */
  SCRYPT_COST: z.coerce
    .number()
    .int()
    .refine((n) => n >= 1024 && (n & (n - 1)) === 0, 'must be a power of two ≥ 1024')
    .default(131_072),
  /** Presence sockets: ping interval and session re-check; lowered only by tests. */
  PRESENCE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(600_000).default(30_000),
  /** On SIGTERM, how long to go on serving everything while /healthz answers 503, so
   * the balancer's health checks take the instance out of rotation before it stops
   * accepting connections. 0 closes the listener at once. */
  DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(0),
  /** With Redis: how long the users of an instance that died without a word still count
   * as online. Each instance renews its leases every third of this. */
  ONLINE_LEASE_MS: z.coerce.number().int().min(300).max(600_000).default(90_000),
  /** Addresses (IPs or CIDRs) of the load balancers in front of this instance: only a
   * connection from one of them may name the client in `X-Forwarded-For`. */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(cidrSchema)),
  /** Concurrent TCP connections one client address may hold (trusted proxies are not
   * counted). */
  MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(64),
  /** How long a client may take to send its request headers, and its whole request. */
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** A tRPC WebSocket that has not proved a session within this time is closed. */
  WS_AUTH_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
  /** A session unused this long has expired. */
  SESSION_IDLE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Signed-in devices per account; signing in on one more signs out the least recently
   * used. */
  MAX_SESSIONS_PER_USER: z.coerce.number().int().min(1).max(1000).default(20),
  /** Registrations per client address (IPv6: per /64) per hour. */
  REGISTER_MAX_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  /** Failed sign-ins of one account from one address before that pair must wait. */
  LOGIN_MAX_PER_ACCOUNT_ADDRESS: z.coerce.number().int().min(1).default(10),
  /** New conversations per account per hour (and per address: four times as many). */
  CONVERSATIONS_MAX_PER_HOUR: z.coerce.number().int().min(1).default(200),
  /** Messages per account per minute (and per address: four times as many); an offline
   * backlog is a burst, so the window is generous. */
  MESSAGES_MAX_PER_MINUTE: z.coerce.number().int().min(1).default(3_000),
});

export type ServerConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): ServerConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function loadConfig(): ServerConfig {
  return parseConfig(process.env);
}
