// Electron's main process has no online/offline event, so this watches net.isOnline()
// and reports changes. Only "offline" is certain: online means a network interface is
// up, not that the server is reachable — the sync engine still has to try.

export interface NetworkMonitorOptions<Handle> {
  isOnline: () => boolean;
  onChange: (online: boolean) => void;
  intervalMs: number;
  setInterval: (callback: () => void, ms: number) => Handle;
  clearInterval: (handle: Handle) => void;
}

/** Starts watching; returns a function that stops it. */
export function watchNetwork<Handle>(options: NetworkMonitorOptions<Handle>): () => void {
  let last = options.isOnline();
  const handle = options.setInterval(() => {
    const now = options.isOnline();
    if (now !== last) {
      last = now;
      options.onChange(now);
    }
  }, options.intervalMs);
  return () => options.clearInterval(handle);
}
