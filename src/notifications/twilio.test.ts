import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTwilio, type FakeTwilio } from '../../test/fixtures/fake-twilio.ts';
import { TwilioSmsProvider, twilioReportStatus, twilioSignature, verifyTwilioSignature } from './twilio.ts';

describe('twilioSignature', () => {
  // Twilio's published examples ("Validating requests"; TwilioDevEd/api-snippets security/signature_validation):
  // Auth Token 12345, this URL and these POST parameters.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = (caller: string) => new URLSearchParams({ CallSid: 'CA1234567890ABCDE', Caller: caller, Digits: '1234', From: caller, To: '+18005551212' });

  it.each([
    ['+14158675309', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    ['+14158675310', 'GvWf1cFY/Q7PnoempGyD5oXAezc='],
  ])('matches Twilio\'s example for Caller %s', (caller, expected) => {
    expect(twilioSignature('12345', url, params(caller))).toBe(expected);
    expect(verifyTwilioSignature('12345', url, params(caller), expected)).toBe(true);
  });

  it('sorts parameters by name whatever order they came in', () => {
    const shuffled = new URLSearchParams([['To', '+18005551212'], ['Digits', '1234'], ['From', '+14158675309'], ['Caller', '+14158675309'], ['CallSid', 'CA1234567890ABCDE']]);
    expect(twilioSignature('12345', url, shuffled)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it.each([
    ['another auth token', '12346', url, params('+14158675309')],
    ['another URL', '12345', 'https://mycompany.com/myapp.php?foo=1&bar=3', params('+14158675309')],
    ['a changed parameter', '12345', url, params('+14158675308')],
    ['an added parameter', '12345', url, new URLSearchParams([...params('+14158675309'), ['MessageStatus', 'delivered']])],
  ])('refuses %s', (_name, token, u, p) => {
    expect(verifyTwilioSignature(token, u, p, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
  });

  it('refuses a missing, empty, truncated or padded header', () => {
    const p = params('+14158675309');
    for (const header of [undefined, '', 'RSOYDt4T1cUTdK1PDd93/VVr8B8', 'RSOYDt4T1cUTdK1PDd93/VVr8B8==', 'rsoydt4t1cutdk1pdd93/vvr8b8=']) {
      expect(verifyTwilioSignature('12345', url, p, header), String(header)).toBe(false);
    }
  });
});

describe('twilioReportStatus', () => {
  it.each([
    ['queued', null], ['accepted', null], ['sending', null], ['scheduled', null],
    ['sent', 'sent'], ['delivered', 'delivered'], ['read', 'delivered'], ['partially_delivered', 'delivered'],
    ['undelivered', 'failed'], ['failed', 'failed'], ['canceled', 'failed'], ['bogus', null],
  ])('%s → %s', (status, expected) => expect(twilioReportStatus(status)).toBe(expected));
});

describe('TwilioSmsProvider against a local fake of the Messages API', () => {
  let fake: FakeTwilio;
  let provider: TwilioSmsProvider;
  const callback = 'https://tessera.example/v1/providers/twilio/message_status';
  beforeAll(async () => {
    fake = await startFakeTwilio();
    provider = new TwilioSmsProvider({
      accountSid: fake.accountSid, authToken: fake.authToken, from: '+15017122661', messagingServiceSid: null, baseUrl: fake.url,
      statusCallbackUrl: callback, timeoutMs: 500,
    });
  });
  afterAll(async () => fake.close());

  it('posts the form Twilio documents, with Basic auth, and answers the message SID', async () => {
    const outcome = await provider.send({ to: '+14155552671', body: 'Hello ☕ é' });
    const message = fake.messages.at(-1)!;
    expect(outcome).toEqual({ result: 'sent', providerMessageId: message.sid });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages.json`);
    expect(message.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(message.form)).toEqual({ To: '+14155552671', From: '+15017122661', Body: 'Hello ☕ é', StatusCallback: callback });
  });

  it('sends MessagingServiceSid instead of From when a Messaging Service is configured', async () => {
    const viaService = new TwilioSmsProvider({
      accountSid: fake.accountSid, authToken: fake.authToken, from: null, messagingServiceSid: `MG${'0'.repeat(32)}`, baseUrl: fake.url, statusCallbackUrl: callback,
    });
    await viaService.send({ to: '+14155552671', body: 'x' });
    const form = fake.messages.at(-1)!.form;
    expect(form.get('MessagingServiceSid')).toBe(`MG${'0'.repeat(32)}`);
    expect(form.has('From')).toBe(false);
  });

  it.each([
    ['400 invalid number: refused for good', { status: 400, body: { code: 21211, message: "The 'To' number is not valid.", status: 400 } }, 'rejected', /twilio 400 error 21211/],
    ['500: retried', { status: 500, body: { code: 20500, message: 'Internal Server Error' } }, 'retry', /twilio 500/],
    ['503 without a body: retried', { status: 503 }, 'retry', /twilio 503/],
  ] as const)('%s', async (_name, answer, result, error) => {
    fake.answerNext(answer);
    const outcome = await provider.send({ to: '+14155552671', body: 'the body stays out of errors' });
    expect(outcome.result).toBe(result);
    expect(outcome.result !== 'sent' && outcome.error).toMatch(error);
    expect(JSON.stringify(outcome)).not.toContain('the body stays out of errors');
  });

  it('429: retried no sooner than its Retry-After', async () => {
    fake.answerNext({ status: 429, body: { code: 20429, message: 'Too Many Requests' }, headers: { 'retry-after': '120' } });
    expect(await provider.send({ to: '+14155552671', body: 'x' })).toEqual({ result: 'retry', error: expect.stringMatching(/twilio 429/), retryAfterMs: 120_000 });
  });

  it('refused credentials: retried (the operator must fix them), saying so', async () => {
    const wrong = new TwilioSmsProvider({
      accountSid: fake.accountSid, authToken: 'wrong', from: '+15017122661', messagingServiceSid: null, baseUrl: fake.url, statusCallbackUrl: callback,
    });
    const outcome = await wrong.send({ to: '+14155552671', body: 'x' });
    expect(outcome).toMatchObject({ result: 'retry', error: expect.stringMatching(/twilio 401 error 20003.*auth token/) });
  });

  it('a timeout or a refused connection: retried', async () => {
    fake.answerNext('hang');
    expect(await provider.send({ to: '+14155552671', body: 'x' })).toEqual({ result: 'retry', error: 'twilio: timeout' });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = new TwilioSmsProvider({
      accountSid: fake.accountSid, authToken: fake.authToken, from: '+15017122661', messagingServiceSid: null, baseUrl: `http://127.0.0.1:${port}`, statusCallbackUrl: callback,
    });
    expect(await nowhere.send({ to: '+14155552671', body: 'x' })).toEqual({ result: 'retry', error: 'twilio: network (ECONNREFUSED)' });
  });
});
