import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must not reach unless private networks are allowed (`WEBHOOK_ALLOW_PRIVATE_NETWORKS`):
 * loopback, the private and shared ranges, link-local (cloud metadata services live at 169.254.169.254),
 * and the special-purpose blocks. Otherwise a webhook URL would let whoever registers it make the
 * service POST into the library's own network and read the start of the answers in the delivery log.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv6');

/** True for an address on the public internet. (BlockList judges an IPv4-mapped IPv6 address by its IPv4 rules.) */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class WebhookAddressRefused extends Error {}

/** The host of a URL as a bare address or name (`[::1]` → `::1`). */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Refuses, before any connection, a URL whose host is a non-public address written out (no name
 * lookup happens for those) or `localhost`; names are checked as they resolve (`publicOnlyLookup`).
 */
export function assertPublicUrlHost(url: URL): void {
  const host = hostOf(url);
  if (host.toLowerCase() === 'localhost' || host.toLowerCase().endsWith('.localhost')) {
    throw new WebhookAddressRefused(`${host} is this machine, not a partner's public address`);
  }
  if (isIP(host) && !isPublicAddress(host)) throw new WebhookAddressRefused(`${host} is not a public address`);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the webhook connection: resolves the name as usual and refuses it when any address it
 * gives is not public. It runs when the connection is made, so a name that answered a public address
 * when it was registered cannot be turned to an internal one later (DNS rebinding).
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused) {
      return callback(Object.assign(new WebhookAddressRefused(`${hostname} resolves to ${refused.address}, not a public address`), { code: 'EWEBHOOKADDRESS' }), []);
    }
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    return callback(null, first.address, first.family);
  });
}
