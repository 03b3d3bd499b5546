import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balance, lookupAccounts, verifyLedger } from '../../src/ledger/index.ts';
import { merchantAccountId } from '../../src/accounts/index.ts';
import {
  createProviders, dispatchNotificationsOnce, NOTIFICATION_ATTEMPTS_MAX, NOTIFICATION_RETRY_SCHEDULE_MS, TWILIO_STATUS_CALLBACK_PATH, twilioSignature,
} from '../../src/notifications/index.ts';
import { settleSilentSms, settleSms, SMS_REPORT_WAIT_MS } from '../../src/sms/index.ts';
import { adminHeaders, bearer, buildTestApp, createMerchant, onPostgres, type TestApp } from '../harness.ts';
import { validCustomer } from '../fixtures/customers.ts';
import { dataUrl, jpeg, png } from '../fixtures/images.ts';
import { shipping } from '../fixtures/flows.ts';
import { startFakeTwilio, type FakeTwilio } from '../fixtures/fake-twilio.ts';
import { startFakeSmtp, type FakeSmtp } from '../fixtures/fake-smtp.ts';

/**
 * Live mode with the real adapters against local fakes: Twilio's Messages API
 * (HTTP on 127.0.0.1) and an SMTP server (smtp-server on 127.0.0.1). The
 * dispatcher is driven by hand, on the test clock.
 */
const PUBLIC_URL = 'https://tessera.example';
const US = '+14155552671';

let t: TestApp;
let twilio: FakeTwilio;
let smtp: FakeSmtp;
let merchantId: string;
let live: string;
beforeAll(async () => {
  twilio = await startFakeTwilio();
  smtp = await startFakeSmtp();
  t = await buildTestApp({
    config: {
      publicUrl: PUBLIC_URL,
      twilio: { accountSid: twilio.accountSid, authToken: twilio.authToken, from: '+15017122661', messagingServiceSid: null, baseUrl: twilio.url },
      smtp: { url: `smtp://127.0.0.1:${smtp.port}`, from: 'Tessera <no-reply@tessera.test>' },
    },
  });
  const m = await createMerchant(t.app, 'Live SMS');
  merchantId = m.id;
  await admin('POST', `/admin/v1/merchants/${m.id}/live_access`);
  live = (await admin('POST', `/admin/v1/merchants/${m.id}/keys`, { mode: 'live' })).json().api_key;
  expect((await admin('POST', `/admin/v1/merchants/${m.id}/wallet_credits`, { currency: 'USD', amount: 1_000, mode: 'live' })).statusCode).toBe(200);
  expect((await admin('PUT', '/admin/v1/sms/prices', { mode: 'live', prices: [{ country: 'US', currency: 'USD', price_per_segment: 2 }] })).statusCode).toBe(200);
});
afterAll(async () => {
  await t.close();
  await twilio.close();
  await smtp.close();
});

function admin(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });
}
const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: bearer(live), payload });
const get = (url: string) => t.app.inject({ url, headers: bearer(live) });

const providers = () => createProviders({ twilio: t.config.twilio, smtp: t.config.smtp, publicUrl: PUBLIC_URL });
const dispatch = () => dispatchNotificationsOnce({ db: t.db, clock: t.clock, keys: t.keys, providers: providers(), onStatus: settleSms, random: () => 0 });

/** A status callback as Twilio sends it: form-encoded, signed over the public URL and the fields. */
function report(fields: Record<string, string>, sign: { token?: string; url?: string; header?: string | null } = {}) {
  const form = new URLSearchParams({ AccountSid: twilio.accountSid, From: '+15017122661', To: US, ApiVersion: '2010-04-01', ...fields });
  const signature = sign.header !== undefined ? sign.header
    : twilioSignature(sign.token ?? twilio.authToken, sign.url ?? `${PUBLIC_URL}${TWILIO_STATUS_CALLBACK_PATH}`, form);
  return t.app.inject({
    method: 'POST', url: TWILIO_STATUS_CALLBACK_PATH, payload: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
  });
}

async function money() {
  const owner = { merchantId, mode: 'live' as const };
  const [wallet, provider] = await lookupAccounts(t.db, [merchantAccountId(owner, 'USD', 'wallet'), merchantAccountId(owner, 'USD', 'provider_settlement')]);
  return { wallet: balance(wallet!).available, owed: provider!.creditsPosted, held: provider!.creditsPending };
}

/** Send a live SMS and let the dispatcher hand it to the fake Twilio; answers the SMS and the provider's SID. */
async function sentSms(text: string) {
  const sms = (await post('/v1/sms', { to: US, text })).json();
  expect(sms.status).toBe('queued');
  expect((await dispatch()).sent).toBe(1);
  const sid = twilio.messages.at(-1)!.sid!;
  return { sms, sid };
}

describe('live SMS through Twilio', () => {
  it('queues and holds, sends through Twilio, and a signed delivery report posts the price', async () => {
    const before = await money();
    const res = await post('/v1/sms', { to: US, text: 'Your parcel is out for delivery.' });
    expect(res.statusCode, res.body).toBe(201);
    const sms = res.json();
    expect(sms).toMatchObject({ status: 'queued', price: 2, currency: 'USD', segments: 1 });
    expect(await money()).toEqual({ wallet: before.wallet - 2n, owed: before.owed, held: before.held + 2n });

    const sentBefore = twilio.messages.length;
    expect(await dispatch()).toMatchObject({ attempted: 1, sent: 1 });
    expect(twilio.messages).toHaveLength(sentBefore + 1);
    const message = twilio.messages.at(-1)!;
    expect(Object.fromEntries(message.form)).toEqual({
      To: US, From: '+15017122661', Body: 'Your parcel is out for delivery.', StatusCallback: `${PUBLIC_URL}${TWILIO_STATUS_CALLBACK_PATH}`,
    });
    expect((await get(`/v1/sms/${sms.id}`)).json().status).toBe('sent');
    expect((await dispatch()).attempted).toBe(0);

    expect((await report({ MessageSid: message.sid!, MessageStatus: 'sending' })).statusCode).toBe(204);
    const delivered = await report({ MessageSid: message.sid!, MessageStatus: 'delivered' });
    expect(delivered.statusCode, delivered.body).toBe(204);
    expect((await get(`/v1/sms/${sms.id}`)).json()).toMatchObject({ status: 'delivered', failure_reason: null });
    expect(await money()).toEqual({ wallet: before.wallet - 2n, owed: before.owed + 2n, held: before.held });
    // A late or repeated report changes nothing, and never moves the money twice.
    expect((await report({ MessageSid: message.sid!, MessageStatus: 'sent' })).statusCode).toBe(204);
    expect((await report({ MessageSid: message.sid!, MessageStatus: 'delivered' })).statusCode).toBe(204);
    expect((await report({ MessageSid: message.sid!, MessageStatus: 'undelivered', ErrorCode: '30003' })).statusCode).toBe(204);
    expect((await get(`/v1/sms/${sms.id}`)).json().status).toBe('delivered');
    expect(await money()).toEqual({ wallet: before.wallet - 2n, owed: before.owed + 2n, held: before.held });
    const events = (await t.db.query("SELECT type FROM events WHERE data->'object'->>'id' = $1 ORDER BY id", [sms.id])).rows.map((r) => r.type);
    expect(events).toEqual(['sms.delivered']);
    expect((await verifyLedger(t.db)).ok).toBe(true);
  });

  it('an undelivered report releases the hold: sms.failed with the carrier error', async () => {
    const before = await money();
    const { sms, sid } = await sentSms('Will not arrive.');
    expect(await money()).toMatchObject({ wallet: before.wallet - 2n, held: before.held + 2n });
    expect((await report({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003' })).statusCode).toBe(204);
    expect((await get(`/v1/sms/${sms.id}`)).json()).toMatchObject({ status: 'failed', failure_reason: 'twilio: undelivered (error 30003)' });
    expect(await money()).toEqual(before);
    expect((await t.db.query("SELECT 1 FROM events WHERE type = 'sms.failed' AND data->'object'->>'id' = $1", [sms.id])).rows).toHaveLength(1);
  });

  it('refuses a callback whose signature does not verify (401), and changes nothing', async () => {
    const { sms, sid } = await sentSms('Spoof target.');
    const before = await money();
    const delivered = { MessageSid: sid, MessageStatus: 'delivered' };
    for (const [name, sign] of [
      ['a wrong signature', { header: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' }],
      ['no signature', { header: null }],
      ['signed with another auth token', { token: 'not-the-auth-token' }],
      ['signed for another URL', { url: `https://evil.example${TWILIO_STATUS_CALLBACK_PATH}` }],
    ] as const) {
      const res = await report(delivered, sign);
      expect(res.statusCode, name).toBe(401);
      expect(res.json().error.code, name).toBe('invalid_signature');
    }
    // Fields changed after signing.
    const form = new URLSearchParams({ MessageSid: sid, MessageStatus: 'failed' });
    const signature = twilioSignature(twilio.authToken, `${PUBLIC_URL}${TWILIO_STATUS_CALLBACK_PATH}`, form);
    form.set('MessageStatus', 'delivered');
    const tampered = await t.app.inject({
      method: 'POST', url: TWILIO_STATUS_CALLBACK_PATH, payload: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    });
    expect(tampered.statusCode).toBe(401);
    expect((await get(`/v1/sms/${sms.id}`)).json().status).toBe('sent');
    expect(await money()).toEqual(before);
    // Signed, but for no message Tessera sent.
    expect((await report({ MessageSid: `SM${'f'.repeat(32)}`, MessageStatus: 'delivered' })).statusCode).toBe(404);
  });

  it('retries a failed send with backoff, shows it to the operator, and sends it when due', async () => {
    twilio.answerNext({ status: 500, body: { code: 20500, message: 'Internal Server Error' } });
    const sms = (await post('/v1/sms', { to: US, text: 'Second time lucky.' })).json();
    expect(await dispatch()).toMatchObject({ attempted: 1, retried: 1 });
    const queued = (await admin('GET', '/admin/v1/notifications?status=queued&channel=sms')).json().data;
    const row = queued.find((n: { recipient: string; attempts: number }) => n.attempts === 1);
    expect(row).toMatchObject({ merchant_id: merchantId, mode: 'live', kind: 'sms', status: 'queued', attempts: 1, last_error: expect.stringMatching(/^twilio 500/) });
    expect(row).not.toHaveProperty('body');
    expect(new Date(row.next_attempt_at).getTime() - t.clock.now().getTime()).toBe(NOTIFICATION_RETRY_SCHEDULE_MS[1]);
    expect((await dispatch()).attempted).toBe(0);
    t.clock.advance(NOTIFICATION_RETRY_SCHEDULE_MS[1]);
    expect(await dispatch()).toMatchObject({ attempted: 1, sent: 1 });
    expect((await get(`/v1/sms/${sms.id}`)).json().status).toBe('sent');
  });

  it('a number the provider refuses fails at once: the hold is released and the operator sees it', async () => {
    const before = await money();
    twilio.answerNext({ status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 } });
    const sms = (await post('/v1/sms', { to: US, text: 'Refused.' })).json();
    expect(await dispatch()).toMatchObject({ attempted: 1, failed: 1 });
    expect((await get(`/v1/sms/${sms.id}`)).json()).toMatchObject({ status: 'failed', failure_reason: expect.stringMatching(/twilio 400 error 21211/) });
    expect(await money()).toEqual(before);
    const failed = (await admin('GET', '/admin/v1/notifications?status=failed')).json().data;
    expect(failed[0]).toMatchObject({ status: 'failed', attempts: 1, last_error: expect.stringMatching(/21211/) });
  });

  it(`gives up after ${NOTIFICATION_ATTEMPTS_MAX} attempts and releases the hold`, async () => {
    const before = await money();
    twilio.answerNext(...Array.from({ length: NOTIFICATION_ATTEMPTS_MAX }, () => ({ status: 503 })));
    const sms = (await post('/v1/sms', { to: US, text: 'Never.' })).json();
    for (let i = 0; i < NOTIFICATION_ATTEMPTS_MAX; i++) {
      expect((await dispatch()).attempted, `attempt ${i + 1}`).toBe(1);
      t.clock.advance(5 * 3_600_000);
    }
    expect((await get(`/v1/sms/${sms.id}`)).json()).toMatchObject({ status: 'failed', failure_reason: expect.stringMatching(/twilio 503/) });
    expect(await money()).toEqual(before);
    expect((await verifyLedger(t.db)).ok).toBe(true);
  });
});

describe.skipIf(!onPostgres)('the dispatcher on several processes (PostgreSQL)', () => {
  it('three passes at once send each queued message exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await post('/v1/sms', { to: US, text: `Batch ${i}` })).json().id);
    const before = twilio.messages.length;
    const passes = await Promise.all([dispatch(), dispatch(), dispatch()]);
    let total = passes.reduce((n, p) => n + p.sent, 0);
    while (total < ids.length) {
      const more = (await dispatch()).sent;
      if (more === 0) break;
      total += more;
    }
    expect(total).toBe(ids.length);
    const bodies = twilio.messages.slice(before).map((m) => m.form.get('Body'));
    expect(bodies).toHaveLength(ids.length);
    expect(new Set(bodies).size).toBe(ids.length);
    for (const id of ids) expect((await get(`/v1/sms/${id}`)).json().status).toBe('sent');
  });
});

describe('messages without a delivery report', () => {
  it(`are charged ${SMS_REPORT_WAIT_MS / 3_600_000} hours after they left (the provider bills them); a late report moves no money`, async () => {
    const settle = () => t.db.transaction((tx) => settleSilentSms(tx, t.clock.now()));
    // Messages of the tests above still waiting for a report go first.
    t.clock.advance(SMS_REPORT_WAIT_MS);
    await settle();
    const before = await money();
    const { sms, sid } = await sentSms('No carrier report.');
    t.clock.advance(SMS_REPORT_WAIT_MS - 1000);
    expect(await settle()).toBe(0);
    t.clock.advance(1000);
    expect(await settle()).toBe(1);
    expect(await settle()).toBe(0);
    expect(await money()).toEqual({ wallet: before.wallet - 2n, owed: before.owed + 2n, held: before.held });
    expect((await get(`/v1/sms/${sms.id}`)).json().status).toBe('sent');
    expect((await report({ MessageSid: sid, MessageStatus: 'delivered' })).statusCode).toBe(204);
    expect((await get(`/v1/sms/${sms.id}`)).json().status).toBe('delivered');
    expect(await money()).toEqual({ wallet: before.wallet - 2n, owed: before.owed + 2n, held: before.held });
    expect((await verifyLedger(t.db)).ok).toBe(true);
  });
});

describe('live notifications through the real adapters', () => {
  it('a live physical card: the KYC result goes by SMTP, the activation code arrives at the SMS API and activates the card', async () => {
    const customerInput = validCustomer();
    const customer = (await post('/v1/customers', customerInput)).json();
    expect(customer.id).toMatch(/^cus_/);
    const kyc = await post(`/v1/customers/${customer.id}/kyc`, {
      identification_type: 'PASSPORT', identification_number: 'L1V3P4SS', identification_expiry_date: '2099-12-31',
      front_image: dataUrl('image/jpeg', jpeg()), handheld_image: dataUrl('image/png', png()),
    });
    expect(kyc.statusCode, kyc.body).toBe(200);
    expect((await admin('POST', `/admin/v1/kyc/${customer.id}/approve`)).statusCode).toBe(200);
    const account = (await post(`/v1/customers/${customer.id}/accounts`, { currency: 'USD' })).json();
    const card = await post(`/v1/accounts/${account.id}/cards`, { type: 'physical', shipping_address: shipping });
    expect(card.statusCode, card.body).toBe(201);
    expect(card.json().status).toBe('PENDING_ACTIVATION');

    const smsBefore = twilio.messages.length;
    const mailsBefore = smtp.mails.length;
    expect(await dispatch()).toMatchObject({ attempted: 2, sent: 2 });
    const sms = twilio.messages.slice(smsBefore);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.form.get('To')).toBe('+33612345678');
    const code = /Activation code: (\d{8})/.exec(sms[0]!.form.get('Body') ?? '')?.[1];
    expect(code).toBeTruthy();

    const mails = smtp.mails.slice(mailsBefore);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: 'no-reply@tessera.test', to: [customerInput.email] });
    expect(mails[0]!.raw.replace(/=\r\n/g, '')).toMatch(/^Subject: Your identity is verified$/m);

    const activated = await post(`/v1/cards/${card.json().id}/activate_physical`, { activation_code: code! });
    expect(activated.statusCode, activated.body).toBe(200);
    expect(activated.json().status).toBe('ACTIVE');
    // Tessera's own messages are not billed as SMS; the operator sees them sent, without their bodies.
    const sent = (await admin('GET', '/admin/v1/notifications?status=sent&limit=100')).json().data;
    expect(sent.filter((n: { customer_id: string }) => n.customer_id === customer.id).map((n: { kind: string; channel: string; provider: string }) => [n.kind, n.channel, n.provider]).sort())
      .toEqual([['card.activation_code', 'sms', 'twilio'], ['kyc.result', 'email', 'smtp']]);
    expect(JSON.stringify(sent)).not.toContain(code!);
  });

  it('without a configured provider a live message waits, retried, and the operator sees why', async () => {
    const customer = (await post('/v1/customers', validCustomer())).json();
    await post(`/v1/customers/${customer.id}/kyc`, {
      identification_type: 'PASSPORT', identification_number: 'N0PR0V1D', identification_expiry_date: '2099-12-31',
      front_image: dataUrl('image/jpeg', jpeg()), handheld_image: dataUrl('image/png', png()),
    });
    expect((await admin('POST', `/admin/v1/kyc/${customer.id}/reject`, { reason: 'The photo is blurred.' })).statusCode).toBe(200);
    const result = await dispatchNotificationsOnce({ db: t.db, clock: t.clock, keys: t.keys, providers: { sms: null, email: null }, random: () => 0 });
    expect(result).toMatchObject({ attempted: 1, retried: 1 });
    const queued = (await admin('GET', '/admin/v1/notifications?status=queued&channel=email')).json().data;
    expect(queued[0]).toMatchObject({ customer_id: customer.id, kind: 'kyc.result', attempts: 1, last_error: expect.stringMatching(/no e-mail provider is configured/) });
    // Configured again (a restart with TESSERA_EMAIL_PROVIDER): it goes on its next attempt.
    t.clock.advance(NOTIFICATION_RETRY_SCHEDULE_MS[1]);
    const mailsBefore = smtp.mails.length;
    expect(await dispatch()).toMatchObject({ attempted: 1, sent: 1 });
    const raw = smtp.mails.slice(mailsBefore)[0]!.raw.replace(/=\r\n/g, '');
    expect(raw).toMatch(/^Subject: We could not verify your identity$/m);
    expect(raw).toContain('The photo is blurred.');
  });
});
