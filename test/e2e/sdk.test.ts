import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KazePayClient, KazePayError, TesseraApiError, WebhookVerificationError, createTesseraClient, generateSigningKeyPair, kazepay,
  retryAfterMs, signRequest, unwrap, verifyWebhook, type TesseraErrorCode, type WebhookEvent,
} from '@tessera/sdk';
import { validCustomer } from '../fixtures/customers.ts';
import { ROOT, waitFor } from './server-process.ts';
import { forward, listenLocal, relay, newMerchant, readBody, startTestServer, type LocalServer, type RunningServer } from './sdk-fixtures.ts';

/**
 * @tessera/sdk (built into packages/sdk/dist, as published) against the server over HTTP on 127.0.0.1: retries with the
 * same Idempotency-Key through a local proxy that fails on purpose, typed errors, RFC 9421 signatures the
 * server accepts, a real webhook delivery verified, the KazePay gateway, and the README's example.
 */

let srv: RunningServer;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await srv?.close();
});

async function local(handler: http.RequestListener): Promise<LocalServer> {
  const server = await listenLocal(handler);
  closers.push(server.close);
  return server;
}

interface Seen { method: string; url: string; key: string | undefined; nonce: string | null }

/**
 * A proxy in front of the real server that plays a failure on chosen attempts: `answer503` answers 503 with
 * Retry-After without forwarding, `lose` forwards (the server acts) and then answers 503 as if the answer
 * were lost, `drop` closes the connection; other attempts are forwarded.
 */
async function flakyProxy(plan: ('answer503' | 'answer429' | 'lose' | 'drop' | 'forward')[], retryAfter = '1') {
  const seen: Seen[] = [];
  const proxy = await local(async (req, res) => {
    const body = await readBody(req);
    const step = plan[seen.length] ?? 'forward';
    seen.push({
      method: req.method!, url: req.url!, key: req.headers['idempotency-key'] as string | undefined,
      nonce: /nonce="([^"]+)"/.exec(String(req.headers['signature-input'] ?? ''))?.[1] ?? null,
    });
    const refuse = (status: number, code: string) => {
      res.writeHead(status, { 'content-type': 'application/json', 'retry-after': retryAfter });
      res.end(JSON.stringify({ error: { type: 'api_error', code, message: 'Played by the test proxy.', param: null, request_id: 'req_proxy' } }));
    };
    if (step === 'drop') return req.socket.destroy();
    if (step === 'answer503') return refuse(503, 'service_unavailable');
    if (step === 'answer429') return refuse(429, 'rate_limited');
    if (step === 'lose') {
      // The server commits; its answer never reaches the client.
      await forward(req, body, srv.base);
      return refuse(503, 'service_unavailable');
    }
    relay(res, await forward(req, body, srv.base));
  });
  return { url: proxy.url, seen };
}

async function customerCount(key: string): Promise<number> {
  const client = createTesseraClient({ baseUrl: srv.base, apiKey: key });
  const page = unwrap(await client.GET('/v1/customers', { params: { query: { limit: 100 } } }));
  return page.data.length;
}

describe('retries', () => {
  it('after a 503 with Retry-After, waits that long and retries with the same Idempotency-Key; the server acts once', async () => {
    const m = await newMerchant(srv.base);
    const proxy = await flakyProxy(['answer503']);
    const client = createTesseraClient({ baseUrl: proxy.url, apiKey: m.key });
    const started = Date.now();
    const customer = unwrap(await client.POST('/v1/customers', { body: validCustomer() }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(customer.id).toMatch(/^cus_/);
    expect(proxy.seen).toHaveLength(2);
    expect(proxy.seen[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(proxy.seen[1]!.key).toBe(proxy.seen[0]!.key);
    expect(await customerCount(m.key)).toBe(1);
  });

  it('an answer lost after the server committed: the retry with the same key is replayed, not done twice', async () => {
    const m = await newMerchant(srv.base);
    const proxy = await flakyProxy(['lose'], '0');
    const client = createTesseraClient({ baseUrl: proxy.url, apiKey: m.key });
    const { data, response } = await client.POST('/v1/customers', { body: validCustomer() });
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    expect(data!.id).toMatch(/^cus_/);
    expect(proxy.seen.map((s) => s.key)).toEqual([proxy.seen[0]!.key, proxy.seen[0]!.key]);
    expect(await customerCount(m.key)).toBe(1);
  });

  it('a dropped connection and a 429 are retried too, with backoff, with the same key; the caller\'s key wins', async () => {
    const m = await newMerchant(srv.base);
    const proxy = await flakyProxy(['drop', 'answer429'], '0');
    const client = createTesseraClient({ baseUrl: proxy.url, apiKey: m.key, retryBaseDelayMs: 10 });
    const customer = unwrap(await client.POST('/v1/customers', { body: validCustomer(), headers: { 'Idempotency-Key': 'caller-chosen-key-1' } }));
    expect(customer.id).toMatch(/^cus_/);
    expect(proxy.seen.map((s) => s.key)).toEqual(['caller-chosen-key-1', 'caller-chosen-key-1', 'caller-chosen-key-1']);
    expect(await customerCount(m.key)).toBe(1);
  });

  it('stops after `retries` and hands back the last answer as a typed error; GETs carry no Idempotency-Key', async () => {
    const m = await newMerchant(srv.base);
    const proxy = await flakyProxy(['answer503', 'answer503', 'answer503', 'answer503'], '0');
    const client = createTesseraClient({ baseUrl: proxy.url, apiKey: m.key, retries: 2 });
    const err = await client.GET('/v1/customers').then(unwrap).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TesseraApiError);
    expect(err).toMatchObject({ status: 503, code: 'service_unavailable', requestId: 'req_proxy' });
    expect(proxy.seen).toHaveLength(3);
    expect(proxy.seen.every((s) => s.key === undefined)).toBe(true);
  });

  it('a Retry-After longer than retryMaxDelayMs ends the retries: the 503 comes back at once', async () => {
    const m = await newMerchant(srv.base);
    const proxy = await flakyProxy(['answer503'], '120');
    const client = createTesseraClient({ baseUrl: proxy.url, apiKey: m.key });
    const started = Date.now();
    await expect(client.GET('/v1/customers').then(unwrap)).rejects.toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(proxy.seen).toHaveLength(1);
  });

  it('reads Retry-After as delay-seconds or an HTTP date, and nothing else', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Sun, 29 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Sun, 29 Nov 2026 11:59:00 GMT', now)).toBe(0);
    for (const bad of ['soon', '-1', '1.5', '']) expect(retryAfterMs(bad, now), bad).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });

  it('a network failure with retries exhausted rejects (nothing listens)', async () => {
    const gone = await listenLocal(() => undefined);
    await gone.close();
    const client = createTesseraClient({ baseUrl: gone.url, apiKey: 'sk_sandbox_x', retries: 1, retryBaseDelayMs: 5 });
    await expect(client.GET('/v1/merchant')).rejects.toThrow(/fetch failed/);
  });
});

describe('typed errors', () => {
  it('an unknown id is resource_not_found, a wrong key invalid_api_key, bad input names the field', async () => {
    const m = await newMerchant(srv.base);
    const client = createTesseraClient({ baseUrl: srv.base, apiKey: m.key });
    const missing = await client.GET('/v1/cards/{cardId}', { params: { path: { cardId: 'card_00000000000000000000000000' } } }).then(unwrap).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(TesseraApiError);
    expect(missing).toMatchObject({ status: 404, code: 'resource_not_found', type: 'invalid_request_error' });
    expect((missing as TesseraApiError).requestId).toMatch(/^req_/);

    const wrong = createTesseraClient({ baseUrl: srv.base, apiKey: `sk_sandbox_${'x'.repeat(43)}` });
    const denied = await wrong.GET('/v1/merchant').then(unwrap).catch((e: unknown) => e);
    expect(denied).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((denied as Error).message).not.toContain('x'.repeat(43));

    const bad = await client.POST('/v1/customers', { body: { ...validCustomer(), email: 'not-an-email' } }).then(unwrap).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, param: 'email' });

    // The code is the server's closed union, not any string.
    const typed = missing as TesseraApiError;
    if (typed.code !== 'unexpected_response') {
      const code: TesseraErrorCode = typed.code;
      expect(code).toBe('resource_not_found');
    }
    // @ts-expect-error not one of the server's error codes
    const notACode: TesseraErrorCode = 'no_such_code';
    expect(notACode).toBe('no_such_code');
  });

  it('an answer that is not Tessera\'s error shape is unexpected_response', async () => {
    const html = await local((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'));
    const client = createTesseraClient({ baseUrl: html.url, apiKey: 'sk_sandbox_x', retries: 0 });
    await expect(client.GET('/v1/merchant').then(unwrap)).rejects.toMatchObject({ status: 502, code: 'unexpected_response' });
  });

  it('the admin token goes to /admin paths; a merchant key there is refused', async () => {
    const admin = createTesseraClient({ baseUrl: srv.base, adminToken: srv.adminToken });
    const report = unwrap(await admin.GET('/admin/v1/ledger/verify'));
    expect(report).toMatchObject({ object: 'ledger_verification', ok: true });
    const m = await newMerchant(srv.base);
    const merchant = createTesseraClient({ baseUrl: srv.base, apiKey: m.key });
    await expect(merchant.GET('/admin/v1/ledger/verify').then(unwrap)).rejects.toMatchObject({ status: 401 });
  });
});

describe('RFC 9421 signatures', () => {
  it('once a key is registered, unsigned mutations are refused and the signing client is accepted, re-signed on retry', async () => {
    const m = await newMerchant(srv.base, 'Signing merchant');
    const pair = generateSigningKeyPair();
    const plain = createTesseraClient({ baseUrl: srv.base, apiKey: m.key });
    const key = unwrap(await plain.POST('/v1/signing_keys', { body: { algorithm: 'ed25519', public_key_pem: pair.publicKeyPem } }));

    await expect(plain.POST('/v1/customers', { body: validCustomer() }).then(unwrap)).rejects.toMatchObject({ status: 401, code: 'invalid_signature' });

    const proxy = await flakyProxy(['answer503'], '0');
    const signed = createTesseraClient({ baseUrl: proxy.url, apiKey: m.key, signingKey: { keyId: key.id, privateKey: pair.privateKeyPem } });
    const customer = unwrap(await signed.POST('/v1/customers', { body: validCustomer() }));
    expect(customer.id).toMatch(/^cus_/);
    expect(proxy.seen).toHaveLength(2);
    expect(proxy.seen[0]!.nonce).not.toBeNull();
    expect(proxy.seen[1]!.nonce).not.toBe(proxy.seen[0]!.nonce);
    expect(proxy.seen[1]!.key).toBe(proxy.seen[0]!.key);

    // signRequest on its own, with plain fetch; a body changed after signing is refused.
    const body = JSON.stringify(validCustomer());
    const url = `${srv.base}/v1/customers`;
    const headers = await signRequest({
      method: 'POST', url, body, headers: { authorization: `Bearer ${m.key}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    }, { keyId: key.id, privateKey: pair.privateKeyPem });
    expect(headers['content-digest']).toMatch(/^sha-256=:[A-Za-z0-9+/]+=*:$/);
    const tampered = await fetch(url, { method: 'POST', headers, body: body.replace('Ada', 'Eve') });
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    const ok = await fetch(url, { method: 'POST', headers: { ...headers, 'idempotency-key': headers['idempotency-key']! }, body });
    expect(ok.status).toBe(201);
  });
});

describe('webhooks', () => {
  it('verifies a real delivery from the server to a loopback receiver and returns the typed event; tampering is refused', async () => {
    const m = await newMerchant(srv.base, 'Webhook merchant');
    const deliveries: { body: Buffer; headers: http.IncomingHttpHeaders }[] = [];
    const receiver = await local(async (req, res) => {
      deliveries.push({ body: await readBody(req), headers: req.headers });
      res.writeHead(200).end('ok');
    });
    const client = createTesseraClient({ baseUrl: srv.base, apiKey: m.key });
    const endpoint = unwrap(await client.POST('/v1/webhook_endpoints', { body: { url: `${receiver.url}/hooks`, events: ['customer.created'] } }));
    const customer = unwrap(await client.POST('/v1/customers', { body: validCustomer() }));

    const delivery = await waitFor(async () => {
      await srv.dispatchWebhooks();
      return deliveries[0] ?? null;
    }, 30_000, 'a webhook delivery');
    const event: WebhookEvent = verifyWebhook(endpoint.secret, delivery.body, delivery.headers);
    expect(event).toMatchObject({ type: 'customer.created', object: 'event', livemode: false });
    if (event.type !== 'customer.created') throw new Error(`unexpected ${event.type}`);
    // Narrowed by `type`: data.object is a customer.
    expect(event.data.object.email).toBe(customer.email);
    expect(event.data.object.id).toBe(customer.id);
    expect(event.id).toBe(delivery.headers['webhook-id']);

    expect(() => verifyWebhook(endpoint.secret, delivery.body.toString().replace(customer.id, 'cus_forged'), delivery.headers))
      .toThrow(WebhookVerificationError);
    const other = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(() => verifyWebhook(other, delivery.body, delivery.headers)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(endpoint.secret, delivery.body, { ...delivery.headers, 'webhook-signature': undefined })).toThrow(WebhookVerificationError);
  });
});

describe('the KazePay gateway', () => {
  it('builds a signed, encrypted request the real gateway accepts, and opens its verified answer', async () => {
    const m = await newMerchant(srv.base, 'KazePay merchant');
    const client = createTesseraClient({ baseUrl: srv.base, apiKey: m.key });
    const pair = await kazepay.generateRsaKeyPair();
    const keys = unwrap(await client.PUT('/v1/gateway_keys', { body: { public_key_pem: pair.publicKeyPem } }));
    const creds = { sysId: keys.sys_id, merchantPrivateKey: pair.privateKeyPem, gatewayPublicKey: keys.gateway_public_key_pem };

    const customer = unwrap(await client.POST('/v1/customers', { body: validCustomer() }));
    const gateway = new KazePayClient({ baseUrl: srv.base, ...creds });
    const status = await gateway.call('queryUcardKycStatus', { email: customer.email });
    expect(status.head).toMatchObject({ apiCode: 'queryUcardKycStatus', code: 'SUCCESS', sysId: keys.sys_id });
    expect(status.result).toMatchObject({ encrypt: 'SUCCESS' });

    const unknown = await gateway.call('queryUcardKycStatus', { email: 'nobody@example.com' });
    expect(unknown.result).toMatchObject({ encrypt: 'FAILED', code: 'resource_not_found' });

    // The builder and opener without the client: an answer opened with another gateway key does not verify.
    const request = kazepay.buildRequest(creds, 'queryUcardKycStatus', { email: customer.email });
    const res = await fetch(`${srv.base}/kazepay/gateway`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    const answer: unknown = await res.json();
    expect(kazepay.openResponse(creds, answer, request.head).head.requestNo).toBe(request.head.requestNo);
    const stranger = await kazepay.generateRsaKeyPair();
    expect(() => kazepay.openResponse({ ...creds, gatewayPublicKey: stranger.publicKeyPem }, answer, request.head)).toThrow(KazePayError);
    // A request signed with a key the gateway does not know is refused, unsigned.
    const forged = await new KazePayClient({ baseUrl: srv.base, ...creds, merchantPrivateKey: stranger.privateKeyPem })
      .call('queryUcardKycStatus', { email: customer.email }).catch((e: unknown) => e);
    expect(forged).toBeInstanceOf(KazePayError);
    expect((forged as KazePayError).kind).toBe('request_not_verified');
  });
});

describe('the README example', () => {
  const example = path.join(ROOT, 'packages/sdk/examples/quickstart.ts');

  it('is examples/quickstart.ts, byte for byte', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'packages/sdk/README.md'), 'utf8');
    const block = /<!-- example:start -->\n```ts\n([\s\S]*?)```\n<!-- example:end -->/.exec(readme);
    expect(block, 'the README has the example block').not.toBeNull();
    expect(block![1]).toBe(fs.readFileSync(example, 'utf8'));
  });

  it('runs against the real server and prints what it says', async () => {
    const m = await newMerchant(srv.base, 'README merchant');
    const child = spawn(process.execPath, ['--import', 'tsx', example], {
      cwd: ROOT, env: { ...process.env, TESSERA_URL: srv.base, TESSERA_API_KEY: m.key }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, err).toBe(0);
    const lines = out.trim().split('\n');
    // 100.00 funded, 12.50 held plus the default fee of 1.00 + 1 % (0.13): 86.37 left.
    expect(lines[0]).toMatch(/^approved: \d{4} \*{4} \*{4} \d{4} has 8637 USD cents left$/);
    expect(lines[1]).toMatch(/^404 resource_not_found \(request req_\w+\)$/);
  }, 60_000);
});
