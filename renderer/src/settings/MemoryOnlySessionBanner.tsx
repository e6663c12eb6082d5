// Above the conversation list, once, when the desktop keeps the session in memory only (no
// system keyring to encrypt it with): the user will have to sign in again after a restart.
// "Got it" hides it for good; the settings keep saying it.
import { useApp } from '../app/app-context.tsx';
import { useSettings } from './settings-store.ts';
import { MEMORY_ONLY_NOTICE, useTokenStorage } from './use-token-storage.ts';

export function MemoryOnlySessionBanner() {
  const { settings } = useApp();
  const { isMemoryOnlyBannerDismissed } = useSettings(settings);
  const storage = useTokenStorage();
  if (storage !== 'memory-only' || isMemoryOnlyBannerDismissed) return null;
  return (
    <section className="session-banner" aria-label="Session not kept after restart">
      <span>{MEMORY_ONLY_NOTICE}</span>
      <div>
        <button
          type="button"
          className="button ghost small"
          onClick={() => settings.update({ isMemoryOnlyBannerDismissed: true })}
        >
          Got it
        </button>
      </div>
    </section>
  );
}
