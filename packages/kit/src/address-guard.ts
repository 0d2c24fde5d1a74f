import { type LookupAddress, lookup as dnsLookup } from 'node:dns';
import { BlockList, type LookupFunction, isIP } from 'node:net';

/**
 * The SSRF guard of Http steps and alert webhooks: addresses they may not reach unless an allow list
 * (BATON_HTTP_ALLOW, SCHEDULER_ALERT_ALLOW) says so —
 * loopback, private, link-local, carrier-grade NAT, "this network", multicast and reserved ranges,
 * in IPv4 and IPv6 (IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry). The check
 * runs on the address a host name resolved to, at connect time, for every request and redirect.
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3], // multicast and reserved, up to 255.255.255.255
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 can reach any IPv4 address
  ['2002::', 16], // 6to4 embeds an IPv4 address
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv6');

/** Hosts and networks let through although private (BATON_HTTP_ALLOW, SCHEDULER_ALERT_ALLOW). */
export interface HttpAllowList {
  hosts: ReadonlySet<string>;
  nets: BlockList;
  /** As configured, for messages. */
  text: string;
  /** What may reach such an address, and the setting that lets it, for messages. */
  who?: string;
  setting?: string;
}

export const NOTHING_ALLOWED: HttpAllowList = { hosts: new Set(), nets: new BlockList(), text: '' };

/**
 * Parses BATON_HTTP_ALLOW: comma-separated host names, addresses or CIDRs (`127.0.0.1`,
 * `10.0.0.0/8`, `::1`, `db.internal`). Returns the problem as a string when an entry is bad.
 */
export function parseAllowList(
  text: string,
  names: { who: string; setting: string } = { who: 'Http steps', setting: 'BATON_HTTP_ALLOW' },
): HttpAllowList | string {
  const hosts = new Set<string>();
  const nets = new BlockList();
  for (const raw of text.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    const slash = entry.indexOf('/');
    if (slash >= 0) {
      const addr = entry.slice(0, slash);
      const prefix = Number(entry.slice(slash + 1));
      const family = isIP(addr);
      const max = family === 4 ? 32 : 128;
      if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max)
        return `'${entry}' is not a valid CIDR`;
      nets.addSubnet(addr, prefix, family === 4 ? 'ipv4' : 'ipv6');
    } else if (isIP(entry)) {
      nets.addAddress(entry, isIP(entry) === 4 ? 'ipv4' : 'ipv6');
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) {
      hosts.add(entry);
    } else {
      return `'${entry}' is neither a host name, an IP address nor a CIDR`;
    }
  }
  return { hosts, nets, text, ...names };
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) carries, else the address itself. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m) return { address: m[1]!, family: 'ipv4' };
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const hi = Number.parseInt(hex[1]!, 16);
    const lo = Number.parseInt(hex[2]!, 16);
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
  }
  return { address, family: isIP(address) === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * Why `host` (as written in the URL) at `address` (what it resolved to) may not be reached, or
 * undefined when it may.
 */
export function refusal(host: string, address: string, allow: HttpAllowList): string | undefined {
  const a = unmapped(address);
  if (isIP(a.address) === 0) return `'${address}' is not an IP address`;
  if (!BLOCKED.check(a.address, a.family)) return undefined;
  if (allow.hosts.has(host.toLowerCase())) return undefined;
  if (
    allow.nets.check(a.address, a.family) ||
    allow.nets.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6')
  )
    return undefined;
  return (
    `${host} resolves to ${address}, a private, loopback or link-local address; ` +
    `${allow.who ?? 'Http steps'} may reach it only when ${allow.setting ?? 'BATON_HTTP_ALLOW'} lists it`
  );
}

/**
 * Why the address written in `url` may not be reached, or undefined when it may (or the URL names a
 * host). Node never calls `lookup` for an address, so guardedLookup alone would let it through.
 */
export function urlAddressRefusal(url: URL, allow: HttpAllowList): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? refusal(host, host, allow) : undefined;
}

/** Resolves like dns.lookup, then refuses addresses the guard forbids: the connection goes to the checked address. */
export function guardedLookup(allow: HttpAllowList): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const ok = addresses.filter((a) => refusal(hostname, a.address, allow) === undefined);
      if (ok.length === 0) {
        const why = refusal(hostname, addresses[0]?.address ?? '', allow) ?? `${hostname} has no address`;
        return callback(Object.assign(new Error(why), { code: 'BATON_SSRF' }), '', 0);
      }
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, ok);
      else callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
}
