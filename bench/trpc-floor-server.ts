// The floor under `bytes_per_idle_client`: a process with nothing but tRPC's WebSocket
// adapter and one subscription per client that yields once and then waits, as an idle
// live stream does. Run by trpc-floor.ts; answers "memory" messages with its live
// memory after a full GC (run with --expose-gc).
import { createServer } from 'node:http';
import { initTRPC } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';

const t = initTRPC.create();
export const floorRouter = t.router({
  live: t.procedure.subscription(async function* ({ signal }) {
    yield 'hello';
    await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));
  }),
});
export type FloorRouter = typeof floorRouter;

if (process.send) {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  applyWSSHandler({ wss, router: floorRouter, createContext: () => ({}) });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (message) => {
    if (message !== 'memory' || !gc) return;
    gc();
    const usage = process.memoryUsage();
    process.send?.({ liveBytes: usage.heapUsed + usage.external });
  });
  http.listen(0, '127.0.0.1', () => {
    const address = http.address();
    if (address && typeof address === 'object') process.send?.({ port: address.port });
  });
}
