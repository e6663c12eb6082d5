// Who of the conversation partners is online: the one presence source every place in the
// UI reads (DESIGN §4) — the engine's live stream, which the server feeds from every
// device's connection on every instance. Nobody is online while this device is offline:
// the browser says so before a dead socket is noticed.
import { useEffect, useMemo, useState } from 'react';
import { useApp } from '../app/app-context.tsx';
import { useNetworkOnline } from '../sync-state/use-sync-status.ts';

const NOBODY: ReadonlySet<number> = new Set();

export function useOnlineUsers(): ReadonlySet<number> {
  const { engine, bridge } = useApp();
  const isNetworkOnline = useNetworkOnline(bridge);
  const [online, setOnline] = useState(() => engine.getOnlineUsers());
  useEffect(() => {
    setOnline(engine.getOnlineUsers());
    return engine.onOnlineUsers(setOnline);
  }, [engine]);
  return useMemo(() => (isNetworkOnline ? online : NOBODY), [isNetworkOnline, online]);
}
