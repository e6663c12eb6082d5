// Everything a request handler needs, built once at start and passed in (no module state).
import type { Attachments } from './attachments/attachments.ts';
import type { AuthDeps } from './auth/accounts.ts';
import type { ConversationKey } from './chat/conversations.ts';
import type { ServerConfig } from './config.ts';
import type { Db } from './db/prisma.ts';
import type { Sql } from './db/sql.ts';
import type { AddressResolver } from './limits/client-address.ts';
import type { RateLimits } from './limits/policies.ts';
import type { StreamSlots } from './limits/stream-slots.ts';
import type { Logger } from './logger.ts';
import type { EventBus } from './realtime/bus.ts';
import type { OnlineRegistry } from './realtime/online.ts';
import type { ApplyDeps } from './sync/apply.ts';
import type { OpenedConversation } from './sync/ops/create-conversation.ts';
import type { PullDeps } from './sync/pull.ts';

export interface Services {
  config: ServerConfig;
  db: Db;
  sql: Sql;
  log: Logger;
  bus: EventBus;
  online: OnlineRegistry;
  auth: AuthDeps;
  sync: ApplyDeps & PullDeps;
  addresses: AddressResolver;
  limits: RateLimits;
  streamSlots: StreamSlots;
  attachments: Attachments;
  /** Find-or-create for the REST and tRPC calls: a new conversation is announced to
   * both users, and each learns whether the other is online. A client's call
   * (`clientAddress` set) spends from its new-conversation budget; the seed's does not. */
  openConversation: (
    callerId: number,
    key: ConversationKey,
    clientAddress: string | null,
  ) => Promise<OpenedConversation>;
}
