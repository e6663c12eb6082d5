// The steps the model-based convergence tests share (convergence.test.ts for two people,
// group-convergence.test.ts for groups): each runs under a deadline named after itself,
// and the faults — a device's network, restarts, lost and doubled push answers, lost
// live events, a cut bus subscriber, a server restart, a pause for background sync.
import type fc from 'fast-check';
import { type Device, dropBusSubscriber, restartServer, type SyncServer } from './support.ts';

export const STEP_TIMEOUT_MS = 20_000;

/** A step that never finishes is a failure with a name, not a stalled run. */
export async function withDeadline<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish in ${STEP_TIMEOUT_MS} ms`)),
      STEP_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every step runs under a deadline, named after itself. */
export abstract class TimedStep<M extends object, W> implements fc.AsyncCommand<M, W> {
  check(_model: Readonly<M>): boolean {
    return true;
  }
  run(model: M, world: W): Promise<void> {
    return withDeadline(this.toString(), this.act(model, world));
  }
  abstract act(model: M, world: W): Promise<void>;
  abstract toString(): string;
}

/** What the fault steps need of a test's world: its devices, in slots. */
export interface DeviceWorld {
  slots: readonly { device: Device }[];
}

export type DeviceFaultKind =
  | 'offline'
  | 'online'
  | 'restart'
  | 'dropResponse'
  | 'pushTwice'
  | 'missEvents'
  | 'hearEvents';

export class DeviceFault<M extends object, W extends DeviceWorld> extends TimedStep<M, W> {
  constructor(
    readonly device: number,
    readonly fault: DeviceFaultKind,
  ) {
    super();
  }
  async act(_model: M, world: W) {
    const slot = world.slots[this.device % world.slots.length];
    if (!slot) return;
    const { device } = slot;
    switch (this.fault) {
      case 'offline':
        return device.goOffline();
      case 'online':
        return device.goOnline();
      case 'restart':
        return device.restart();
      case 'dropResponse':
        return device.dropNextPushResponse();
      case 'pushTwice':
        return device.deliverNextPushTwice();
      case 'missEvents':
        return device.transport.dropLiveEvents(true);
      case 'hearEvents':
        return device.transport.dropLiveEvents(false);
    }
  }
  toString() {
    return `${this.fault}(${this.device})`;
  }
}

/** Cuts the server's Redis subscriber: whatever is published until it is back is lost
 * for its streams, which must catch up. */
export class DropBusSubscriber<M extends object, W> extends TimedStep<M, W> {
  constructor(readonly server: () => SyncServer) {
    super();
  }
  async act() {
    await dropBusSubscriber(this.server());
  }
  toString() {
    return 'dropBusSubscriber';
  }
}

export class RestartServer<M extends object, W> extends TimedStep<M, W> {
  constructor(readonly server: () => SyncServer) {
    super();
  }
  async act() {
    await restartServer(this.server());
  }
  toString() {
    return 'restartServer';
  }
}

/** Lets background sync run for a moment, so steps interleave with pushes and pulls. */
export class Pause<M extends object, W> extends TimedStep<M, W> {
  constructor(readonly ms: number) {
    super();
  }
  async act() {
    await new Promise((resolve) => setTimeout(resolve, this.ms));
  }
  toString() {
    return `pause(${this.ms})`;
  }
}
