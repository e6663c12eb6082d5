// Shown when the server no longer accepts this device's session (signed out elsewhere,
// expired): sync waits, nothing stored is lost, and signing in again resumes it.
import { useApp } from '../app/app-context.tsx';
import { useSyncStatus } from './use-sync-status.ts';

export function SessionEndedBanner() {
  const { engine, signOut } = useApp();
  const status = useSyncStatus(engine);
  if (status.lastErrorCode !== 'UNAUTHENTICATED') return null;
  return (
    <div className="session-banner" role="alert">
      <span>Your session has ended, so nothing syncs. Messages stay on this device.</span>
      <button type="button" className="button primary small" onClick={() => void signOut()}>
        Sign in again
      </button>
    </div>
  );
}
