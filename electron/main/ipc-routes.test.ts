import { describe, expect, it, vi } from 'vitest';
import { IPC } from '../../shared/platform/bridge.ts';
import { APP_ORIGIN } from './app-origin.ts';
import { createIpcRouter, type InvokeEvent } from './ipc.ts';
import {
  type DesktopServices,
  EVENT_CHANNELS,
  INVOKE_CHANNEL_SCHEMAS,
  registerIpcRoutes,
} from './ipc-routes.ts';

type Listener = (event: InvokeEvent, ...args: unknown[]) => unknown;

function fakeServices(): DesktopServices {
  return {
    notify: vi.fn(),
    withdrawNotification: vi.fn(),
    setBadge: vi.fn(),
    getToken: vi.fn(async () => 'token-1'),
    setToken: vi.fn(async () => {}),
    clearToken: vi.fn(async () => {}),
    openExternal: vi.fn(async () => {}),
    copyText: vi.fn(),
    appVersion: vi.fn(() => '1.2.3'),
    setActiveConversation: vi.fn(),
  };
}

function wire() {
  const listeners = new Map<string, Listener>();
  const router = createIpcRouter({
    ipcMain: { handle: (channel, listener) => listeners.set(channel, listener) },
    appOrigin: () => APP_ORIGIN,
    onRejected: () => {},
  });
  const services = fakeServices();
  registerIpcRoutes(router, services);
  const event: InvokeEvent = { senderFrame: { url: 'app://timenest/index.html', parent: null } };
  const invoke = async (channel: string, ...args: unknown[]) =>
    listeners.get(channel)?.(event, ...args);
  return { listeners, services, invoke };
}

describe('registerIpcRoutes', () => {
  it('registers exactly the invoke channels of the route table', () => {
    const { listeners } = wire();
    expect([...listeners.keys()].sort()).toEqual(Object.keys(INVOKE_CHANNEL_SCHEMAS).sort());
  });

  it('accounts for every bridge channel as either an invoke route or an event', () => {
    const routed = [...Object.keys(INVOKE_CHANNEL_SCHEMAS), ...EVENT_CHANNELS].sort();
    expect(routed).toEqual(Object.values(IPC).sort());
  });

  it('never registers a handler for a main-to-renderer event channel', () => {
    const { listeners } = wire();
    for (const channel of EVENT_CHANNELS) expect(listeners.has(channel)).toBe(false);
  });

  it('forwards a valid notification to the notifier', async () => {
    const { services, invoke } = wire();
    const args = { conversationKey: 'c-1', title: 'Bob', body: 'hi', target: null };
    await invoke(IPC.notify, args);
    expect(services.notify).toHaveBeenCalledWith(args);
  });

  it('rejects a notification with extra fields', async () => {
    const { services, invoke } = wire();
    const args = { conversationKey: 'c-1', title: 'Bob', body: 'hi', target: null, icon: '/etc/x' };
    await expect(invoke(IPC.notify, args)).rejects.toThrow('invalid-arguments');
    expect(services.notify).not.toHaveBeenCalled();
  });

  it.each([-1, 1.5, 10_000_000, '3'])('rejects the badge count %j', async (count) => {
    const { services, invoke } = wire();
    await expect(invoke(IPC.setBadge, count)).rejects.toThrow('invalid-arguments');
    expect(services.setBadge).not.toHaveBeenCalled();
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'not a url'])(
    'refuses to open %s externally',
    async (url) => {
      const { services, invoke } = wire();
      await expect(invoke(IPC.openExternal, url)).rejects.toThrow('invalid-arguments');
      expect(services.openExternal).not.toHaveBeenCalled();
    },
  );

  it('copies one message’s text and refuses anything longer', async () => {
    const { services, invoke } = wire();
    await invoke(IPC.copyText, 'hello');
    await expect(invoke(IPC.copyText, 'x'.repeat(10_001))).rejects.toThrow('invalid-arguments');
    expect(services.copyText).toHaveBeenCalledTimes(1);
    expect(services.copyText).toHaveBeenCalledWith('hello');
  });

  it('rejects an empty or oversized token', async () => {
    const { services, invoke } = wire();
    await expect(invoke(IPC.setToken, '')).rejects.toThrow('invalid-arguments');
    await expect(invoke(IPC.setToken, 'x'.repeat(513))).rejects.toThrow('invalid-arguments');
    expect(services.setToken).not.toHaveBeenCalled();
  });

  it('rejects an argument sent to a channel that takes none', async () => {
    const { services, invoke } = wire();
    await expect(invoke(IPC.getToken, 'please')).rejects.toThrow('invalid-arguments');
    expect(services.getToken).not.toHaveBeenCalled();
  });

  it('returns the stored token to a trusted caller', async () => {
    const { invoke } = wire();
    await expect(invoke(IPC.getToken)).resolves.toBe('token-1');
  });

  it('accepts null as "no conversation on screen"', async () => {
    const { services, invoke } = wire();
    await invoke(IPC.setActiveConversation, null);
    expect(services.setActiveConversation).toHaveBeenCalledWith(null);
  });
});
