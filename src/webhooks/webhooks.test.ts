import dns from 'node:dns';
import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, checkedLookup, isAllowedAddress, isPublicAddress, type Resolver } from './url.ts';
import { SendError, httpTransport } from './transport.ts';
import { ATTEMPTS_MAX, RETRY_SCHEDULE_MS, nextDelayMs, retryAfterMs } from './schedule.ts';

const resolver = (...addresses: string[]): Resolver => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('webhook URL checks', () => {
  it.each([
    ['8.8.8.8', true], ['93.184.215.14', true], ['2606:4700::1111', true],
    ['127.0.0.1', false], ['10.1.2.3', false], ['172.31.255.255', false], ['192.168.0.1', false], ['169.254.169.254', false],
    ['100.64.0.1', false], ['0.0.0.0', false], ['224.0.0.1', false], ['255.255.255.255', false], ['::1', false], ['::', false],
    ['fe80::1', false], ['fc00::1', false], ['::ffff:127.0.0.1', false], ['::ffff:8.8.8.8', true], ['2002:7f00:1::', false],
    ['64:ff9b::a00:1', false], ['not an ip', false],
  ])('%s is public: %s', (ip, expected) => {
    expect(isPublicAddress(ip)).toBe(expected);
  });

  // [address, allowed by default, allowed with TESSERA_WEBHOOKS_ALLOW_PRIVATE]
  it.each([
    ['8.8.8.8', true, true], ['2606:4700::1111', true, true], ['::ffff:8.8.8.8', true, true],
    ['127.0.0.1', false, true], ['10.1.2.3', false, true], ['192.168.0.1', false, true], ['100.64.0.1', false, true],
    ['::1', false, true], ['fc00::1', false, true], ['::ffff:127.0.0.1', false, true],
    // Link-local (cloud metadata), unspecified, multicast, broadcast, reserved: never, whatever the policy.
    ['169.254.169.254', false, false], ['169.254.0.1', false, false], ['fe80::1', false, false], ['fe80::1%eth0', false, false],
    ['::ffff:169.254.169.254', false, false], ['0.0.0.0', false, false], ['::', false, false], ['224.0.0.1', false, false],
    ['ff02::1', false, false], ['255.255.255.255', false, false], ['192.0.2.1', false, false], ['2001:db8::1', false, false],
    ['fec0::1', false, false],
    // IPv4-compatible (::/96): ipaddr.js says unicast; refused even when the embedded address is public.
    ['::7f00:1', false, false], ['::a9fe:a9fe', false, false], ['::808:808', false, false], ['::8.8.8.8', false, false],
    ['::127.0.0.1', false, false], ['::ffff:127.0.0.1%eth0', false, true], ['::1.2.3.4%eth0', false, false],
    // NAT64 (well-known prefix) and 6to4: judged by the embedded IPv4 address, which must be public.
    ['64:ff9b::808:808', true, true], ['64:ff9b::7f00:1', false, false], ['64:ff9b::a9fe:a9fe', false, false],
    ['64:ff9b::a00:1', false, false], ['64:ff9b:1::808:808', false, false],
    ['2002:808:808::1', true, true], ['2002:7f00:1::', false, false], ['2002:a9fe:a9fe::', false, false], ['2002:a00:1::', false, false],
    // Teredo and IPv4-translated: refused.
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', false, false], ['::ffff:0:808:808', false, false], ['::ffff:0:7f00:1', false, false],
    ['not an ip', false, false],
  ])('%s: public %s, with allowPrivate %s', (ip, publicOnly, withPrivate) => {
    expect(isAllowedAddress(ip, { allowPrivate: false })).toBe(publicOnly);
    expect(isAllowedAddress(ip, { allowPrivate: true })).toBe(withPrivate);
  });

  it.each([
    ['https://[::7f00:1]/x', false], ['https://[::ffff:7f00:1]/x', false], ['https://[64:ff9b::7f00:1]/x', false],
    ['https://[2002:7f00:1::]/x', false], ['https://[::a9fe:a9fe]/x', false], ['https://[64:ff9b::808:808]/x', true],
  ])('judges an IPv6 literal URL %s: ok %s', async (url, ok) => {
    expect(await checkWebhookUrl(url, { allowPrivate: false })).toMatchObject({ ok });
  });

  it('keeps link-local, unspecified and multicast out with the development setting, at registration', async () => {
    const allowPrivate = true;
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]:9/', 'http://0.0.0.0:9/', 'http://[::]:9/', 'http://224.0.0.1:9/', 'https://[::7f00:1]/']) {
      expect(await checkWebhookUrl(url, { allowPrivate }), url).toMatchObject({ ok: false, reason: expect.stringMatching(/link-local/) });
    }
    expect(await checkWebhookUrl('https://meta.example.com/x', { allowPrivate, resolve: resolver('169.254.169.254') })).toMatchObject({ ok: false });
    expect(await checkWebhookUrl('https://meta.example.com/x', { allowPrivate, resolve: resolver('127.0.0.1', 'fe80::1') })).toMatchObject({ ok: false });
    expect(await checkWebhookUrl('https://dev.example.com/x', { allowPrivate, resolve: resolver('127.0.0.1', '::1') })).toMatchObject({ ok: true });
    expect(await checkWebhookUrl('http://[::1]:9/x', { allowPrivate })).toMatchObject({ ok: true });
  });

  it('answers the URL as parsed, which is what is stored and sent', async () => {
    const check = await checkWebhookUrl('https://1.1.1.1\\@127.0.0.1/', { allowPrivate: false });
    expect(check.ok && check.url.href).toBe('https://1.1.1.1/@127.0.0.1/');
    const spaced = await checkWebhookUrl('HTTPS://93.184.215.14:443/a b?x=é', { allowPrivate: false });
    expect(spaced.ok && spaced.url.href).toBe('https://93.184.215.14/a%20b?x=%C3%A9');
    expect(await checkWebhookUrl('https://0x7f.1/', { allowPrivate: false })).toMatchObject({ ok: false });
    expect(await checkWebhookUrl(`https://93.184.215.14/${'a '.repeat(700)}z`, { allowPrivate: false })).toMatchObject({ ok: false, reason: expect.stringMatching(/at most/) });
  });

  it('keeps link-local out with the development setting, at send time', async () => {
    const call = (resolve: Resolver) => new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((done) =>
      checkedLookup({ allowPrivate: true }, resolve)('x.example.com', { all: false } as dns.LookupOptions, (err, address) => done({ err, address })));
    expect((await call(resolver('127.0.0.1'))).address).toBe('127.0.0.1');
    expect((await call(resolver('169.254.169.254'))).err?.code).toBe('EBLOCKED');
    expect((await call(resolver('10.0.0.1', 'fe80::1'))).err?.code).toBe('EBLOCKED');
    const send = (url: string, resolve?: Resolver) =>
      httpTransport({ url: new URL(url), headers: {}, body: '{}', timeoutMs: 2_000, publicOnly: false, ...(resolve ? { resolve } : {}) }).then(() => null, (err: unknown) => err);
    // An IP literal never goes through a lookup: the transport checks it itself.
    for (const url of ['http://169.254.169.254:9/x', 'http://[fe80::1]:9/x', 'http://[::7f00:1]:9/x', 'http://0.0.0.0:9/x']) {
      expect(await send(url), url).toMatchObject({ name: 'SendError', kind: 'blocked' });
    }
    expect(await send('http://meta.example.com:9/x', resolver('169.254.169.254'))).toMatchObject({ kind: 'blocked' });
    expect(await send('http://[::7f00:1]:9/x')).toBeInstanceOf(SendError);
  });

  it('refuses a name that resolves to any private address, and one that does not resolve', async () => {
    const allowPrivate = false;
    expect(await checkWebhookUrl('https://hooks.example.com/x', { allowPrivate, resolve: resolver('93.184.215.14') })).toMatchObject({ ok: true });
    expect(await checkWebhookUrl('https://hooks.example.com/x', { allowPrivate, resolve: resolver('93.184.215.14', '10.0.0.1') })).toMatchObject({ ok: false });
    expect(await checkWebhookUrl('https://rebind.example.com/x', { allowPrivate, resolve: resolver('169.254.169.254') })).toMatchObject({ ok: false });
    expect(await checkWebhookUrl('https://gone.example.com/x', { allowPrivate, resolve: async () => { throw new Error('ENOTFOUND'); } })).toMatchObject({ ok: false, reason: expect.stringMatching(/resolve/) });
    expect(await checkWebhookUrl('https://empty.example.com/x', { allowPrivate, resolve: resolver() })).toMatchObject({ ok: false });
  });

  it('allows plain HTTP and loopback only with the development setting', async () => {
    expect(await checkWebhookUrl('http://127.0.0.1:9/x', { allowPrivate: true })).toMatchObject({ ok: true });
    expect(await checkWebhookUrl('http://127.0.0.1:9/x', { allowPrivate: false })).toMatchObject({ ok: false });
    expect(await checkWebhookUrl('https://user:pw@127.0.0.1/x', { allowPrivate: true })).toMatchObject({ ok: false });
  });

  it('pins connections: the lookup used for sending refuses private answers, in both callback shapes', async () => {
    const call = (resolve: Resolver, all: boolean) => new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((done) =>
      checkedLookup({ allowPrivate: false }, resolve)('x.example.com', { all } as dns.LookupOptions, (err, address) => done({ err, address })));
    expect((await call(resolver('10.0.0.1'), true)).err?.code).toBe('EBLOCKED');
    expect((await call(resolver('93.184.215.14', '127.0.0.1'), false)).err?.code).toBe('EBLOCKED');
    expect((await call(resolver('93.184.215.14'), false)).address).toBe('93.184.215.14');
    expect((await call(resolver('93.184.215.14'), true)).address).toEqual([{ address: '93.184.215.14', family: 4 }]);
  });
});

describe('retry schedule', () => {
  it('follows Standard Webhooks: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, then gives up', () => {
    expect(RETRY_SCHEDULE_MS.map((ms) => ms / 1000)).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
    expect(nextDelayMs(1, () => 0)).toBe(5_000);
    expect(nextDelayMs(9, () => 0)).toBe(86_400_000);
    expect(nextDelayMs(ATTEMPTS_MAX, () => 0)).toBeNull();
  });

  it('adds up to 10 % jitter, never less than the schedule', () => {
    expect(nextDelayMs(2, () => 0.999)).toBeLessThanOrEqual(330_000);
    expect(nextDelayMs(2, () => 0.5)).toBe(315_000);
  });

  it.each([
    ['120', 120_000], ['0', 0], [' 30 ', 30_000], ['Sun, 22 Nov 2026 12:01:00 GMT', 60_000], ['Sun, 22 Nov 2026 11:00:00 GMT', 0],
    ['999999999', 86_400_000], ['soon', null], ['', null], [undefined, null], ['-5', null],
  ])('reads Retry-After %s as %s ms', (value, expected) => {
    expect(retryAfterMs(value, new Date('2026-11-22T12:00:00Z'))).toBe(expected);
  });
});
