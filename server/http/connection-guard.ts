// Caps how many TCP connections one client address holds at once, so a single host
// cannot take every file descriptor the process has (then every login, list and
// /healthz would fail). Connections from our own load balancers are not counted: they
// carry everyone. Refusals are logged, at most once a second.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { type AddressResolver, networkKey, unmapped } from '../limits/client-address.ts';
import type { Logger } from '../logger.ts';

export interface ConnectionGuard {
  /** Open connections of this address (for tests and the log). */
  openFrom(address: string): number;
}

export function guardConnections(
  server: Server,
  options: { maxPerAddress: number; addresses: AddressResolver; log: Logger },
): ConnectionGuard {
  const open = new Map<string, number>();
  let refusedSinceLog = 0;
  let loggedAt = 0;
  server.on('connection', (socket: Socket) => {
    const peer = unmapped(socket.remoteAddress ?? 'unknown');
    if (options.addresses.isTrustedProxy(peer)) return;
    const key = networkKey(peer);
    const count = open.get(key) ?? 0;
    if (count >= options.maxPerAddress) {
      refusedSinceLog++;
      const now = Date.now();
      if (now - loggedAt >= 1000) {
        options.log.warn(
          { address: key, refused: refusedSinceLog, limit: options.maxPerAddress },
          'connection refused: too many open connections from this address',
        );
        loggedAt = now;
        refusedSinceLog = 0;
      }
      socket.destroy();
      return;
    }
    open.set(key, count + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
  return { openFrom: (address) => open.get(networkKey(address)) ?? 0 };
}
