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

/**
 * Only ordinary public unicast addresses: loopback, private, link-local
 * (169.254.169.254 is the cloud metadata service), CGNAT, multicast,
 * reserved, and IPv6 tunnels that can embed any of those are refused.
 * An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
 */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  return ipaddr.process(ip).range() === 'unicast';
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Where Tessera may send webhooks: HTTPS to a host whose every address is
 * public. Checked at registration and again before each send (DNS answers
 * change); the send also pins the connection to checked addresses.
 */
export async function checkWebhookUrl(raw: string, options: { allowPrivate: boolean; resolve?: Resolver }): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a valid absolute URL' };
  }
  if (raw.length > WEBHOOK_URL_LENGTH_MAX) return { ok: false, reason: `must be at most ${WEBHOOK_URL_LENGTH_MAX} characters` };
  const schemes = options.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return { ok: false, reason: 'must use https://' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'must not contain credentials' };
  if (url.hash !== '') return { ok: false, reason: 'must not contain a fragment' };
  if (options.allowPrivate) return { ok: true, url };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) {
    return isPublicAddress(host) ? { ok: true, url } : { ok: false, reason: 'points to a private, loopback or link-local address' };
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await withTimeout((options.resolve ?? systemResolver)(host), LOOKUP_TIMEOUT_MS);
  } catch {
    return { ok: false, reason: 'has a host name that does not resolve' };
  }
  if (addresses.length === 0) return { ok: false, reason: 'has a host name that does not resolve' };
  if (!addresses.every((a) => isPublicAddress(a.address))) {
    return { ok: false, reason: 'resolves to a private, loopback or link-local address' };
  }
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
 * A `lookup` for http.request that refuses non-public answers, so the
 * connection goes to an address that was checked: a DNS answer that changes
 * between the check and the connect (rebinding) cannot reach the inside.
 */
export function publicOnlyLookup(resolve: Resolver = systemResolver) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    resolve(hostname).then((all) => {
      const wanted = all.filter((a) => !options.family || a.family === options.family);
      if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '');
      if (!wanted.every((a) => isPublicAddress(a.address))) {
        return callback(Object.assign(new Error('blocked: the host resolves to a private, loopback or link-local address'), { code: 'EBLOCKED' }), '');
      }
      if (options.all) return callback(null, wanted);
      callback(null, wanted[0]!.address, wanted[0]!.family);
    }, (err: NodeJS.ErrnoException) => callback(err, ''));
  };
}
