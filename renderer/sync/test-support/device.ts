// Builders for the engine's unit tests: a fresh in-memory IndexedDB per device, the
// scripted transport, and timers the test fires by hand.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { type ChatDatabase, openChatDatabase } from '../db.ts';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../engine.ts';
import { createFakeTransport, type FakeTransport } from './fake-transport.ts';

export interface ManualTimers {
  setTimer: (callback: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  pending: () => { callback: () => void; ms: number }[];
  fireAll: () => void;
}

export function manualTimers(): ManualTimers {
  const timers = new Set<{ callback: () => void; ms: number }>();
  return {
    setTimer(callback, ms) {
      const timer = { callback, ms };
      timers.add(timer);
      return timer;
    },
    clearTimer(handle) {
      timers.delete(handle as { callback: () => void; ms: number });
    },
    pending: () => [...timers],
    fireAll() {
      const due = [...timers];
      timers.clear();
      for (const timer of due) timer.callback();
    },
  };
}

export interface TestDevice {
  db: ChatDatabase;
  transport: FakeTransport;
  engine: SyncEngine;
  timers: ManualTimers;
  /** Closes the database and opens it again with a new engine (same transport). */
  restart(): Promise<void>;
}

export const ME = 1;
export const OTHER = 2;

export function openTestDevice(options: Partial<SyncEngineOptions> = {}): TestDevice {
  const factory = new IDBFactory();
  const open = () => openChatDatabase(ME, { indexedDB: factory, IDBKeyRange });
  const timers = manualTimers();
  const transport = createFakeTransport(ME);
  let clock = Date.UTC(2025, 0, 10);
  const build = (db: ChatDatabase) =>
    createSyncEngine({
      db,
      transport,
      userId: ME,
      now: () => clock++,
      random: () => 0.5,
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
      ...options,
    });
  const db = open();
  const device: TestDevice = {
    db,
    transport,
    engine: build(db),
    timers,
    async restart() {
      await device.engine.stop();
      device.db.close();
      device.db = open();
      device.engine = build(device.db);
      device.engine.start();
    },
  };
  return device;
}
