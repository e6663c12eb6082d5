// One engine per browser profile (DESIGN §3.8): the tabs of a profile share one IndexedDB,
// and the one holding a Web Lock named after it is the leader, which alone talks to the
// server (outbox, live stream, pulls). The others wait in the lock's queue; when the
// leader's tab closes the browser hands the lock to the next. Where there is no lock
// manager there are no other tabs either: the engine leads.

/** The part of the Web Locks API this needs (`navigator.locks`). */
export interface LockManagerLike {
  request(
    name: string,
    options: { mode: 'exclusive'; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<unknown>;
}

export interface Leadership {
  isLeader(): boolean;
  /** Gives the lock back (or leaves the queue). */
  release(): Promise<void>;
}

export function electLeader(
  locks: LockManagerLike | null,
  name: string,
  onChange: (isLeader: boolean) => void,
): Leadership {
  let isLeader = false;
  if (!locks) {
    isLeader = true;
    queueMicrotask(() => onChange(true));
    return { isLeader: () => isLeader, release: async () => {} };
  }
  const stop = new AbortController();
  let letGo: () => void = () => {};
  const held = locks
    .request(name, { mode: 'exclusive', signal: stop.signal }, async () => {
      if (stop.signal.aborted) return;
      isLeader = true;
      onChange(true);
      await new Promise<void>((resolve) => {
        letGo = resolve;
      });
    })
    .catch(() => undefined);
  return {
    isLeader: () => isLeader,
    async release() {
      stop.abort();
      const wasLeader = isLeader;
      isLeader = false;
      letGo();
      await held;
      if (wasLeader) onChange(false);
    },
  };
}
