// What the always-visible sync indicator says: connectivity first, then what waits.
import type { Connectivity, SyncStatus } from '../../sync/api.ts';

export interface SyncLabel {
  tone: Connectivity | 'failed';
  text: string;
}

export function describeSync(status: SyncStatus, isNetworkOnline: boolean): SyncLabel {
  const connectivity: Connectivity = isNetworkOnline ? status.connectivity : 'offline';
  const head =
    connectivity === 'offline' ? 'Offline' : connectivity === 'syncing' ? 'Syncing…' : 'Online';
  const parts = [head];
  if (status.pendingCount > 0) parts.push(`${status.pendingCount} pending`);
  if (status.failedCount > 0) parts.push(`${status.failedCount} failed`);
  const tone = status.failedCount > 0 && connectivity !== 'offline' ? 'failed' : connectivity;
  return { tone, text: parts.join(' · ') };
}
