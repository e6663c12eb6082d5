// The sync state, always on screen: online / offline / syncing and what waits to send.
import { useApp } from '../app/app-context.tsx';
import { Link } from '../routing/router.tsx';
import { describeSync } from './sync-label.ts';
import { useNetworkOnline, useSyncStatus } from './use-sync-status.ts';

export function SyncIndicator() {
  const { engine, bridge } = useApp();
  const status = useSyncStatus(engine);
  const isOnline = useNetworkOnline(bridge);
  const label = describeSync(status, isOnline);
  const waiting = status.pendingCount + status.failedCount;
  return (
    <div className={`sync-indicator sync-${label.tone}`}>
      <span className="sync-dot" aria-hidden="true" />
      <span role="status" className="sync-text" title={status.lastError ?? undefined}>
        {label.text}
      </span>
      {waiting > 0 && (
        <Link to="/outbox" className="sync-outbox-link">
          View outbox
        </Link>
      )}
    </div>
  );
}
