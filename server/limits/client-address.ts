// Who is asking: the TCP peer, unless the peer is one of our load balancers, which then
// names the client in X-Forwarded-For. Limits key on the client's network: an IPv4
// address, or an IPv6 /64 (one subscriber's allocation, so rotating addresses inside
// it does not buy new budgets).
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

export interface AddressResolver {
  /** The client's address for this request. */
  clientOf(req: IncomingMessage): string;
  isTrustedProxy(address: string): boolean;
}

/** `::ffff:10.0.0.1` is the IPv4 address 10.0.0.1 on a dual-stack socket. */
export function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match?.[1] ?? address;
}

export function createAddressResolver(trustedProxies: readonly string[]): AddressResolver {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address = '', bits] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) trusted.addAddress(address, type);
    else trusted.addSubnet(address, Number(bits), type);
  }
  const isTrustedProxy = (address: string) => {
    const plain = unmapped(address);
    const family = isIP(plain);
    return family !== 0 && trusted.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
  return {
    isTrustedProxy,
    clientOf(req) {
      const peer = unmapped(req.socket.remoteAddress ?? 'unknown');
      if (trustedProxies.length === 0 || !isTrustedProxy(peer)) return peer;
      const header = req.headers['x-forwarded-for'];
      const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
        .split(',')
        .map((hop) => unmapped(hop.trim()));
      // The rightmost hop our own proxies did not add is the one nobody could forge.
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = hops[i] ?? '';
        if (isIP(hop) === 0) return peer;
        if (!isTrustedProxy(hop)) return hop;
      }
      return peer;
    },
  };
}

/** The budget an address spends from: IPv4 as is, IPv6 by its /64. */
export function networkKey(address: string): string {
  const plain = unmapped(address);
  if (isIP(plain) !== 6) return plain;
  const [head = '', tail = ''] = plain.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = plain.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const prefix = groups.slice(0, 4).map((g) => (Number.parseInt(g, 16) || 0).toString(16));
  return `${prefix.join(':')}::/64`;
}
