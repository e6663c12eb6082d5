// Shown when the server speaks a newer sync protocol than this app: nothing syncs until
// the app is updated, and nothing stored here is lost or thrown away meanwhile.
import { useApp } from '../app/app-context.tsx';
import { useSyncStatus } from './use-sync-status.ts';

export function UpdateRequiredBanner() {
  const { engine } = useApp();
  const status = useSyncStatus(engine);
  if (status.lastErrorCode !== 'PROTOCOL_INCOMPATIBLE') return null;
  return (
    <div className="session-banner" role="alert">
      <span>
        This version of TimeNest can no longer sync with the server. Update the app to send and
        receive messages; everything on this device is kept.
      </span>
    </div>
  );
}
