// The settings' word on where this device keeps the session: encrypted by the system, or
// in memory only, so a restart signs out. The browser keeps it as it keeps the site's
// data, which the page cannot tell more about: nothing is shown there.
import { useId } from 'react';
import type { TokenStorage } from '../../../shared/platform/bridge.ts';
import { MEMORY_ONLY_NOTICE, useTokenStorage } from './use-token-storage.ts';

const STORAGE_TEXT: Record<Exclude<TokenStorage, 'browser'>, string> = {
  encrypted: 'Your session is stored encrypted by this computer’s key store.',
  'memory-only': `${MEMORY_ONLY_NOTICE} Set up a system keyring (such as GNOME Keyring or KWallet) to stay signed in.`,
};

export function SessionStorageSettings() {
  const storage = useTokenStorage();
  const titleId = useId();
  if (storage === null || storage === 'browser') return null;
  return (
    <section className="settings-section" aria-labelledby={titleId}>
      <h2 id={titleId} className="settings-title">
        Session
      </h2>
      <p className="settings-note" data-storage={storage}>
        {STORAGE_TEXT[storage]}
      </p>
    </section>
  );
}
