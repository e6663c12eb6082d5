// Where the platform keeps the session token, once it has said: null until then.
import { useEffect, useState } from 'react';
import type { TokenStorage } from '../../../shared/platform/bridge.ts';
import { useApp } from '../app/app-context.tsx';

export function useTokenStorage(): TokenStorage | null {
  const { bridge } = useApp();
  const [storage, setStorage] = useState<TokenStorage | null>(null);
  useEffect(() => {
    let isCurrent = true;
    // A failed answer shows nothing: the notice is about a known lack, not a guess.
    bridge.tokenStorage().then(
      (answer) => isCurrent && setStorage(answer),
      () => {},
    );
    return () => {
      isCurrent = false;
    };
  }, [bridge]);
  return storage;
}

/** What the user is told when the session will not survive a restart (DESIGN §6). */
export const MEMORY_ONLY_NOTICE =
  'This device cannot store your session securely; you will sign in again after restarting.';
