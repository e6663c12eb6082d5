// The server's configuration, parsed once from the environment. Nothing else reads
// process.env; a bad variable stops the start with one clear line per problem.
import { z } from 'zod';

const configSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^(mysql|mariadb):\/\//, 'must be a mysql:// or mariadb:// URL')
    .optional(),
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
  LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
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
    .default(32_768),
  /** Presence sockets: ping interval and session re-check; lowered only by tests. */
  PRESENCE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(600_000).default(30_000),
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
