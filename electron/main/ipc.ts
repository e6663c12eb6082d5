// The one way to register an IPC handler: the sender must be the main frame of a page
// on the app's own origin, and the argument must match its zod schema. Anything else
// is rejected with a generic error and logged, never passed to the handler.
import type { z } from 'zod';
import { isAppUrl } from './app-origin.ts';

/** The parts of Electron's WebFrameMain the check reads. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: SenderFrame | null;
}

export interface InvokeEvent {
  readonly senderFrame: SenderFrame | null;
}

/** The part of Electron's ipcMain the helper needs. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown): void;
}

export type IpcRejection = 'untrusted-sender' | 'invalid-arguments';

export class IpcRejectedError extends Error {
  constructor(readonly reason: IpcRejection) {
    super(`IPC request rejected: ${reason}`);
    this.name = 'IpcRejectedError';
  }
}

export function isTrustedSender(event: InvokeEvent, appOrigin: string): boolean {
  const frame = event.senderFrame;
  // A null frame means it navigated away or was destroyed since sending: not trusted.
  if (frame === null) return false;
  // Subframes (an iframe the app never creates) must not reach the bridge.
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url, appOrigin);
}

export interface IpcRouter {
  handle<S extends z.ZodType>(
    channel: string,
    schema: S,
    handler: (arg: z.output<S>) => unknown,
  ): void;
}

export interface IpcRouterOptions {
  ipcMain: IpcMainLike;
  appOrigin: () => string;
  onRejected: (channel: string, reason: IpcRejection) => void;
}

export function createIpcRouter(options: IpcRouterOptions): IpcRouter {
  return {
    handle(channel, schema, handler) {
      options.ipcMain.handle(channel, (event, ...args) => {
        if (!isTrustedSender(event, options.appOrigin())) {
          options.onRejected(channel, 'untrusted-sender');
          throw new IpcRejectedError('untrusted-sender');
        }
        // Every channel takes at most one argument; extra ones are a malformed call.
        const parsed = args.length <= 1 ? schema.safeParse(args[0]) : null;
        if (!parsed?.success) {
          options.onRejected(channel, 'invalid-arguments');
          throw new IpcRejectedError('invalid-arguments');
        }
        return handler(parsed.data);
      });
    },
  };
}
