// The account's signed-in devices, as in Signal's "Linked devices": which ones, when each
// was last used, and a way to sign any other one out (its sockets close at once).
import { useCallback, useEffect, useState } from 'react';
import type { DeviceSession } from '../../../shared/sessions.ts';
import { useApp } from '../app/app-context.tsx';
import { ServerError } from '../server-client.ts';
import { formatRelative } from '../time/format-time.ts';
import { useNow } from '../time/use-now.ts';

type Load =
  | { state: 'loading' }
  | { state: 'loaded'; devices: DeviceSession[] }
  | { state: 'failed'; message: string };

const messageOf = (error: unknown) =>
  error instanceof ServerError ? error.message : 'Could not load your devices.';

export function DevicesPanel() {
  const { server } = useApp();
  const now = useNow();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [signingOut, setSigningOut] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setLoad({ state: 'loaded', devices: await server.listDevices() });
    } catch (e) {
      setLoad({ state: 'failed', message: messageOf(e) });
    }
  }, [server]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signOut = async (device: DeviceSession) => {
    setSigningOut(device.sessionId);
    setError(null);
    try {
      await server.signOutDevice(device.sessionId);
      await refresh();
    } catch (e) {
      setError(e instanceof ServerError ? e.message : 'Could not sign that device out.');
    } finally {
      setSigningOut(null);
    }
  };

  return (
    <section className="devices" aria-labelledby="devices-title">
      <h2 id="devices-title" className="devices-title">
        Signed-in devices
      </h2>
      {load.state === 'loading' && <p className="devices-note">Loading…</p>}
      {load.state === 'failed' && (
        <p className="devices-note" role="alert">
          {load.message}
        </p>
      )}
      {load.state === 'loaded' && (
        <ul className="devices-list">
          {load.devices.map((device) => {
            const name = device.deviceName || 'Unnamed device';
            return (
              <li key={device.sessionId} className="device">
                <div className="device-text">
                  <bdi className="device-name">{name}</bdi>
                  <span className="device-seen">
                    {device.isCurrent
                      ? 'This device'
                      : `Last active ${formatRelative(device.lastSeenAt, now)}`}
                  </span>
                </div>
                {!device.isCurrent && (
                  <button
                    type="button"
                    className="device-sign-out"
                    aria-label={`Sign out ${name}`}
                    disabled={signingOut !== null}
                    onClick={() => void signOut(device)}
                  >
                    {signingOut === device.sessionId ? 'Signing out…' : 'Sign out'}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {error && (
        <p className="devices-note" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
