// The main process's side of the bridge table: a validated IPC handler for every
// operation the renderer calls, and a checked way to send the events it listens for.
// The table (shared/platform/bridge-table.ts) is the only list of channels.
import type { z } from 'zod';
import type { InvokeOperation, MainHandlers } from '../../shared/platform/bridge-operations.ts';
import { BRIDGE_TABLE } from '../../shared/platform/bridge-table.ts';
import type { IpcRouter } from './ipc.ts';

type Invoke = (typeof BRIDGE_TABLE)['invoke'];
type Events = (typeof BRIDGE_TABLE)['events'];

/** What main does for each operation the renderer calls; its argument is already valid. */
export type DesktopServices = MainHandlers<Invoke>;

export type BridgeEventName = keyof Events;
export type BridgeEventPayload<K extends BridgeEventName> = z.input<Events[K]['payload']>;
/** An event without a payload is sent with none. */
type PayloadArguments<P> = undefined extends P ? [payload?: P] : [payload: P];

/** Operations by name; a mapped bound rather than a string index, so each name is known to
 * have its operation. */
type InvokeOperations<S> = { readonly [K in keyof S]: InvokeOperation };

function route<S extends InvokeOperations<S>, K extends keyof S>(
  router: IpcRouter,
  operations: S,
  name: K,
  handlers: MainHandlers<S>,
): void {
  const operation = operations[name];
  // Named: inferred, the schema's type would widen to its constraint and lose the pairing.
  router.handle<S[K]['argument']>(operation.channel, operation.argument, handlers[name]);
}

function routeAll<S extends InvokeOperations<S>>(
  router: IpcRouter,
  operations: S,
  handlers: MainHandlers<S>,
): void {
  // Generic, so each name is typed as a key of the table and pairs its operation with
  // its own handler.
  for (const name in operations) route(router, operations, name, handlers);
}

export function registerIpcRoutes(router: IpcRouter, services: DesktopServices): void {
  routeAll(router, BRIDGE_TABLE.invoke, services);
}

/** Sends one event to the page, its payload checked against the table first. */
export function sendBridgeEvent<K extends BridgeEventName>(
  send: (channel: string, ...payload: unknown[]) => void,
  name: K,
  ...[payload]: PayloadArguments<BridgeEventPayload<K>>
): void {
  const operation = BRIDGE_TABLE.events[name];
  const checked: unknown = operation.payload.parse(payload);
  if (checked === undefined) send(operation.channel);
  else send(operation.channel, checked);
}
