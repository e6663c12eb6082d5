import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createAddressResolver, networkKey, unmapped } from './client-address.ts';

function requestFrom(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: remoteAddress });
  return Object.assign(Object.create(null), {
    socket,
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  });
}

describe('networkKey', () => {
  it('keys IPv4 by address and IPv6 by its /64, in any spelling', () => {
    expect(networkKey('203.0.113.9')).toBe('203.0.113.9');
    expect(networkKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(networkKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(networkKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(networkKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(networkKey('::1')).toBe('0:0:0:0::/64');
  });

  it('unmaps IPv4-mapped IPv6 only', () => {
    expect(unmapped('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(unmapped('::1')).toBe('::1');
  });
});

describe('createAddressResolver', () => {
  it('without trusted proxies the socket address is the client, X-Forwarded-For or not', () => {
    const resolver = createAddressResolver([]);
    expect(resolver.clientOf(requestFrom('198.51.100.1', '10.0.0.1'))).toBe('198.51.100.1');
  });

  it('from a trusted proxy, the rightmost hop that is not one of ours', () => {
    const resolver = createAddressResolver(['10.0.0.0/8', '::1']);
    expect(resolver.clientOf(requestFrom('10.1.1.1', '1.2.3.4, 198.51.100.7'))).toBe(
      '198.51.100.7',
    );
    expect(resolver.clientOf(requestFrom('::1', '198.51.100.7, 10.2.2.2'))).toBe('198.51.100.7');
    expect(resolver.clientOf(requestFrom('::ffff:10.1.1.1', '2001:db8::5'))).toBe('2001:db8::5');
  });

  it('a trusted proxy with no or garbled X-Forwarded-For is taken at its word: itself', () => {
    const resolver = createAddressResolver(['10.0.0.0/8']);
    expect(resolver.clientOf(requestFrom('10.1.1.1'))).toBe('10.1.1.1');
    expect(resolver.clientOf(requestFrom('10.1.1.1', 'not-an-ip'))).toBe('10.1.1.1');
  });

  it('an untrusted peer forwarding for someone is still just the peer', () => {
    const resolver = createAddressResolver(['10.0.0.0/8']);
    expect(resolver.clientOf(requestFrom('198.51.100.1', '10.0.0.2'))).toBe('198.51.100.1');
  });
});
