// Raw clients for the abuse tests: a tRPC WebSocket signed in by hand, whose live
// stream and close a test watches, with nothing of the real client's retrying between.
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';

export interface LiveSocket {
  ws: WebSocket;
  /** Every JSON message the server sent. */
  received: unknown[];
  /** The close code and when it came (performance.now()). */
  closed: Promise<{ code: number; at: number }>;
  /** Opens a `sync.live` stream; resolves with its first answer past "started" (the
   * hello event, or an error). */
  live(id: number): Promise<unknown>;
}

export function openLiveSocket(baseUrl: string, token: string): Promise<LiveSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/trpc?connectionParams=1`);
  const received: unknown[] = [];
  const waiting = new Map<number, (message: unknown) => void>();
  const closed = new Promise<{ code: number; at: number }>((resolve) =>
    ws.once('close', (code) => resolve({ code, at: performance.now() })),
  );
  ws.on('error', () => {});
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === 'PING') return void ws.send('PONG');
    const message: unknown = JSON.parse(text);
    received.push(message);
    const id = typeof message === 'object' && message !== null ? Reflect.get(message, 'id') : null;
    const result =
      typeof message === 'object' && message !== null ? Reflect.get(message, 'result') : null;
    const isStarted =
      typeof result === 'object' && result !== null && Reflect.get(result, 'type') === 'started';
    if (typeof id === 'number' && !isStarted) {
      waiting.get(id)?.(message);
      waiting.delete(id);
    }
  });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => {
      ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
      resolve({
        ws,
        received,
        closed,
        live(id) {
          const first = new Promise<unknown>((done) => waiting.set(id, done));
          ws.send(
            JSON.stringify({
              id,
              method: 'subscription',
              params: { path: 'sync.live', input: { protocolVersion: PROTOCOL_VERSION } },
            }),
          );
          return first;
        },
      });
    });
  });
}

export const sendOp = (conversationId: number, content: string) => ({
  opId: randomUUID(),
  kind: 'send' as const,
  conversation: { conversationId },
  clientMsgId: randomUUID(),
  content,
  messageType: 'text' as const,
});
