// Main's handlers for every bridge operation as spies, for tests of the IPC routes.
import { vi } from 'vitest';
import type { DesktopServices } from '../ipc-routes.ts';

export const SIGNED_IN_USER = { userId: 7, email: 'me@test.local', displayName: 'Me' };

export function fakeDesktopServices(): DesktopServices {
  return {
    notify: vi.fn(),
    withdrawNotification: vi.fn(),
    setBadge: vi.fn(),
    hasSession: vi.fn(async () => true),
    signIn: vi.fn(async () => ({ kind: 'signed-in' as const, user: SIGNED_IN_USER })),
    createAccount: vi.fn(async () => ({ kind: 'signed-in' as const, user: SIGNED_IN_USER })),
    signOut: vi.fn(async () => {}),
    tokenStorage: vi.fn(() => 'encrypted' as const),
    openExternal: vi.fn(async () => {}),
    copyText: vi.fn(),
    appVersion: vi.fn(() => '1.2.3'),
    setActiveConversation: vi.fn(),
    saveFile: vi.fn(async () => 'saved' as const),
  };
}
