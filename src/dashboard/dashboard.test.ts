import { describe, expect, it } from 'vitest';
import { SESSION_TTL_MS, SESSIONS_MAX, SESSIONS_PER_CREDENTIAL_MAX, SessionStore, csrfOk } from './session.ts';
import { formatMoney, parseAmount, toMinor } from './format.ts';
import { html, raw } from './html.ts';
import { DASHBOARD_RETRIES, INTERNAL_BASE_URL, apiClient, formKeys, messageOf, problemOf } from './api.ts';
import { parseStockLine } from './pages/operator.ts';
import { hourlyChart } from './pages/overview.ts';

const fields = { kind: 'merchant' as const, credential: 'sk_sandbox_x', identity: 'Shop', mode: 'sandbox' as const, merchantId: 'mch_1', scopes: ['read'] };

describe('dashboard sessions', () => {
  it('expire after 12 hours, not before', () => {
    let now = 1_000_000;
    const store = new SessionStore(() => now);
    const s = store.create(fields);
    now += SESSION_TTL_MS - 1;
    expect(store.get(s.id)?.id).toBe(s.id);
    now += 1;
    expect(store.get(s.id)).toBeNull();
    expect(store.size).toBe(0);
  });

  it('use 256-bit random ids and CSRF tokens, distinct per session', () => {
    const store = new SessionStore();
    const a = store.create(fields);
    const b = store.create(fields);
    expect(Buffer.from(a.id, 'base64url')).toHaveLength(32);
    expect(Buffer.from(a.csrf, 'base64url')).toHaveLength(32);
    expect(new Set([a.id, b.id, a.csrf, b.csrf]).size).toBe(4);
    expect(store.get(undefined)).toBeNull();
    expect(store.get('nope')).toBeNull();
  });

  it('are bounded: past the maximum the oldest goes first', () => {
    const store = new SessionStore();
    const as = (i: number) => ({ ...fields, credential: `sk_sandbox_${i}` });
    const first = store.create(as(0));
    const second = store.create(as(1));
    for (let i = 2; i < SESSIONS_MAX; i++) store.create(as(i));
    expect(store.size).toBe(SESSIONS_MAX);
    store.create(fields);
    expect(store.size).toBe(SESSIONS_MAX);
    expect(store.get(first.id)).toBeNull();
    expect(store.get(second.id)).not.toBeNull();
  });

  it("are bounded per credential: signing in again and again with one key drops only that key's own oldest sessions", () => {
    const store = new SessionStore();
    const operator = store.create({ ...fields, kind: 'operator', credential: 'admin-token' });
    const firstOwn = store.create(fields);
    for (let i = 1; i < SESSIONS_PER_CREDENTIAL_MAX; i++) store.create(fields);
    expect(store.size).toBe(SESSIONS_PER_CREDENTIAL_MAX + 1);
    for (let i = 0; i < 5_000; i++) store.create(fields);
    expect(store.size).toBe(SESSIONS_PER_CREDENTIAL_MAX + 1);
    expect(store.get(firstOwn.id)).toBeNull();
    expect(store.get(operator.id)?.kind).toBe('operator');
  });

  it('end on delete (sign out)', () => {
    const store = new SessionStore();
    const s = store.create(fields);
    store.delete(s.id);
    expect(store.get(s.id)).toBeNull();
  });
});

describe('the CSRF check', () => {
  const session = new SessionStore().create(fields);
  it.each([
    ['the session token', () => session.csrf, true],
    ['nothing', () => undefined, false],
    ['an empty string', () => '', false],
    ['another token', () => 'x'.repeat(43), false],
    ['the token with a character more', () => `${session.csrf}a`, false],
    ['an array', () => [session.csrf], false],
  ])('%s → %s', (_name, presented, ok) => {
    expect(csrfOk(session, presented())).toBe(ok);
  });
});

describe('money on the page', () => {
  it.each([
    [12345, 'USD', '$123.45'],
    [0, 'EUR', '€0.00'],
    [500, 'JPY', '¥500'],
    [1234, 'BHD', 'BHD 1.234'],
    ['900000000000', 'USD', '$9,000,000,000.00'],
    [-250, 'USD', '-$2.50'],
  ])('%s %s → %s', (amount, currency, text) => {
    expect(formatMoney(amount, currency).replace(/\u00a0/g, ' ')).toBe(text);
  });

  it('formats amounts past 2^53 exactly (bigint, never a double)', () => {
    expect(formatMoney(9_007_199_254_740_993n, 'USD')).toBe('$90,071,992,547,409.93');
  });

  it('refuses non-integer amounts from the API', () => {
    expect(() => toMinor(1.5)).toThrow(RangeError);
  });

  it.each([
    ['12.50', 'USD', 1250n],
    ['3', 'USD', 300n],
    ['500', 'JPY', 500n],
    ['1.234', 'BHD', 1234n],
  ])('parses %s %s as %s minor units', (text, currency, minor) => {
    expect(parseAmount(text, currency)).toEqual({ minor });
  });

  it.each([['12.345', 'USD'], ['1.5', 'JPY'], ['-1', 'USD'], ['0', 'USD'], ['1e3', 'USD'], ['abc', 'USD']])('refuses %s %s with a message', (text, currency) => {
    expect(parseAmount(text, currency)).toHaveProperty('error');
  });
});

describe('html', () => {
  it('escapes interpolated values and keeps nested html', () => {
    const name = '<script>alert("x")</script>&\'';
    expect(html`<p>${name}</p>`.text).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>');
    expect(html`<div>${html`<b>${'a<b'}</b>`}${raw('<i>ok</i>')}</div>`.text).toBe('<div><b>a&lt;b</b><i>ok</i></div>');
    expect(html`${[1, 'x', null, undefined, false]}`.text).toBe('1x');
  });

  it('draws the hourly chart with escaped labels and one bar pair per hour', () => {
    const hours = Array.from({ length: 24 }, (_, i) => ({ hour: new Date(Date.UTC(2026, 0, 1, i)).toISOString(), approved: i, declined: 24 - i }));
    const svg = hourlyChart(hours).text;
    expect(svg.match(/class="bar-approved"/g)).toHaveLength(24);
    expect(svg.match(/class="bar-declined"/g)).toHaveLength(24);
    expect(svg).toContain('276 approved, 300 declined');
    expect(svg).not.toContain('NaN');
  });
});

describe('card stock lines', () => {
  it('reads card_number,brand,exp_month,exp_year,currency', () => {
    expect(parseStockLine('4242424242424242, visa, 12, 2030, usd')).toEqual({ card_number: '4242424242424242', brand: 'VISA', exp_month: 12, exp_year: 2030, currency: 'USD' });
  });
  it.each(['4242', '4242424242424242,VISA,12', 'abcd424242424242,VISA,12,2030,USD', '4242424242424242,VISA,december,2030,USD', '4242424242424242,DINERS,12,2030,USD'])('refuses %s without echoing the number', (line) => {
    const result = parseStockLine(line);
    expect(typeof result).toBe('string');
    expect(result).not.toContain('4242424242');
  });
});

describe('the API client (the SDK over the in-process fetch)', () => {
  const formId = '3f1c6f0e-8a57-4c1e-9d2b-7a61c0d4e2b9';

  /** A fetch that answers each request with the next of `statuses`, and records what it was sent. */
  function scripted(statuses: number[], retryAfter = '0') {
    const seen: Array<{ method: string; url: string; key: string | null; auth: string | null }> = [];
    const fetchImpl = (async (input: Request) => {
      seen.push({ method: input.method, url: input.url, key: input.headers.get('idempotency-key'), auth: input.headers.get('authorization') });
      const status = statuses[Math.min(seen.length - 1, statuses.length - 1)]!;
      const body = status < 300 ? { object: 'merchant', id: 'mch_1' } : { error: { type: 'api_error', code: 'service_unavailable', message: 'Busy.', param: null, request_id: 'req_1' } };
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'retry-after': retryAfter } });
    }) as typeof fetch;
    return { seen, fetchImpl };
  }

  it('derives the Idempotency-Keys of a form post from the form id: the same form sent twice sends the same keys', () => {
    const first = formKeys(formId)!;
    const again = formKeys(formId)!;
    expect([first(), first()]).toEqual([`dashboard:${formId}:0`, `dashboard:${formId}:1`]);
    expect(again()).toBe(`dashboard:${formId}:0`);
    for (const bad of ['', 'x', `${formId}x`, 'DROP TABLE']) expect(formKeys(bad)).toBeUndefined();
  });

  it('retries a 503 once, with the same Idempotency-Key, then shows the API\'s message', async () => {
    const { seen, fetchImpl } = scripted([503]);
    const api = apiClient({ kind: 'operator', secret: 'admin-token' }, fetchImpl, formKeys(formId));
    const res = await api.POST('/admin/v1/merchants', { body: { name: 'Shop' } });
    expect(seen).toHaveLength(1 + DASHBOARD_RETRIES);
    expect(DASHBOARD_RETRIES).toBe(1);
    expect(new Set(seen.map((s) => s.key))).toEqual(new Set([`dashboard:${formId}:0`]));
    expect(seen[0]!.auth).toBe('Bearer admin-token');
    expect(problemOf(res)).toMatchObject({ status: 503, code: 'service_unavailable', message: 'Busy.', requestId: 'req_1' });
    expect(messageOf(res)).toBe('Busy.');
  });

  it('does not wait when the API asks for a long pause, and never retries a GET that succeeded', async () => {
    const slow = scripted([429], '120');
    const started = Date.now();
    const res = await apiClient({ kind: 'merchant', secret: 'sk_sandbox_x' }, slow.fetchImpl).GET('/v1/merchant');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(slow.seen).toHaveLength(1);
    expect(problemOf(res)?.status).toBe(429);
    const ok = scripted([200]);
    const answer = await apiClient({ kind: 'merchant', secret: 'sk_sandbox_x' }, ok.fetchImpl).GET('/v1/merchant');
    expect(ok.seen).toEqual([{ method: 'GET', url: `${INTERNAL_BASE_URL}/v1/merchant`, key: null, auth: 'Bearer sk_sandbox_x' }]);
    expect(problemOf(answer)).toBeNull();
  });
});
