// A TCP proxy between a server and MariaDB that counts what the server asks: every
// command packet of the MySQL client protocol (a packet with sequence number 0 once the
// handshake is over), by kind. Statements are COM_QUERY and COM_STMT_EXECUTE — BEGIN and
// COMMIT included; pings are counted apart. Counted on the wire, so nothing the driver
// or Prisma does is left out.

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface SqlCounts {
  statements: number;
  pings: number;
  /** The first words of the statements, for telling where they come from. */
  byVerb: Record<string, number>;
}

export interface SqlCounter {
  port: number;
  counts(): SqlCounts;
  reset(): void;
  close(): Promise<void>;
}

const COM_QUERY = 0x03;
const COM_PING = 0x0e;
const COM_STMT_EXECUTE = 0x17;

export async function startSqlCounter(target: { host: string; port: number }): Promise<SqlCounter> {
  let counts: SqlCounts = { statements: 0, pings: 0, byVerb: {} };
  const sockets = new Set<Socket>();

  const watchClient = (client: Socket) => {
    let buffer = Buffer.alloc(0);
    let isHandshakeDone = false;
    client.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4) {
        const length = buffer.readUIntLE(0, 3);
        if (buffer.length < 4 + length) break;
        const sequence = buffer[3];
        const command = buffer[4];
        // The handshake response is the client's first packet (sequence 1); every command
        // after it starts a new sequence at 0.
        if (sequence === 0 && isHandshakeDone && command !== undefined) {
          if (command === COM_QUERY || command === COM_STMT_EXECUTE) {
            counts.statements++;
            if (command === COM_QUERY) {
              const verb = buffer.subarray(5, 5 + Math.min(length - 1, 24)).toString('utf8');
              const word = (/^\s*\(?\s*([A-Za-z]+)/.exec(verb)?.[1] ?? '?').toUpperCase();
              counts.byVerb[word] = (counts.byVerb[word] ?? 0) + 1;
            }
          } else if (command === COM_PING) counts.pings++;
        }
        if (sequence !== undefined && sequence >= 1) isHandshakeDone = true;
        buffer = buffer.subarray(4 + length);
      }
    });
  };

  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    watchClient(client);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    counts: () => ({ ...counts, byVerb: { ...counts.byVerb } }),
    reset() {
      counts = { statements: 0, pings: 0, byVerb: {} };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
