// HTTP without a client library's opinions, for the fuzzer: any method, request target,
// headers and body bytes. An answer is read in full, or, when it is a server-sent event
// stream (a tRPC subscription over HTTP), up to its first event after `connected`.
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** Sent as the request line's target exactly as given (origin-form, absolute-form, …). */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface StreamEvent {
  event: string | null;
  data: string;
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as text; for an event stream, what was read of it. */
  text: string;
  /** Parsed events when the answer is an event stream, else null. */
  events: StreamEvent[] | null;
}

export interface RawClient {
  send: (req: RawRequest) => Promise<RawAnswer>;
  close: () => void;
}

export function isEventStream(headers: IncomingHttpHeaders): boolean {
  return String(headers['content-type'] ?? '').startsWith('text/event-stream');
}

/** `event:`/`data:` blocks separated by a blank line (the SSE wire format). */
export function parseEvents(text: string): { events: StreamEvent[]; rest: string } {
  const blocks = text.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  const events: StreamEvent[] = [];
  for (const block of blocks) {
    let event: string | null = null;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (event !== null || data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return { events, rest };
}

/** A stream has said what it will do once it sent anything but its `connected` hello. */
function isDecisive(event: StreamEvent): boolean {
  return event.event !== 'connected' && event.event !== 'ping';
}

export function openRawClient(baseUrl: string, options: { timeoutMs?: number } = {}): RawClient {
  const { hostname, port } = new URL(baseUrl);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });

  const send = (req: RawRequest) =>
    new Promise<RawAnswer>((resolve, reject) => {
      const headers = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = String(req.body.length);
      const outgoing = request(
        { host: hostname, port, method: req.method, path: req.target, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          const stream = isEventStream(res.headers);
          const finish = () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            const events = stream ? parseEvents(`${text}\n\n`).events : null;
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, events });
          };
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            if (!stream) return;
            const { events } = parseEvents(Buffer.concat(chunks).toString('utf8'));
            if (events.some(isDecisive)) {
              finish();
              outgoing.destroy();
            }
          });
          res.on('end', finish);
          res.on('error', (error) => {
            clearTimeout(timer);
            reject(error);
          });
        },
      );
      const timer = setTimeout(() => {
        outgoing.destroy();
        reject(new Error(`no answer within ${timeoutMs} ms to ${req.method} ${req.target}`));
      }, timeoutMs);
      outgoing.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`${req.method} ${req.target} failed: ${error.message}`));
      });
      outgoing.end(req.body);
    });

  return { send, close: () => agent.destroy() };
}

/** Writes `chunks` down one fresh connection and collects the status lines answered
 * until `expected` arrived, the server closed the connection, or `waitMs` passed. */
export function exchangeOnOneConnection(
  baseUrl: string,
  chunks: readonly (string | Buffer)[],
  options: { expected: number; waitMs: number },
): Promise<{ statusLines: string[]; outcome: 'answered' | 'closed' | 'silent' }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    let received = '';
    const statusLines = () => received.match(/HTTP\/1\.1 \d{3}[^\r\n]*/g) ?? [];
    const socket = connect(Number(port), hostname);
    const finish = (outcome: 'answered' | 'closed' | 'silent') => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ statusLines: statusLines(), outcome });
    };
    const timer = setTimeout(() => finish('silent'), options.waitMs);
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      if (statusLines().length >= options.expected) finish('answered');
    });
    socket.on('close', () => finish('closed'));
    socket.on('error', () => finish('closed'));
    for (const chunk of chunks) socket.write(chunk);
  });
}
