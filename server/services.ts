// Everything a request handler needs, built once at start and passed in (no module state).

import type { AuthDeps } from './auth/accounts.ts';
import type { ServerConfig } from './config.ts';
import type { Db } from './db/prisma.ts';
import type { Logger } from './logger.ts';
import type { PokeBus } from './realtime/bus.ts';
import type { OnlineRegistry } from './realtime/online.ts';
import type { ApplyDeps } from './sync/apply-ops.ts';

export interface Services {
  config: ServerConfig;
  db: Db;
  log: Logger;
  bus: PokeBus;
  online: OnlineRegistry;
  auth: AuthDeps;
  apply: ApplyDeps;
  /** Pokes both users and tells each whether the other is online. */
  conversationCreated: (a: number, b: number) => void;
}
