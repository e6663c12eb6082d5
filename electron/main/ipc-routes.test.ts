import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ATTACHMENT_LIMITS } from '../../shared/attachments.ts';
import { BRIDGE_TABLE } from '../../shared/platform/bridge-table.ts';
import { APP_ORIGIN } from './app-origin.ts';
import { createIpcRouter, type InvokeEvent } from './ipc.ts';
import { type DesktopServices, registerIpcRoutes, sendBridgeEvent } from './ipc-routes.ts';
import { fakeDesktopServices, SIGNED_IN_USER } from './test-support/fake-desktop-services.ts';

type Listener = (event: InvokeEvent, ...args: unknown[]) => unknown;

const IPC = {
  notify: BRIDGE_TABLE.invoke.notify.channel,
  setBadge: BRIDGE_TABLE.invoke.setBadge.channel,
  hasSession: BRIDGE_TABLE.invoke.hasSession.channel,
  signIn: BRIDGE_TABLE.invoke.signIn.channel,
  createAccount: BRIDGE_TABLE.invoke.createAccount.channel,
  openExternal: BRIDGE_TABLE.invoke.openExternal.channel,
  copyText: BRIDGE_TABLE.invoke.copyText.channel,
  setActiveConversation: BRIDGE_TABLE.invoke.setActiveConversation.channel,
  saveFile: BRIDGE_TABLE.invoke.saveFile.channel,
};
const invokeChannels = Object.values(BRIDGE_TABLE.invoke).map((operation) => operation.channel);
const eventChannels = Object.values(BRIDGE_TABLE.events).map((operation) => operation.channel);

function wire() {
  const listeners = new Map<string, Listener>();
  const router = createIpcRouter({
    ipcMain: { handle: (channel, listener) => listeners.set(channel, listener) },
    appOrigin: () => APP_ORIGIN,
    onRejected: () => {},
  });
  const services = fakeDesktopServices();
  registerIpcRoutes(router, services);
  const event: InvokeEvent = { senderFrame: { url: 'app://timenest/index.html', parent: null } };
  const invoke = async (channel: string, ...args: unknown[]) =>
    listeners.get(channel)?.(event, ...args);
  return { listeners, services, invoke };
}

describe('[§6] registerIpcRoutes: every handler validates its argument with the table’s schema', () => {
  it('registers a handler for exactly the renderer-to-main operations of the bridge table', () => {
    const { listeners } = wire();
    expect([...listeners.keys()].sort()).toEqual([...invokeChannels].sort());
  });

  it('never registers a handler for a main-to-renderer event channel', () => {
    const { listeners } = wire();
    for (const channel of eventChannels) expect(listeners.has(channel)).toBe(false);
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

  const credentials = { email: 'me@test.local', password: 'secret-pass', deviceName: 'Laptop' };

  it('[§6] answers a sign-in with who signed in, never with a token', async () => {
    const { services, invoke } = wire();
    await expect(invoke(IPC.signIn, credentials)).resolves.toEqual({
      kind: 'signed-in',
      user: SIGNED_IN_USER,
    });
    expect(services.signIn).toHaveBeenCalledWith(credentials);
  });

  it.each([
    ['an extra field', { ...credentials, token: 'planted' }],
    ['a password longer than the form allows', { ...credentials, password: 'p'.repeat(201) }],
    ['no device name', { email: credentials.email, password: credentials.password }],
    ['a number for an email', { ...credentials, email: 42 }],
  ])('rejects sign-in credentials with %s', async (_what, args) => {
    const { services, invoke } = wire();
    await expect(invoke(IPC.signIn, args)).rejects.toThrow('invalid-arguments');
    expect(services.signIn).not.toHaveBeenCalled();
  });

  it('rejects a new account without a display name', async () => {
    const { services, invoke } = wire();
    await expect(invoke(IPC.createAccount, credentials)).rejects.toThrow('invalid-arguments');
    expect(services.createAccount).not.toHaveBeenCalled();
  });

  it('rejects an argument sent to a channel that takes none', async () => {
    const { services, invoke } = wire();
    await expect(invoke(IPC.hasSession, 'please')).rejects.toThrow('invalid-arguments');
    expect(services.hasSession).not.toHaveBeenCalled();
  });

  it('tells a trusted caller whether a session is kept', async () => {
    const { invoke } = wire();
    await expect(invoke(IPC.hasSession)).resolves.toBe(true);
  });

  it('accepts null as "no conversation on screen"', async () => {
    const { services, invoke } = wire();
    await invoke(IPC.setActiveConversation, null);
    expect(services.setActiveConversation).toHaveBeenCalledWith(null);
  });

  it('hands the bytes and name of a file to save to main and answers what it did', async () => {
    const { services, invoke } = wire();
    const request = { suggestedName: 'Lease 2026.pdf', bytes: new Uint8Array([1, 2, 3]) };
    await expect(invoke(IPC.saveFile, request)).resolves.toBe('saved');
    expect(services.saveFile).toHaveBeenCalledWith(request);
  });

  it.each([
    ['a path for a name', { suggestedName: '../../.bashrc', bytes: new Uint8Array(1) }],
    ['a Windows path for a name', { suggestedName: 'C:\\evil.txt', bytes: new Uint8Array(1) }],
    ['a folder for a name', { suggestedName: '..', bytes: new Uint8Array(1) }],
    ['an empty name', { suggestedName: '', bytes: new Uint8Array(1) }],
    ['a name with a line break', { suggestedName: 'a\nb.txt', bytes: new Uint8Array(1) }],
    [
      'a name past 200 characters',
      { suggestedName: `${'a'.repeat(201)}`, bytes: new Uint8Array(1) },
    ],
    ['bytes as a plain array', { suggestedName: 'a.txt', bytes: [1, 2, 3] }],
    ['bytes as a string', { suggestedName: 'a.txt', bytes: 'AAEC' }],
    [
      'a media type with a line break',
      { suggestedName: 'a.txt', bytes: new Uint8Array(1), mimeType: 'text/plain\r\nX: 1' },
    ],
    ['an extra field', { suggestedName: 'a.txt', bytes: new Uint8Array(1), path: '/etc/passwd' }],
  ])('refuses to save a file with %s', async (_label, request) => {
    const { services, invoke } = wire();
    await expect(invoke(IPC.saveFile, request)).rejects.toThrow('invalid-arguments');
    expect(services.saveFile).not.toHaveBeenCalled();
  });

  it('refuses to save more bytes than an attachment may have', async () => {
    const { services, invoke } = wire();
    const tooMany = new Uint8Array(ATTACHMENT_LIMITS.maxBytes + 1);
    await expect(
      invoke(IPC.saveFile, { suggestedName: 'big.bin', bytes: tooMany }),
    ).rejects.toThrow('invalid-arguments');
    const enough = new Uint8Array(ATTACHMENT_LIMITS.maxBytes);
    await invoke(IPC.saveFile, { suggestedName: 'big.bin', bytes: enough });
    expect(services.saveFile).toHaveBeenCalledTimes(1);
  });

  it('accepts a Node Buffer for the bytes, as Electron may deliver them', async () => {
    const { services, invoke } = wire();
    await invoke(IPC.saveFile, { suggestedName: 'a.txt', bytes: Buffer.from('hi') });
    expect(services.saveFile).toHaveBeenCalledOnce();
  });
});

describe('sendBridgeEvent', () => {
  it('sends an event on its own channel with its payload', () => {
    const sent: unknown[][] = [];
    sendBridgeEvent((...args) => sent.push(args), 'onNetworkChange', false);
    expect(sent).toEqual([[BRIDGE_TABLE.events.onNetworkChange.channel, false]]);
  });

  it('sends an event without a payload with no argument at all', () => {
    const sent: unknown[][] = [];
    sendBridgeEvent((...args) => sent.push(args), 'onResume');
    expect(sent).toEqual([[BRIDGE_TABLE.events.onResume.channel]]);
  });

  it('refuses to send a payload the renderer would drop', () => {
    const send = vi.fn();
    const target = { userId: 0, conversationId: 5 };
    expect(() => sendBridgeEvent(send, 'onOpenConversation', target)).toThrow();
    expect(send).not.toHaveBeenCalled();
  });
});

describe('the main process’s handlers, as derived from the table', () => {
  it('receive the validated argument and answer what the result schema allows', () => {
    type SaveFile = DesktopServices['saveFile'];
    expectTypeOf<Parameters<SaveFile>[0]['suggestedName']>().toEqualTypeOf<string>();
    expectTypeOf<Parameters<SaveFile>[0]['bytes']>().toExtend<Uint8Array>();
    expectTypeOf<ReturnType<SaveFile>>().toEqualTypeOf<
      'saved' | 'cancelled' | Promise<'saved' | 'cancelled'>
    >();
    expectTypeOf<ReturnType<DesktopServices['hasSession']>>().toEqualTypeOf<
      boolean | Promise<boolean>
    >();
  });

  it('answer nothing to a command', () => {
    expectTypeOf<ReturnType<DesktopServices['setBadge']>>().toEqualTypeOf<void | Promise<void>>();
  });
});
