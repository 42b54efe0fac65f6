// Which IP addresses a workflow may not reach when private networks are refused: everything
// that is not the public internet — this machine, the LAN, the cloud's metadata service.
// Pure: text in, verdict out, so the table below is the whole policy and is unit-tested.
import { isIPv4, isIPv6 } from 'node:net';

type Range = [first: bigint, bits: number, why: string];

const v4 = (text: string): bigint => text.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);

const IPV4: Range[] = [
  [v4('0.0.0.0'), 8, 'unspecified'],
  [v4('10.0.0.0'), 8, 'private'],
  [v4('100.64.0.0'), 10, 'carrier-grade NAT'],
  [v4('127.0.0.0'), 8, 'loopback'],
  [v4('169.254.0.0'), 16, 'link-local (cloud metadata)'],
  [v4('172.16.0.0'), 12, 'private'],
  [v4('192.0.0.0'), 24, 'IETF protocol assignments'],
  [v4('192.168.0.0'), 16, 'private'],
  [v4('198.18.0.0'), 15, 'benchmarking'],
  [v4('224.0.0.0'), 4, 'multicast'],
  [v4('240.0.0.0'), 4, 'reserved'],
];

const IPV6: Range[] = [
  [0n, 128, 'unspecified'],
  [1n, 128, 'loopback'],
  [0xfc00n << 112n, 7, 'unique local (private)'],
  [0xfe80n << 112n, 10, 'link-local'],
  [0xfec0n << 112n, 10, 'site-local'],
  [0xff00n << 112n, 8, 'multicast'],
];

// IPv6 forms that carry an IPv4 address, which is what the packet really reaches: a mapped
// ::ffff:127.0.0.1 is loopback, and so is NAT64's 64:ff9b::7f00:1 on a network that has it.
const EMBEDS_IPV4: [first: bigint, bits: number][] = [
  [0xffffn << 32n, 96], // ::ffff:0:0/96, IPv4-mapped
  [0n, 96], // ::/96, the deprecated IPv4-compatible form
  [0x64ff9bn << 96n, 96], // 64:ff9b::/96, NAT64
];

const inRange = (n: bigint, width: number, first: bigint, bits: number) => n >> BigInt(width - bits) === first >> BigInt(width - bits);

function parseIPv6(text: string): bigint {
  let s = text;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const n = v4(dotted[1]!);
    s = s.slice(0, -dotted[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') as [string, string] : [s, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/**
 * Why `address` (an IP literal, IPv6 without brackets, zone ids allowed) is not a public
 * internet address, or undefined when it is. Text that is not an IP address is refused too.
 */
export function privateAddressReason(address: string): string | undefined {
  const ip = address.replace(/%.*$/, '');
  if (isIPv4(ip)) return IPV4.find(([first, bits]) => inRange(v4(ip), 32, first, bits))?.[2];
  if (!isIPv6(ip)) return 'not an IP address';
  const n = parseIPv6(ip);
  const embedded = EMBEDS_IPV4.find(([first, bits]) => inRange(n, 128, first, bits));
  // :: and ::1 sit inside ::/96 but are IPv6's own unspecified and loopback addresses.
  if (embedded && n > 1n) {
    const inner = privateAddressReason([24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.'));
    return inner && `${inner} (IPv4 inside IPv6)`;
  }
  return IPV6.find(([first, bits]) => inRange(n, 128, first, bits))?.[2];
}
