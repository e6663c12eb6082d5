// Reads a server process's memory through the inspector protocol: a full garbage
// collection first, so the figure is live memory rather than whatever the collector has
// not reclaimed yet (RSS alone swings by tens of megabytes between two readings).
import WebSocket from 'ws';

export interface MemoryProbe {
  /** Live JS heap plus external memory (buffers, sockets' JS side), after a full GC. */
  liveBytes(): Promise<number>;
  close(): void;
}

export async function connectMemoryProbe(inspectorPort: number): Promise<MemoryProbe> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error('the bench server exposes no inspector target');
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const reply = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (reply.id !== undefined) waiting.get(reply.id)?.(reply.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    async liveBytes() {
      await call('HeapProfiler.collectGarbage');
      const result = (await call('Runtime.evaluate', {
        expression: 'JSON.stringify(process.memoryUsage())',
        returnByValue: true,
      })) as { result: { value: string } };
      const usage = JSON.parse(result.result.value) as { heapUsed: number; external: number };
      return usage.heapUsed + usage.external;
    },
    close: () => socket.close(),
  };
}
