import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_CLIENT, startReloadlyFake, type ReloadlyFake } from '../../test/fixtures/reloadly-fake.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { ReloadlyProvider, type ProviderTopup } from './providers/index.ts';

let fake: ReloadlyFake;
beforeAll(async () => {
  fake = await startReloadlyFake({ slowMs: 1_000 });
});
afterAll(async () => fake.close());

let provider: ReloadlyProvider;
beforeEach(() => {
  // Generous: two cores shared with other test files can make a local call slow; the timeout case has its own.
  provider = new ReloadlyProvider({ url: fake.url, authUrl: fake.url, ...FAKE_CLIENT }, { timeoutMs: 5_000 });
});

let seq = 0;
const topup = (overrides: Partial<ProviderTopup> = {}): ProviderTopup => ({
  id: `top_test${++seq}`, country: 'CM', operator: 'MTN', providerOperatorId: null, phone: '+237671234567', amount: 1000n, currency: 'XAF',
  reference: null, ...overrides,
});
const cm = (last4: string) => `+2376712${last4}`;
const since = (n: number) => fake.requests.slice(n);

describe('Reloadly adapter against a local fake of its Airtime API', () => {
  it('gets a token, finds the operator by name and sends the documented top-up', async () => {
    const start = fake.requests.length;
    const t = topup();
    expect(await provider.send(t)).toEqual({ outcome: 'succeeded', reference: expect.stringMatching(/^\d+$/) });
    const [token, operators, send] = since(start);
    expect(token).toMatchObject({ method: 'POST', path: '/oauth/token', body: { client_id: FAKE_CLIENT.clientId, client_secret: FAKE_CLIENT.clientSecret, grant_type: 'client_credentials', audience: FAKE_CLIENT.audience } });
    expect(operators).toMatchObject({ method: 'GET', path: expect.stringMatching(/^\/operators\/countries\/CM\?/) });
    expect(send).toMatchObject({
      method: 'POST', path: '/topups',
      body: { operatorId: 1001, amount: 1000, useLocalAmount: true, customIdentifier: t.id, recipientPhone: { countryCode: 'CM', number: '237671234567' } },
    });
    expect(send!.headers.authorization).toMatch(/^Bearer token-\d+$/);
    expect(send!.headers.accept).toBe('application/com.reloadly.topups-v1+json');
  });

  it('keeps its token and the operator list between calls', async () => {
    await provider.send(topup());
    const tokens = fake.tokensIssued;
    const start = fake.requests.length;
    expect((await provider.send(topup({ operator: 'orange' }))).outcome).toBe('succeeded');
    expect(since(start).map((r) => r.path)).toEqual(['/topups']);
    expect(since(start)[0]!.body?.operatorId).toBe(1002);
    expect(fake.tokensIssued).toBe(tokens);
  });

  it("uses the catalogue's provider_operator_id without asking, and sends decimals in the local currency", async () => {
    const start = fake.requests.length;
    const t = topup({ country: 'US', operator: 'AT&T', providerOperatorId: '2001', phone: '+12015550123', amount: 505n, currency: 'USD' });
    expect((await provider.send(t)).outcome).toBe('succeeded');
    const sent = since(start).find((r) => r.path === '/topups')!;
    expect(sent.body).toMatchObject({ operatorId: 2001, amount: 5.05, useLocalAmount: true, recipientPhone: { countryCode: 'US', number: '12015550123' } });
    expect(since(start).some((r) => r.path.startsWith('/operators'))).toBe(false);
  });

  it('renews a token the provider no longer accepts, once', async () => {
    await provider.send(topup());
    fake.revokeTokens();
    const tokens = fake.tokensIssued;
    expect((await provider.send(topup())).outcome).toBe('succeeded');
    expect(fake.tokensIssued).toBe(tokens + 1);
  });

  it.each([
    ['an invalid recipient', '0000', { outcome: 'failed', code: 'recipient_invalid', message: expect.stringContaining('INVALID_RECIPIENT_PHONE'), reference: null }],
    ['another refusal', '4040', { outcome: 'failed', code: 'provider_declined', message: expect.stringContaining('OPERATOR_UNAVAILABLE'), reference: null }],
    ['a failed transaction', '2222', { outcome: 'failed', code: 'provider_declined', message: expect.stringContaining('failed'), reference: expect.any(String) }],
    ['a transaction still processing', '1111', { outcome: 'pending', reference: expect.any(String) }],
    ['a 503', '5555', { outcome: 'unknown', reason: 'Reloadly answered 503' }],
    ['a dropped connection', '9999', { outcome: 'unknown', reason: expect.stringContaining('could not be reached') }],
  ])('maps %s', async (_name, last4, answer) => {
    expect(await provider.send(topup({ phone: cm(last4) }))).toEqual(answer);
  });

  it('answers unknown when the provider does not answer within the timeout', async () => {
    const slow = new ReloadlyProvider({ url: fake.url, authUrl: fake.url, ...FAKE_CLIENT }, { timeoutMs: 200 });
    const t = topup({ phone: cm('7777'), providerOperatorId: '1001' });
    const answer = await slow.send(t);
    // Under load the token request may be the one cut short; either way nothing can be concluded.
    expect(answer).toEqual({ outcome: 'unknown', reason: expect.stringContaining('could not be reached') });
  });

  it('fails a top-up to an operator the provider does not offer, without sending it', async () => {
    const t = topup({ operator: 'Nexttel' });
    expect(await provider.send(t)).toEqual({ outcome: 'failed', code: 'provider_declined', message: 'Reloadly offers no operator named Nexttel in CM.', reference: null });
    expect(fake.topupsFor(t.id)).toEqual([]);
  });

  it('answers unknown when its credentials are refused', async () => {
    const wrong = new ReloadlyProvider({ url: fake.url, authUrl: fake.url, ...FAKE_CLIENT, clientSecret: 'wrong' }, { timeoutMs: 5_000 });
    const t = topup();
    expect(await wrong.send(t)).toEqual({ outcome: 'unknown', reason: 'Reloadly refused the credentials (401)' });
    expect(fake.topupsFor(t.id)).toEqual([]);
  });

  it('looks a top-up up by customIdentifier after a lost answer, and by its reference while processing', async () => {
    const lost = topup({ phone: cm('9999') });
    expect((await provider.send(lost)).outcome).toBe('unknown');
    expect(await provider.lookup(lost)).toEqual({ outcome: 'succeeded', reference: expect.any(String) });
    expect(fake.topupsFor(lost.id)).toHaveLength(1);

    expect(await provider.lookup(topup())).toEqual({ outcome: 'not_found' });

    const processing = topup({ phone: cm('1111') });
    const first = await provider.send(processing);
    expect(first.outcome).toBe('pending');
    const reference = (first as { reference: string }).reference;
    const start = fake.requests.length;
    expect(await provider.lookup({ ...processing, reference })).toEqual({ outcome: 'pending', reference });
    expect(await provider.lookup({ ...processing, reference })).toEqual({ outcome: 'succeeded', reference });
    expect(since(start).map((r) => r.path)).toEqual([`/topups/${reference}/status`, `/topups/${reference}/status`]);
  });

  it('treats a reused customIdentifier as a lost answer to look up, not as a refusal', async () => {
    const t = topup();
    await provider.send(t);
    expect(await provider.send(t)).toEqual({ outcome: 'unknown', reason: 'Reloadly: DUPLICATED_CUSTOM_IDENTIFIER' });
  });
});

describe('configuration: TESSERA_RELOADLY_*', () => {
  const env = { TESSERA_RELOADLY_CLIENT_ID: 'id', TESSERA_RELOADLY_CLIENT_SECRET: 'secret-value' };
  const refusal = (vars: Record<string, string>) => {
    try {
      loadConfig(vars, '/');
    } catch (err) {
      return err instanceof ConfigError ? { variable: err.variable, message: err.message } : err;
    }
    return null;
  };

  it('is off without keys, and has Reloadly\'s addresses by default', () => {
    expect(loadConfig({}, '/').reloadly).toBeNull();
    expect(loadConfig(env, '/').reloadly).toEqual({
      url: 'https://topups.reloadly.com', authUrl: 'https://auth.reloadly.com', clientId: 'id', clientSecret: 'secret-value', audience: 'https://topups.reloadly.com',
    });
  });

  it('takes other URLs: https, or http to a loopback address (a local fake)', () => {
    const c = loadConfig({ ...env, TESSERA_RELOADLY_URL: 'https://topups-sandbox.reloadly.com/', TESSERA_RELOADLY_AUTH_URL: 'http://127.0.0.1:9999' }, '/').reloadly;
    expect(c).toMatchObject({ url: 'https://topups-sandbox.reloadly.com', authUrl: 'http://127.0.0.1:9999', audience: 'https://topups-sandbox.reloadly.com' });
  });

  it.each([
    [{ TESSERA_RELOADLY_CLIENT_ID: 'id' }, 'TESSERA_RELOADLY_CLIENT_SECRET'],
    [{ TESSERA_RELOADLY_CLIENT_SECRET: 'secret-value' }, 'TESSERA_RELOADLY_CLIENT_ID'],
    [{ ...env, TESSERA_RELOADLY_URL: 'http://topups.example.com' }, 'TESSERA_RELOADLY_URL'],
    [{ ...env, TESSERA_RELOADLY_AUTH_URL: 'not a url' }, 'TESSERA_RELOADLY_AUTH_URL'],
  ])('refuses %o, naming %s and never the secret', (vars, variable) => {
    const refused = refusal(vars) as { variable: string; message: string };
    expect(refused.variable).toBe(variable);
    expect(refused.message).not.toContain('secret-value');
  });
});
