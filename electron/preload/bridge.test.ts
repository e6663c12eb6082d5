import { describe, expect, it, vi } from 'vitest';
import { BRIDGE_TABLE } from '../../shared/platform/bridge-table.ts';
import { createDesktopBridge, type IpcRendererLike } from './bridge.ts';

const { invoke: calls, events } = BRIDGE_TABLE;
const IPC = {
  notify: calls.notify.channel,
  hasSession: calls.hasSession.channel,
  signIn: calls.signIn.channel,
  appVersion: calls.appVersion.channel,
  saveFile: calls.saveFile.channel,
  openConversation: events.onOpenConversation.channel,
  resume: events.onResume.channel,
  network: events.onNetworkChange.channel,
};

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpc(answers: Record<string, unknown> = {}) {
  const listeners = new Map<string, Listener[]>();
  const invoked: unknown[][] = [];
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      invoked.push([channel, ...args]);
      if (channel in answers) return answers[channel];
      return undefined;
    },
    on: (channel, listener) => {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
    },
  };
  const SENDER_EVENT = { sender: 'ipcRenderer itself', senderFrame: 'secret' };
  const emit = (channel: string, ...args: unknown[]) => {
    for (const listener of listeners.get(channel) ?? []) listener(SENDER_EVENT, ...args);
  };
  return { ipc, invoked, emit };
}

const flush = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('[§6] createDesktopBridge: one narrow function per operation of the bridge table', () => {
  it('says it is the desktop bridge', () => {
    expect(createDesktopBridge(fakeIpc().ipc).kind).toBe('desktop');
  });

  it('sends a notification over its own channel', async () => {
    const { ipc, invoked } = fakeIpc();
    const args = { conversationKey: 'c-1', title: 'Bob', body: 'hi', target: null };
    createDesktopBridge(ipc).notify(args);
    expect(invoked).toEqual([[IPC.notify, args]]);
  });

  it('throws in the renderer for a malformed call instead of sending it', () => {
    const { ipc, invoked } = fakeIpc();
    expect(() => createDesktopBridge(ipc).setBadge(-3)).toThrow();
    expect(invoked).toEqual([]);
  });

  it('reports a failed fire-and-forget call instead of leaving it unhandled', async () => {
    const reported: unknown[] = [];
    const ipc: IpcRendererLike = {
      invoke: async () => {
        throw new Error('IPC request rejected: untrusted-sender');
      },
      on: () => {},
    };
    createDesktopBridge(ipc, (error) => reported.push(error)).setBadge(1);
    await flush();
    await flush();
    expect(reported).toHaveLength(1);
  });

  it('returns whether main keeps a session', async () => {
    const { ipc } = fakeIpc({ [IPC.hasSession]: true });
    await expect(createDesktopBridge(ipc).hasSession()).resolves.toBe(true);
  });

  it('invokes an operation without an argument with no argument at all', async () => {
    const { ipc, invoked } = fakeIpc({ [IPC.hasSession]: false });
    await createDesktopBridge(ipc).hasSession();
    expect(invoked).toEqual([[IPC.hasSession]]);
  });

  it('[§6] presents no token of its own: main adds it to requests to the server', () => {
    const bridge = createDesktopBridge(fakeIpc().ipc);
    expect(bridge.authHeaders()).toEqual({});
    expect(bridge.socketAuthParams()).toEqual({});
  });

  it('[§6] drops a sign-in answer that carries a token instead of handing it to the page', async () => {
    const user = { userId: 7, email: 'me@test.local', displayName: 'Me' };
    const { ipc } = fakeIpc({ [IPC.signIn]: { kind: 'signed-in', user, token: 'leaked' } });
    const credentials = { email: 'me@test.local', password: 'pw', deviceName: 'Laptop' };
    await expect(createDesktopBridge(ipc).signIn(credentials)).rejects.toThrow();
  });

  it('sends a file to save as its bytes and name, and returns what main did', async () => {
    const { ipc, invoked } = fakeIpc({ [IPC.saveFile]: 'cancelled' });
    const request = { suggestedName: 'notes.txt', bytes: new Uint8Array([104, 105]) };
    await expect(createDesktopBridge(ipc).saveFile(request)).resolves.toBe('cancelled');
    expect(invoked).toEqual([[IPC.saveFile, request]]);
  });

  it('refuses to send a path as the name of a file to save', async () => {
    const { ipc, invoked } = fakeIpc();
    const request = { suggestedName: '../notes.txt', bytes: new Uint8Array(1) };
    await expect(createDesktopBridge(ipc).saveFile(request)).rejects.toThrow();
    expect(invoked).toEqual([]);
  });

  it('rejects an answer of the wrong type from main', async () => {
    const { ipc } = fakeIpc({ [IPC.appVersion]: { version: '1' } });
    await expect(createDesktopBridge(ipc).appVersion()).rejects.toThrow();
  });

  it('hands listeners the conversation only, never the IPC event', async () => {
    const { ipc, emit } = fakeIpc();
    const bridge = createDesktopBridge(ipc);
    const listener = vi.fn();
    bridge.onOpenConversation(listener);
    emit(IPC.openConversation, { userId: 2, conversationId: 5 });
    expect(listener).toHaveBeenCalledWith({ userId: 2, conversationId: 5 });
    expect(listener.mock.calls[0]).toHaveLength(1);
  });

  it('calls resume listeners with nothing from IPC', () => {
    const { ipc, emit } = fakeIpc();
    const listener = vi.fn();
    createDesktopBridge(ipc).onResume(listener);
    emit(IPC.resume);
    expect(listener).toHaveBeenCalledOnce();
    expect(listener.mock.calls[0]?.[0]).toBeUndefined();
  });

  it('ignores a resume that arrives with a payload', () => {
    const { ipc, emit } = fakeIpc();
    const listener = vi.fn();
    createDesktopBridge(ipc).onResume(listener);
    emit(IPC.resume, { sender: 'forged' });
    expect(listener).not.toHaveBeenCalled();
  });

  it('keeps a conversation opened before the UI listened and delivers the newest', async () => {
    const { ipc, emit } = fakeIpc();
    const bridge = createDesktopBridge(ipc);
    emit(IPC.openConversation, { userId: 2, conversationId: 5 });
    emit(IPC.openConversation, { userId: 3, conversationId: 6 });
    const listener = vi.fn();
    bridge.onOpenConversation(listener);
    await flush();
    expect(listener.mock.calls).toEqual([[{ userId: 3, conversationId: 6 }]]);
  });

  it('delivers a kept conversation once, not to every later listener', async () => {
    const { ipc, emit } = fakeIpc();
    const bridge = createDesktopBridge(ipc);
    emit(IPC.openConversation, { userId: 2, conversationId: 5 });
    const first = vi.fn();
    const second = vi.fn();
    bridge.onOpenConversation(first);
    bridge.onOpenConversation(second);
    await flush();
    expect(first).toHaveBeenCalledOnce();
    expect(second).not.toHaveBeenCalled();
  });

  it('does not replay a resume that happened before anyone listened', async () => {
    const { ipc, emit } = fakeIpc();
    const bridge = createDesktopBridge(ipc);
    emit(IPC.resume);
    const listener = vi.fn();
    bridge.onResume(listener);
    await flush();
    expect(listener).not.toHaveBeenCalled();
  });

  it('stops calling a listener after it unsubscribes', () => {
    const { ipc, emit } = fakeIpc();
    const listener = vi.fn();
    const unsubscribe = createDesktopBridge(ipc).onNetworkChange(listener);
    emit(IPC.network, false);
    unsubscribe();
    emit(IPC.network, true);
    expect(listener.mock.calls).toEqual([[false]]);
  });

  it.each([
    ['a string id', { userId: '2', conversationId: 5 }],
    ['extra fields', { userId: 2, conversationId: 5, html: '<img onerror=1>' }],
    ['nothing', undefined],
  ])('ignores an open-conversation payload with %s', (_label, payload) => {
    const { ipc, emit } = fakeIpc();
    const listener = vi.fn();
    createDesktopBridge(ipc).onOpenConversation(listener);
    emit(IPC.openConversation, payload);
    expect(listener).not.toHaveBeenCalled();
  });

  it('ignores a network payload that is not a boolean', () => {
    const { ipc, emit } = fakeIpc();
    const listener = vi.fn();
    createDesktopBridge(ipc).onNetworkChange(listener);
    emit(IPC.network, 'offline');
    expect(listener).not.toHaveBeenCalled();
  });
});
