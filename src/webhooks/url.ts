import dns from 'node:dns';
import ipaddr from 'ipaddr.js';

/** Why 2048: the longest URL every browser and proxy handles; webhook URLs are far shorter. */
export const WEBHOOK_URL_LENGTH_MAX = 2048;
/** Why 5 s: registration waits on this lookup; a resolver that slow is failing anyway. */
const LOOKUP_TIMEOUT_MS = 5_000;

export interface ResolvedAddress {
  address: string;
  family: number;
}
/** Resolve a host name to every address it has; injectable so tests can play a hostile DNS. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

export interface AddressPolicy {
  /** TESSERA_WEBHOOKS_ALLOW_PRIVATE: this host and the local network too, for development and tests. */
  allowPrivate: boolean;
}

/** The ipaddr.js ranges that allowPrivate opens: this host and the local network, nothing else. */
const PRIVATE_RANGES: ReadonlySet<string> = new Set(['loopback', 'private', 'uniqueLocal', 'carrierGradeNat']);

/**
 * Whether Tessera may connect to `ip`: ordinary public unicast, and with
 * allowPrivate also loopback and private ranges. Never link-local
 * (169.254.169.254 and fe80::/10: the cloud metadata service), unspecified,
 * multicast, broadcast or reserved, whatever the policy. An IPv4-mapped
 * address is judged as the IPv4 address it carries.
 *
 * IPv6 forms that embed an IPv4 address: NAT64 (64:ff9b::/96, what DNS64 hands
 * out on IPv6-only networks) and 6to4 (2002::/16) are judged by the embedded
 * address, which must be public: what a translator or relay does with a
 * private one is not ours to guess. IPv4-compatible addresses (::/96,
 * deprecated, and ipaddr.js calls them unicast), IPv4-translated
 * (::ffff:0:0/96), Teredo and local-use NAT64 (64:ff9b:1::/48) are refused.
 */
export function isAllowedAddress(ip: string, policy: AddressPolicy): boolean {
  const spelled = hexTail(ip);
  if (!ipaddr.isValid(spelled)) return false;
  const address = ipaddr.process(spelled);
  const range = address.range();
  if (range === 'unicast') return !(address instanceof ipaddr.IPv6 && isIpv4Compatible(address));
  if (PRIVATE_RANGES.has(range)) return policy.allowPrivate;
  const embedded = address instanceof ipaddr.IPv6 ? embeddedIpv4(address, range) : null;
  return embedded !== null && isAllowedAddress(embedded, { allowPrivate: false });
}

export const isPublicAddress = (ip: string): boolean => isAllowedAddress(ip, { allowPrivate: false });

/**
 * ipaddr.js reads any IPv6 address with a dotted tail as IPv4-mapped (it takes
 * `::8.8.8.8`, which is IPv4-compatible, for ::ffff:8.8.8.8): spell the tail in hex first.
 */
function hexTail(ip: string): string {
  const m = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(%.*)?$/.exec(ip);
  if (!m) return ip;
  const [a, b, c, d] = m.slice(2, 6).map(Number) as [number, number, number, number];
  if (Math.max(a, b, c, d) > 255) return ip;
  return `${m[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}${m[6] ?? ''}`;
}

/** ::/96 (the first 96 bits zero); `::` and `::1` have their own ranges and never get here. */
const isIpv4Compatible = (address: ipaddr.IPv6) => address.parts.slice(0, 6).every((part) => part === 0);

function embeddedIpv4(address: ipaddr.IPv6, range: string): string | null {
  const p = address.parts;
  const dotted = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  // Only the well-known prefix: a local-use NAT64 prefix may place the IPv4 address elsewhere.
  const wellKnownNat64 = p[0] === 0x64 && p[1] === 0xff9b && p.slice(2, 6).every((part) => part === 0);
  if (range === 'rfc6052' && wellKnownNat64) return dotted(p[6]!, p[7]!);
  if (range === '6to4') return dotted(p[1]!, p[2]!);
  return null;
}

function refusal(policy: AddressPolicy, verb: 'points' | 'resolves'): string {
  return policy.allowPrivate
    ? `${verb} to a link-local, unspecified, multicast or reserved address (refused even with TESSERA_WEBHOOKS_ALLOW_PRIVATE)`
    : `${verb} to a private, loopback or link-local address`;
}

/** On success, `url` is the parsed URL: store and send `url.href`, never the string as typed. */
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Where Tessera may send webhooks: HTTPS to a host whose every address is
 * public (with allowPrivate: HTTP too, and loopback and private addresses, but
 * still never link-local). Checked at registration and again before each send
 * (DNS answers change); the send also pins the connection to checked addresses.
 */
export async function checkWebhookUrl(raw: string, options: { allowPrivate: boolean; resolve?: Resolver }): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a valid absolute URL' };
  }
  // The normalised form is what is stored and sent, and may be longer than the typed one (percent-encoding).
  if (Math.max(raw.length, url.href.length) > WEBHOOK_URL_LENGTH_MAX) {
    return { ok: false, reason: `must be at most ${WEBHOOK_URL_LENGTH_MAX} characters` };
  }
  const schemes = options.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return { ok: false, reason: 'must use https://' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'must not contain credentials' };
  if (url.hash !== '') return { ok: false, reason: 'must not contain a fragment' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) {
    return isAllowedAddress(host, options) ? { ok: true, url } : { ok: false, reason: refusal(options, 'points') };
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await withTimeout((options.resolve ?? systemResolver)(host), LOOKUP_TIMEOUT_MS);
  } catch {
    return { ok: false, reason: 'has a host name that does not resolve' };
  }
  if (addresses.length === 0) return { ok: false, reason: 'has a host name that does not resolve' };
  if (!addresses.every((a) => isAllowedAddress(a.address, options))) return { ok: false, reason: refusal(options, 'resolves') };
  return { ok: true, url };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('DNS lookup timed out')), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses answers the policy does not allow,
 * so the connection goes to an address that was checked: a DNS answer that
 * changes between the check and the connect (rebinding) cannot reach the inside.
 */
export function checkedLookup(policy: AddressPolicy, resolve: Resolver = systemResolver) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    resolve(hostname).then((all) => {
      const wanted = all.filter((a) => !options.family || a.family === options.family);
      if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '');
      if (!wanted.every((a) => isAllowedAddress(a.address, policy))) {
        return callback(Object.assign(new Error(`blocked: the host ${refusal(policy, 'resolves')}`), { code: 'EBLOCKED' }), '');
      }
      if (options.all) return callback(null, wanted);
      callback(null, wanted[0]!.address, wanted[0]!.family);
    }, (err: NodeJS.ErrnoException) => callback(err, ''));
  };
}
