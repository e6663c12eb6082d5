// The notification permission as the platform reports it, and the one way to ask for it.
import { useState } from 'react';
import { useApp } from '../app/app-context.tsx';

export function useNotificationAccess() {
  const { bridge } = useApp();
  const [access, setAccess] = useState(() => bridge.notificationAccess());
  const [isAsking, setAsking] = useState(false);
  const ask = async () => {
    setAsking(true);
    try {
      setAccess(await bridge.requestNotificationAccess());
    } finally {
      setAsking(false);
    }
  };
  return { access, isAsking, ask };
}

export const ACCESS_REASON = 'Turn on notifications so you know when someone messages you.';
