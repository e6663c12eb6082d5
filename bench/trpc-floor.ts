// Memory per idle client of tRPC's WebSocket adapter alone (trpc-floor-server.ts), the
// floor `bytes_per_idle_client` stands on, measured the same way: the slope of live
// memory between half and all of the clients connected.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { WebSocket } from 'ws';
import { waitFor } from '../tests/support/clients.ts';
import type { FloorRouter } from './trpc-floor-server.ts';

type Reply = { port: number } | { liveBytes: number };

export async function trpcFloorBytesPerClient(clients: number): Promise<number> {
  const child = fork(new URL('./trpc-floor-server.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const sockets: ReturnType<typeof createWSClient>[] = [];
  try {
    const next = async (): Promise<Reply> => (await once(child, 'message'))[0] as Reply;
    const ready = await next();
    if (!('port' in ready)) throw new Error('the floor server did not say its port');
    const liveBytes = async () => {
      child.send('memory');
      const reply = await next();
      if (!('liveBytes' in reply)) throw new Error('the floor server did not say its memory');
      return reply.liveBytes;
    };
    let live = 0;
    const connect = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const ws = createWSClient({
          url: `ws://127.0.0.1:${ready.port}`,
          WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
        });
        sockets.push(ws);
        createTRPCClient<FloorRouter>({ links: [wsLink({ client: ws })] }).live.subscribe(
          undefined,
          { onData: () => void live++ },
        );
      }
      await waitFor(() => live === sockets.length, { timeoutMs: 60_000, what: 'floor clients' });
      return liveBytes();
    };
    const half = Math.floor(clients / 2);
    const atHalf = await connect(half);
    const atAll = await connect(clients - half);
    return (atAll - atHalf) / (clients - half);
  } finally {
    for (const ws of sockets) void ws.close();
    child.kill();
  }
}
