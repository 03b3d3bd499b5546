import dns from 'node:dns';
import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isPublicAddress, publicOnlyLookup, type Resolver } from './url.ts';
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
      publicOnlyLookup(resolve)('x.example.com', { all } as dns.LookupOptions, (err, address) => done({ err, address })));
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
