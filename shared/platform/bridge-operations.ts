// The kinds of operation a platform bridge has, and what each side derives from a table
// of them (bridge-table.ts): the renderer's API, the main process's handlers and the
// events main may send. Nothing here knows any particular operation.
import { z } from 'zod';

export type Unsubscribe = () => void;

/** The argument of an operation that takes none, or the payload of an event without one:
 * its type `void` lets the renderer call it with nothing. */
export const nothing = z.void();

/** Renderer → main, not awaited: the renderer carries on, and a failure is reported
 * rather than thrown at it. */
export interface CommandOperation<A extends z.ZodType = z.ZodType> {
  readonly kind: 'command';
  readonly channel: string;
  readonly argument: A;
  readonly result: z.ZodVoid;
}

/** Renderer → main, awaited: the renderer gets main's answer, checked against `result`. */
export interface RequestOperation<
  A extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  readonly kind: 'request';
  readonly channel: string;
  readonly argument: A;
  readonly result: R;
}

/** Main → renderer: a payload the renderer subscribes to. */
export interface EventOperation<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly channel: string;
  readonly payload: P;
  /** Keep the newest payload sent before anyone listens and hand it to the first
   * listener: a notification click or deep link that cold-starts the app arrives before
   * the page has subscribed. */
  readonly keepLatestUntilHeard: boolean;
}

export type InvokeOperation = CommandOperation | RequestOperation;
export type BridgeOperation = InvokeOperation | EventOperation;

/** A bridge's operations: what the renderer calls, and what main sends. */
export interface BridgeTable {
  readonly invoke: Readonly<Record<string, InvokeOperation>>;
  readonly events: Readonly<Record<string, EventOperation>>;
}

export function command<A extends z.ZodType>(channel: string, argument: A): CommandOperation<A> {
  return { kind: 'command', channel, argument, result: nothing };
}

export function request<A extends z.ZodType, R extends z.ZodType>(
  channel: string,
  argument: A,
  result: R,
): RequestOperation<A, R> {
  return { kind: 'request', channel, argument, result };
}

export function event<P extends z.ZodType>(
  channel: string,
  payload: P,
  options: { keepLatestUntilHeard?: boolean } = {},
): EventOperation<P> {
  const keepLatestUntilHeard = options.keepLatestUntilHeard ?? false;
  return { kind: 'event', channel, payload, keepLatestUntilHeard };
}

/** The renderer's function for one operation. */
export type RendererMember<Op> =
  Op extends CommandOperation<infer A>
    ? (argument: z.input<A>) => void
    : Op extends RequestOperation<infer A, infer R>
      ? (argument: z.input<A>) => Promise<z.output<R>>
      : Op extends EventOperation<infer P>
        ? (listener: (payload: z.output<P>) => void) => Unsubscribe
        : never;

type Members<Section> = { [K in keyof Section]: RendererMember<Section[K]> };

/** The renderer's API: one function per operation, under the operation's name. */
export type RendererApi<T extends BridgeTable> = Members<T['invoke']> & Members<T['events']>;

/** What main's handler for one renderer call receives (already validated) and answers. */
export type MainHandler<Op extends InvokeOperation> = (
  argument: z.output<Op['argument']>,
) => z.input<Op['result']> | Promise<z.input<Op['result']>>;

export type MainHandlers<Section extends { readonly [K in keyof Section]: InvokeOperation }> = {
  [K in keyof Section]: MainHandler<Section[K]>;
};

/** How the renderer side turns each kind of operation into its function. Each is generic,
 * so the compiler checks it against the operation's own schemas. */
export interface OperationBinders {
  command<A extends z.ZodType>(operation: CommandOperation<A>): (argument: z.input<A>) => void;
  request<A extends z.ZodType, R extends z.ZodType>(
    operation: RequestOperation<A, R>,
  ): (argument: z.input<A>) => Promise<z.output<R>>;
  event<P extends z.ZodType>(
    operation: EventOperation<P>,
  ): (listener: (payload: z.output<P>) => void) => Unsubscribe;
}

function bind(binders: OperationBinders, operation: BridgeOperation): unknown {
  switch (operation.kind) {
    case 'command':
      return binders.command(operation);
    case 'request':
      return binders.request(operation);
    case 'event':
      return binders.event(operation);
  }
}

/**
 * The renderer API of a table: one function per operation, made by the binder of its kind.
 *
 * The bridge's one type assertion is here. Collecting members in a loop gives TypeScript
 * an object it only knows as "some functions by name"; it cannot see that the member under
 * each name is `RendererMember` of that name's operation. It is: each operation goes to
 * the binder of its own kind, whose signature the compiler has checked against that kind's
 * schemas, and the result is stored under the operation's own name and no other.
 */
export function bindRendererApi<T extends BridgeTable>(
  table: T,
  binders: OperationBinders,
): RendererApi<T> {
  const entries: Array<[string, BridgeOperation]> = [
    ...Object.entries(table.invoke),
    ...Object.entries(table.events),
  ];
  const members = entries.map(([name, operation]) => [name, bind(binders, operation)]);
  return Object.fromEntries(members) as RendererApi<T>;
}
