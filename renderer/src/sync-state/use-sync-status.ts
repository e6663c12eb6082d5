// The engine's status as React state, plus the platform's own word on the network
// (the browser's offline event arrives before the engine notices a dead socket).
import { useEffect, useState } from 'react';
import type { PlatformBridge } from '../../../shared/platform/bridge.ts';
import type { SyncEngineApi, SyncStatus } from '../../sync/api.ts';

export function useSyncStatus(engine: SyncEngineApi): SyncStatus {
  const [status, setStatus] = useState(() => engine.getStatus());
  useEffect(() => {
    setStatus(engine.getStatus());
    return engine.onStatus((next) => setStatus(next));
  }, [engine]);
  return status;
}

export function useNetworkOnline(bridge: PlatformBridge): boolean {
  const [isOnline, setOnline] = useState(() => globalThis.navigator?.onLine ?? true);
  useEffect(() => {
    setOnline(globalThis.navigator?.onLine ?? true);
    return bridge.onNetworkChange(setOnline);
  }, [bridge]);
  return isOnline;
}
