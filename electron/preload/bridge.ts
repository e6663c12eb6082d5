// The desktop implementation of PlatformBridge: one function per operation of the bridge
// table, over IPC. The renderer never sees ipcRenderer or an IPC event object. Arguments
// are checked here for a clear error in the renderer, and again in main, which is the
// boundary that counts; answers and events from main are checked here before the page
// sees them.
import type { PlatformBridge } from '../../shared/platform/bridge.ts';
import {
  bindRendererApi,
  type EventOperation,
  type Unsubscribe,
} from '../../shared/platform/bridge-operations.ts';
import { BRIDGE_TABLE } from '../../shared/platform/bridge-table.ts';
import { SHELL_ATTACHED_AUTH } from '../../shared/platform/server-auth.ts';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
}

/**
 * One IPC listener per event channel, fanned out to the renderer's listeners. A payload
 * that fails the event's schema is dropped. With `keepLatestUntilHeard`, a payload that
 * arrives before anyone listens is kept (only the newest) and handed to the first listener.
 */
function subscribeToEvent<T>(
  ipc: IpcRendererLike,
  operation: EventOperation,
  parse: (payload: unknown) => { success: true; data: T } | { success: false },
): (listener: (payload: T) => void) => Unsubscribe {
  const listeners = new Set<(payload: T) => void>();
  let unheard: { payload: T } | null = null;
  ipc.on(operation.channel, (_event, ...args) => {
    const parsed = parse(args[0]);
    if (!parsed.success) return;
    if (listeners.size === 0) {
      if (operation.keepLatestUntilHeard) unheard = { payload: parsed.data };
      return;
    }
    for (const listener of listeners) listener(parsed.data);
  });
  return (listener) => {
    listeners.add(listener);
    if (unheard !== null) {
      const { payload } = unheard;
      unheard = null;
      queueMicrotask(() => listener(payload));
    }
    return () => {
      listeners.delete(listener);
    };
  };
}

/** Invokes with no argument at all when there is none, so main sees exactly one or none. */
function invoke(ipc: IpcRendererLike, channel: string, argument: unknown): Promise<unknown> {
  return argument === undefined ? ipc.invoke(channel) : ipc.invoke(channel, argument);
}

export function createDesktopBridge(
  ipc: IpcRendererLike,
  reportError: (error: unknown) => void = (error) => console.error('[timenest bridge]', error),
): PlatformBridge {
  const operations = bindRendererApi(BRIDGE_TABLE, {
    command: (operation) => (argument) => {
      invoke(ipc, operation.channel, operation.argument.parse(argument)).catch(reportError);
    },
    request: (operation) => async (argument) =>
      operation.result.parse(
        await invoke(ipc, operation.channel, operation.argument.parse(argument)),
      ),
    event: (operation) =>
      subscribeToEvent(ipc, operation, (payload) => operation.payload.safeParse(payload)),
  });
  return {
    kind: 'desktop',
    // The page holds no token: main adds it to the page's requests to the server.
    ...SHELL_ATTACHED_AUTH,
    // The main process shows notifications itself; it needs no page permission.
    notificationAccess: () => 'allowed',
    requestNotificationAccess: async () => 'allowed',
    ...operations,
  };
}
