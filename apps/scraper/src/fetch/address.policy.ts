import { BlockList, isIP } from 'node:net';

/**
 * Which IP addresses the scraper may connect to. Anything that is not plainly a public unicast
 * address is refused: a page, a feed or a redirect must not make us reach the pod network, the
 * cloud metadata service or a service on this machine (SSRF).
 */
const RANGES: Array<[string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', '"this network" (0.0.0.0/8)'],
  ['10.0.0.0', 8, 'ipv4', 'private (10/8)'],
  ['100.64.0.0', 10, 'ipv4', 'carrier-grade NAT (100.64/10)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback (127/8)'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (169.254/16, cloud metadata)'],
  ['172.16.0.0', 12, 'ipv4', 'private (172.16/12)'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments (192.0.0/24)'],
  ['192.0.2.0', 24, 'ipv4', 'documentation (192.0.2/24)'],
  ['192.88.99.0', 24, 'ipv4', '6to4 relay anycast (192.88.99/24)'],
  ['192.168.0.0', 16, 'ipv4', 'private (192.168/16)'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking (198.18/15)'],
  ['198.51.100.0', 24, 'ipv4', 'documentation (198.51.100/24)'],
  ['203.0.113.0', 24, 'ipv4', 'documentation (203.0.113/24)'],
  ['224.0.0.0', 4, 'ipv4', 'multicast (224/4)'],
  ['240.0.0.0', 4, 'ipv4', 'reserved or broadcast (240/4)'],
  ['::', 128, 'ipv6', 'unspecified (::)'],
  ['::1', 128, 'ipv6', 'loopback (::1)'],
  ['100::', 64, 'ipv6', 'discard (100::/64)'],
  ['2001::', 32, 'ipv6', 'Teredo (2001::/32)'],
  ['2001:db8::', 32, 'ipv6', 'documentation (2001:db8::/32)'],
  ['fc00::', 7, 'ipv6', 'unique local (fc00::/7)'],
  ['fe80::', 10, 'ipv6', 'link-local (fe80::/10)'],
  ['fec0::', 10, 'ipv6', 'site-local (fec0::/10)'],
  ['ff00::', 8, 'ipv6', 'multicast (ff00::/8)'],
];

const blocked = RANGES.map(([network, prefix, type, label]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, type);
  return { list, type, label };
});

/**
 * Why an address must not be reached, or null when it is public. IPv6 forms that carry an IPv4
 * address (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16, IPv4-compatible ::a.b.c.d)
 * are judged by that IPv4 address.
 */
export function blockedReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return `"${address.slice(0, 64)}" is not an IP address`;
  if (family === 6) {
    const embedded = embeddedIpv4(bare);
    if (embedded !== null) {
      const inner = blockedReason(embedded);
      return inner === null ? null : `${inner}, embedded in the IPv6 address ${bare}`;
    }
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const range of blocked) {
    if (range.type === type && range.list.check(bare, type)) return range.label;
  }
  return null;
}

/** The IPv4 address an IPv6 address stands for, if it is one of the forms that embed one. */
function embeddedIpv4(address: string): string | null {
  const groups = expandIpv6(address);
  if (!groups) return null;
  const zero = (from: number, to: number): boolean => groups.slice(from, to).every((g) => g === 0);
  const v4 = (hi: number, lo: number): string => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (the deprecated compatible form, but not :: and ::1)
  if (zero(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!);
  if (zero(0, 6) && (groups[6] !== 0 || groups[7]! > 1)) return v4(groups[6]!, groups[7]!);
  // NAT64 well-known prefix 64:ff9b::/96
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6]!, groups[7]!);
  // 6to4 2002:AABB:CCDD::/48
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  return null;
}

function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, -dotted[1]!.length)}${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 && missing !== 0) return null;
  const groups = [...head, ...Array<string>(Math.max(0, missing)).fill('0'), ...tail].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** The host part of a URL without IPv6 brackets, lower-cased. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}
