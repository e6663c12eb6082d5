import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { APP_ORIGIN } from './app-origin.ts';
import {
  createIpcRouter,
  type InvokeEvent,
  type IpcMainLike,
  IpcRejectedError,
  type IpcRejection,
  isTrustedSender,
  type SenderFrame,
} from './ipc.ts';

const mainFrame = (url: string): SenderFrame => ({ url, parent: null });
const subFrame = (url: string): SenderFrame => ({ url, parent: mainFrame('app://timenest/') });
const from = (frame: SenderFrame | null): InvokeEvent => ({ senderFrame: frame });

describe('isTrustedSender', () => {
  it('trusts the main frame of an app page', () => {
    expect(isTrustedSender(from(mainFrame('app://timenest/index.html')), APP_ORIGIN)).toBe(true);
  });

  it('trusts the development server page when that is the app origin', () => {
    const event = from(mainFrame('http://localhost:5173/'));
    expect(isTrustedSender(event, 'http://localhost:5173')).toBe(true);
  });

  it('rejects a sender whose frame is gone', () => {
    expect(isTrustedSender(from(null), APP_ORIGIN)).toBe(false);
  });

  it('rejects a subframe even on the app origin', () => {
    expect(isTrustedSender(from(subFrame('app://timenest/embed.html')), APP_ORIGIN)).toBe(false);
  });

  it.each([
    ['a look-alike app host', 'app://timenest.evil/index.html'],
    ['a web page', 'https://evil.example/'],
    ['a file page', 'file:///tmp/evil.html'],
    ['a data page', 'data:text/html,<script>1</script>'],
    ['about:blank', 'about:blank'],
    ['an empty URL', ''],
  ])('rejects the main frame of %s', (_label, url) => {
    expect(isTrustedSender(from(mainFrame(url)), APP_ORIGIN)).toBe(false);
  });

  it('rejects a look-alike development host', () => {
    const event = from(mainFrame('http://localhost.evil.example:5173/'));
    expect(isTrustedSender(event, 'http://localhost:5173')).toBe(false);
  });
});

type Listener = (event: InvokeEvent, ...args: unknown[]) => unknown;

function routerWithFakeIpc() {
  const listeners = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      listeners.set(channel, listener);
    },
  };
  const rejections: Array<[string, IpcRejection]> = [];
  const router = createIpcRouter({
    ipcMain,
    appOrigin: () => APP_ORIGIN,
    onRejected: (channel, reason) => rejections.push([channel, reason]),
  });
  const invoke = async (channel: string, event: InvokeEvent, ...args: unknown[]) => {
    const listener = listeners.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener(event, ...args);
  };
  return { router, invoke, rejections };
}

const trusted = from(mainFrame('app://timenest/index.html'));

describe('createIpcRouter', () => {
  it('passes the parsed argument of a trusted call to the handler', async () => {
    const { router, invoke } = routerWithFakeIpc();
    router.handle('double', z.number().int(), (n) => n * 2);
    await expect(invoke('double', trusted, 21)).resolves.toBe(42);
  });

  it('rejects a foreign sender before its argument is even looked at', async () => {
    const { router, invoke, rejections } = routerWithFakeIpc();
    const handler = vi.fn();
    router.handle('double', z.number(), handler);
    await expect(invoke('double', from(mainFrame('https://evil.example/')), 1)).rejects.toThrow(
      IpcRejectedError,
    );
    expect(handler).not.toHaveBeenCalled();
    expect(rejections).toEqual([['double', 'untrusted-sender']]);
  });

  it('rejects a call from an iframe', async () => {
    const { router, invoke } = routerWithFakeIpc();
    router.handle('double', z.number(), (n) => n);
    await expect(invoke('double', from(subFrame('app://timenest/x')), 1)).rejects.toThrow(
      'untrusted-sender',
    );
  });

  it.each([
    ['a string for a number', '21'],
    ['an object for a number', { valueOf: 21 }],
    ['nothing', undefined],
    ['NaN', Number.NaN],
  ])('rejects %s', async (_label, arg) => {
    const { router, invoke, rejections } = routerWithFakeIpc();
    const handler = vi.fn();
    router.handle('double', z.number().int(), handler);
    await expect(invoke('double', trusted, arg)).rejects.toThrow('invalid-arguments');
    expect(handler).not.toHaveBeenCalled();
    expect(rejections).toEqual([['double', 'invalid-arguments']]);
  });

  it('rejects a call with more arguments than the channel takes', async () => {
    const { router, invoke } = routerWithFakeIpc();
    const handler = vi.fn();
    router.handle('double', z.number(), handler);
    await expect(invoke('double', trusted, 1, 2)).rejects.toThrow('invalid-arguments');
    expect(handler).not.toHaveBeenCalled();
  });

  it('rejects unknown keys smuggled into a strict object', async () => {
    const { router, invoke } = routerWithFakeIpc();
    const handler = vi.fn();
    router.handle('greet', z.strictObject({ name: z.string() }), handler);
    await expect(invoke('greet', trusted, { name: 'a', __proto__x: 1 })).rejects.toThrow(
      'invalid-arguments',
    );
    expect(handler).not.toHaveBeenCalled();
  });

  it('does not reveal validation details to the renderer', async () => {
    const { router, invoke } = routerWithFakeIpc();
    router.handle('secret', z.literal('expected-secret-value'), () => 'ok');
    await expect(invoke('secret', trusted, 'guess')).rejects.not.toThrow('expected-secret-value');
  });
});
