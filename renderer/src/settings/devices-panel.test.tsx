// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceSession } from '../../../shared/sessions.ts';
import { appServices, withApp } from '../test-support/app-harness.tsx';
import { freshDatabase } from '../test-support/builders.ts';
import { DevicesPanel } from './DevicesPanel.tsx';

afterEach(cleanup);

const device = (
  sessionId: number,
  deviceName: string | null,
  isCurrent = false,
): DeviceSession => ({
  sessionId,
  deviceName,
  signedInAt: new Date(Date.now() - 86_400_000).toISOString(),
  lastSeenAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  isCurrent,
});

describe('signed-in devices', () => {
  it('lists every device, marks this one, and signs another out on request', async () => {
    let devices = [device(1, 'Work laptop', true), device(2, 'Phone'), device(3, null)];
    const signedOut: number[] = [];
    const services = appServices(freshDatabase().db, {});
    services.server = {
      ...services.server,
      listDevices: async () => devices,
      signOutDevice: async (sessionId) => {
        signedOut.push(sessionId);
        devices = devices.filter((d) => d.sessionId !== sessionId);
      },
    };
    render(withApp(services, <DevicesPanel />));
    const list = await screen.findByRole('list');
    expect(within(list).getAllByRole('listitem')).toHaveLength(3);
    expect(within(list).getByText('This device')).toBeTruthy();
    expect(within(list).getByText('Unnamed device')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign out Work laptop' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Sign out Phone' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2));
    expect(signedOut).toEqual([2]);
  });

  it('a device name that reorders text is shown isolated from what surrounds it', async () => {
    const services = appServices(freshDatabase().db, {});
    services.server = {
      ...services.server,
      listDevices: async () => [device(1, 'Me', true), device(2, 'evil\u202Eoc.exe')],
    };
    render(withApp(services, <DevicesPanel />));
    const name = await screen.findByText('evil\u202Eoc.exe');
    expect(name.tagName).toBe('BDI');
  });

  it('says so when the list cannot be loaded', async () => {
    const services = appServices(freshDatabase().db, {});
    services.server = {
      ...services.server,
      listDevices: async () => {
        throw new Error('offline');
      },
    };
    render(withApp(services, <DevicesPanel />));
    expect((await screen.findByRole('alert')).textContent).toBe('Could not load your devices.');
  });
});
