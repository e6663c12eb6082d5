import { describe, expect, it } from 'vitest';
import {
  attachSessionHeader,
  headersWithSession,
  isServerRequest,
  type OutgoingRequest,
  sessionHeaderFilter,
  type WebRequestLike,
} from './session-header.ts';

const SERVER = 'http://127.0.0.1:8787';
const TOKEN = 'the-session-token';

const request = (url: string, overrides: Partial<OutgoingRequest> = {}): OutgoingRequest => ({
  url,
  method: 'GET',
  requestHeaders: { Accept: '*/*' },
  ...overrides,
});

describe('[§6] the session token is added to requests to the configured server only', () => {
  it.each([
    `${SERVER}/trpc/sync.pull`,
    `${SERVER}/api/v1/uploads/abc`,
    `${SERVER}/api/v1/attachments/9?x=1`,
    'ws://127.0.0.1:8787/trpc',
    'ws://127.0.0.1:8787/yjs/conversation-5',
  ])('adds it to %s', (url) => {
    expect(headersWithSession(request(url), SERVER, TOKEN)).toEqual({
      Accept: '*/*',
      Authorization: `Bearer ${TOKEN}`,
    });
  });

  it.each([
    ['another port', 'http://127.0.0.1:8788/trpc/sync.pull'],
    ['another scheme', 'https://127.0.0.1:8787/trpc/sync.pull'],
    ['a secure socket to a plain server', 'wss://127.0.0.1:8787/trpc'],
    ['a look-alike host', 'http://127.0.0.1.evil.example:8787/trpc'],
    ['credentials before another host', 'http://127.0.0.1:8787@evil.example/trpc'],
    ['the same host on the default port', 'http://127.0.0.1/trpc'],
    ['localhost for 127.0.0.1', 'http://localhost:8787/trpc'],
    ['the app’s own pages', 'app://timenest/index.html'],
    ['a link the user opened', 'https://example.com/'],
    ['a data URL', 'data:text/plain,hi'],
    ['something that is not a URL', 'not a url'],
  ])('never adds it to %s', (_what, url) => {
    expect(headersWithSession(request(url), SERVER, TOKEN)).toEqual({ Accept: '*/*' });
  });

  it('adds nothing while signed out', () => {
    expect(headersWithSession(request(`${SERVER}/trpc/x`), SERVER, null)).toEqual({
      Accept: '*/*',
    });
  });

  it('adds nothing to a CORS preflight, which carries no credentials', () => {
    const preflight = request(`${SERVER}/trpc/sync.push`, { method: 'OPTIONS' });
    expect(headersWithSession(preflight, SERVER, TOKEN)).toEqual({ Accept: '*/*' });
  });

  it('replaces an Authorization header the page set, whatever its case', () => {
    const planted = request(`${SERVER}/trpc/x`, {
      requestHeaders: { authorization: 'Bearer planted', AUTHORIZATION: 'Basic x' },
    });
    expect(headersWithSession(planted, SERVER, TOKEN)).toEqual({
      Authorization: `Bearer ${TOKEN}`,
    });
  });

  it('leaves the page’s header alone on requests that are not the server’s', () => {
    const elsewhere = request('https://example.com/', {
      requestHeaders: { Authorization: 'Bearer theirs' },
    });
    expect(headersWithSession(elsewhere, SERVER, TOKEN)).toEqual({
      Authorization: 'Bearer theirs',
    });
  });

  it('matches an https server over https and wss, on the default port too', () => {
    const server = 'https://chat.example';
    expect(isServerRequest('https://chat.example/trpc', server)).toBe(true);
    expect(isServerRequest('https://chat.example:443/trpc', server)).toBe(true);
    expect(isServerRequest('wss://chat.example/yjs/conversation-1', server)).toBe(true);
    expect(isServerRequest('ws://chat.example/yjs/conversation-1', server)).toBe(false);
    expect(isServerRequest('http://chat.example/trpc', server)).toBe(false);
    expect(isServerRequest('https://chat.example.evil.example/trpc', server)).toBe(false);
  });

  it('asks Electron only about the server’s host, over http(s) and ws(s)', () => {
    expect(sessionHeaderFilter(SERVER)).toEqual({
      urls: ['http://127.0.0.1/*', 'ws://127.0.0.1/*'],
    });
    expect(sessionHeaderFilter('https://chat.example:8443/base')).toEqual({
      urls: ['https://chat.example/*', 'wss://chat.example/*'],
    });
  });
});

describe('attachSessionHeader', () => {
  function wire(currentToken: () => Promise<string | null>) {
    let listener: Parameters<WebRequestLike['onBeforeSendHeaders']>[1] | null = null;
    const filters: Array<{ urls: string[] }> = [];
    const webRequest: WebRequestLike = {
      onBeforeSendHeaders(filter, registered) {
        filters.push(filter);
        listener = registered;
      },
    };
    const logs: string[] = [];
    attachSessionHeader(webRequest, {
      serverUrl: SERVER,
      currentToken,
      log: (m) => logs.push(m),
    });
    const send = (details: OutgoingRequest) =>
      new Promise<Record<string, string>>((resolve) =>
        listener?.(details, (response) => resolve(response.requestHeaders)),
      );
    return { filters, send, logs };
  }

  it('registers one listener for the server’s filter', () => {
    expect(wire(async () => TOKEN).filters).toEqual([sessionHeaderFilter(SERVER)]);
  });

  it('adds the token the store holds at the moment of the request', async () => {
    let token: string | null = null;
    const { send } = wire(async () => token);
    expect(await send(request(`${SERVER}/trpc/x`))).toEqual({ Accept: '*/*' });
    token = TOKEN;
    expect(await send(request('ws://127.0.0.1:8787/trpc'))).toMatchObject({
      Authorization: `Bearer ${TOKEN}`,
    });
  });

  it('lets the request go without the token when the store cannot be read', async () => {
    const { send, logs } = wire(() => Promise.reject(new Error('keyring locked')));
    expect(await send(request(`${SERVER}/trpc/x`))).toEqual({ Accept: '*/*' });
    expect(logs.join()).toMatch(/keyring locked/);
  });
});
