import { describe, expect, expectTypeOf, it } from 'vitest';
import { ATTACHMENT_LIMITS } from '../attachments.ts';
import type {
  ConversationTarget,
  PlatformBridge,
  SaveFileResult,
  SignInResult,
  Unsubscribe,
} from './bridge.ts';
import { BRIDGE_TABLE } from './bridge-table.ts';

describe('[§6] the bridge table', () => {
  it('gives every operation a channel of its own', () => {
    const channels = [
      ...Object.values(BRIDGE_TABLE.invoke),
      ...Object.values(BRIDGE_TABLE.events),
    ].map((operation) => operation.channel);
    expect(new Set(channels).size).toBe(channels.length);
    for (const channel of channels) expect(channel).toMatch(/^timenest:[a-z]+(?:-[a-z]+)*$/);
  });

  it('names every operation once across both directions, as the renderer sees one object', () => {
    const names = [...Object.keys(BRIDGE_TABLE.invoke), ...Object.keys(BRIDGE_TABLE.events)];
    expect(new Set(names).size).toBe(names.length);
  });

  it('sorts operations by direction: renderer calls in `invoke`, main’s sends in `events`', () => {
    for (const operation of Object.values(BRIDGE_TABLE.invoke)) {
      expect(['command', 'request']).toContain(operation.kind);
    }
    for (const operation of Object.values(BRIDGE_TABLE.events))
      expect(operation.kind).toBe('event');
  });

  it('lets a file to save be as large as an attachment and no larger', () => {
    const { argument } = BRIDGE_TABLE.invoke.saveFile;
    const at = (size: number) => ({ suggestedName: 'a.bin', bytes: new Uint8Array(size) });
    expect(argument.safeParse(at(ATTACHMENT_LIMITS.maxBytes)).success).toBe(true);
    expect(argument.safeParse(at(ATTACHMENT_LIMITS.maxBytes + 1)).success).toBe(false);
  });

  it.each([
    ['application/pdf', true],
    ['text/plain; charset=utf-8', true],
    ['image/svg+xml', true],
    ['text/plain\r\nContent-Disposition: inline', false],
    ['not a type', false],
    ['', false],
  ])('takes %j as the media type of a file to save: %s', (mimeType, isAccepted) => {
    const request = { suggestedName: 'a.txt', bytes: new Uint8Array(1), mimeType };
    expect(BRIDGE_TABLE.invoke.saveFile.argument.safeParse(request).success).toBe(isAccepted);
  });
});

describe('the renderer’s PlatformBridge, as derived from the table', () => {
  it('does not wait on a command', () => {
    expectTypeOf<PlatformBridge['setBadge']>().parameters.toEqualTypeOf<[argument: number]>();
    expectTypeOf<PlatformBridge['setBadge']>().returns.toEqualTypeOf<void>();
  });

  it('awaits a request and gets main’s answer, typed by its result schema', () => {
    expectTypeOf<PlatformBridge['hasSession']>().returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf<PlatformBridge['saveFile']>().returns.toEqualTypeOf<Promise<SaveFileResult>>();
    // No argument: callable with nothing.
    expectTypeOf<PlatformBridge['appVersion']>().toBeCallableWith();
  });

  it('[§6] never hands the page the session token: no operation answers it', () => {
    expectTypeOf<PlatformBridge['signIn']>().returns.toEqualTypeOf<Promise<SignInResult>>();
    expectTypeOf<SignInResult>().not.toHaveProperty('token');
    expectTypeOf<Extract<SignInResult, { kind: 'signed-in' }>['user']>().not.toHaveProperty(
      'token',
    );
    expectTypeOf<PlatformBridge>().not.toHaveProperty('getToken');
  });

  it('subscribes to an event with a listener of its payload', () => {
    expectTypeOf<PlatformBridge['onOpenConversation']>()
      .parameter(0)
      .toEqualTypeOf<(payload: ConversationTarget) => void>();
    expectTypeOf<PlatformBridge['onResume']>().toBeCallableWith(() => {});
    expectTypeOf<PlatformBridge['onNetworkChange']>().returns.toEqualTypeOf<Unsubscribe>();
  });
});
