// Conversation partners online right now, from the engine's poke subscription.
import { useEffect, useState } from 'react';
import type { SyncEngineApi } from '../../sync/api.ts';

export function useOnlineUsers(engine: SyncEngineApi): ReadonlySet<number> {
  const [online, setOnline] = useState(() => engine.getOnlineUsers());
  useEffect(() => {
    setOnline(engine.getOnlineUsers());
    return engine.onOnlineUsers(setOnline);
  }, [engine]);
  return online;
}
