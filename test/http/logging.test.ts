import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { loggerOptions } from '../../src/http/logger.ts';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    lines.push(String(chunk));
    cb();
  },
});

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({
    logger: pino(loggerOptions('trace'), sink) as never,
    extend(app) {
      app.post('/v1/test/echo', async (request) => {
        request.log.info({ body: request.body }, 'echo body');
        request.log.info(`free text mentions 4111 1111 1111 1111 and ${(request.body as { note: string }).note}`);
        return { ok: true };
      });
    },
  });
});
afterAll(async () => t.close());

describe('logs never hold secrets', () => {
  it('redacts keys, tokens, card data and scrubs PANs in free text', async () => {
    const { key } = await createMerchant(t.app, 'Logger');
    const token = (await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(key) })).json().token as string;
    await t.app.inject({
      method: 'POST', url: '/v1/test/echo', headers: bearer(token),
      payload: { pan: '4000056655665556', cvv: '123', pin: '375426', activation_code: '918273', note: 'card 5555555555554444 here', api_key: key },
    });
    await t.app.inject({ url: '/v1/cards/4000056655665556', headers: bearer(key) });
    await t.app.inject({ url: '/admin/v1/merchants', headers: adminHeaders });
    const log = lines.join('');
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [key, token, '4000056655665556', '5555555555554444', '4111 1111 1111 1111', '375426', '918273', 'test-admin-token']) {
      expect(log, secret).not.toContain(secret);
    }
    expect(log).toContain('[REDACTED]');
    expect(log).toContain('[PAN …4444]');
    expect(log).toMatch(/"reqId":"req_/);
  });
});

describe('card numbers written as URLs carry them', () => {
  it.each([
    ['percent-encoded spaces', '4242%204237%205660%207176'],
    ['plus signs', '4242+4237+5660+7176'],
    ['percent-encoded dashes', '4242%2D4237%2D5660%2D7176'],
  ])('masks a PAN grouped with %s in the logged URL', async (_name, written) => {
    const { key } = await createMerchant(t.app, 'Encoded');
    lines.length = 0;
    await t.app.inject({ url: `/v1/cards/${written}?q=${written}`, headers: bearer(key) });
    const log = lines.join('');
    expect(log).toContain('/v1/cards/');
    expect(log).toContain('[PAN …7176]');
    expect(log).not.toContain(written);
    expect(log).not.toMatch(/4242.{0,3}4237/);
  });
});

describe('card flows leave no card data in the logs', () => {
  it('issuing, revealing, activating and setting a PIN log no PAN, CVV, PIN or activation code', async () => {
    const { customerWithAccount, issueCard, revealKey, shipping } = await import('../fixtures/flows.ts');
    const m = await createMerchant(t.app, 'Card logs');
    lines.length = 0;
    const { accountId, customerId } = await customerWithAccount(t.app, m.key, { kyc: true });
    const virtual = await issueCard(t.app, m.key, accountId);
    const physical = await issueCard(t.app, m.key, accountId, { type: 'physical', shipping_address: shipping });
    const revealer = await revealKey(t.app, m.id);
    const details = (await t.app.inject({ url: `/v1/cards/${virtual.id}/details`, headers: bearer(revealer) })).json();
    const outbox = (await t.app.inject({ url: `/v1/simulate/notifications?customer_id=${customerId}`, headers: bearer(m.key) })).json();
    const code = /Activation code: (\d{8})/.exec(outbox.data[0].body)![1]!;
    await t.app.inject({ method: 'POST', url: `/v1/cards/${physical.id}/activate_physical`, headers: bearer(m.key), payload: { activation_code: code } });
    await t.app.inject({ method: 'PUT', url: `/v1/cards/${virtual.id}/pin`, headers: bearer(m.key), payload: { pin: '802416' } });
    const log = lines.join('');
    expect(log).toContain(virtual.id);
    for (const secret of [details.number, `"${details.cvv}"`, '802416', code, revealer]) expect(log, 'secret in logs').not.toContain(secret);
  });
});
