import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { E2E_ADMIN_TOKEN, call, expectOk, merchantWithCards, startServer, waitFor, type ServerProcess } from './server-process.ts';
import { chromiumMissing, launch, screenshot, seriousViolations } from './dashboard/browser.ts';
import { png } from '../fixtures/images.ts';

/**
 * The dashboard in a real headless Chromium against the real server process (what `npm start` runs): the operator's
 * KYC review, the merchant's cards, transactions, webhooks and keys, and the security properties (no PAN on the
 * wire, CSRF, sessions, headers, accessibility).
 */

const skip = chromiumMissing();
if (skip) console.log(`dashboard browser tests skipped: ${skip}`);

const dataUrl = (bytes: Buffer) => `data:image/png;base64,${bytes.toString('base64')}`;

describe.skipIf(skip !== null)('dashboard in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let receiver: http.Server;
  const received: Array<{ id: string; type: string }> = [];
  let merchant: { key: string; cards: string[] };
  let other: { key: string; cards: string[] };
  let pan: string;
  const kycCustomers: string[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-dash-'));
    server = await startServer({ TESSERA_DATA_DIR: dataDir, TESSERA_WEBHOOKS_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'warn' }, 120_000);
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        try {
          const event = JSON.parse(body) as { id: string; type: string };
          received.push({ id: event.id, type: event.type });
        } catch {
          // not an event
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const made = await merchantWithCards(server.base, 1);
    other = await merchantWithCards(server.base, 1);
    // The dashboard's merchant signs in with a key that may reveal cards (Reveal is offered only then).
    const me = await expectOk(call(server.base, 'GET', '/v1/merchant', { key: made.key }));
    const full = await expectOk(call(server.base, 'POST', `/admin/v1/merchants/${me.id}/keys`, {
      headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` }, body: { mode: 'sandbox', scopes: ['read', 'write', 'cards:reveal', 'keys:write'] },
    }), 201);
    merchant = { key: full.api_key as string, cards: made.cards };
    const card = merchant.cards[0]!;
    pan = (await expectOk(call(server.base, 'GET', `/v1/cards/${card}/details`, { key: merchant.key }))).number as string;
    expect(pan).toMatch(/^\d{16}$/);
    await expectOk(call(server.base, 'POST', `/v1/cards/${card}/fund`, { key: merchant.key, body: { amount: 50_00 } }));
    const merchantBody = { name: 'Corner Coffee', mcc: '5814', country: 'US' };
    await expectOk(call(server.base, 'POST', '/v1/simulate/authorizations', { key: merchant.key, body: { card_id: card, amount: 12_34, currency: 'USD', merchant: merchantBody } }));
    await expectOk(call(server.base, 'POST', '/v1/simulate/authorizations', { key: merchant.key, body: { card_id: card, amount: 9_000_00, currency: 'USD', merchant: merchantBody } }));
    // Two KYC submissions waiting for the operator, with all three images each.
    for (const name of ['Grace', 'Linus']) {
      const customer = await expectOk(call(server.base, 'POST', '/v1/customers', {
        key: merchant.key,
        body: { first_name: name, last_name: 'Tester', email: `${name.toLowerCase()}.${Date.now()}@example.com`, phone_prefix: '33', phone_number: '612345678', phone_country: 'FR', date_of_birth: '1990-04-25', address: { line1: '1 Rue', city: 'Paris', state: 'IDF', postal_code: '75002', country: 'FR' } },
      }), 201);
      await expectOk(call(server.base, 'POST', `/v1/customers/${customer.id}/kyc`, {
        key: merchant.key,
        body: { identification_type: 'ID_CARD', identification_number: 'X1234567', identification_expiry_date: '2031-01-01', front_image: dataUrl(png(64, 40)), back_image: dataUrl(png(64, 40)), handheld_image: dataUrl(png(40, 64)) },
      }));
      kycCustomers.push(customer.id);
    }
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    receiver?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signIn(context: BrowserContext, label: 'Admin token' | 'API key', credential: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${server.base}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/signin');
    await page.getByLabel(label).fill(credential);
    await page.locator('form', { has: page.getByLabel(label) }).getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname !== '/dashboard/signin');
    return page;
  }

  async function checkPage(page: Page, shot: string): Promise<void> {
    await screenshot(page, shot);
    const violations = await seriousViolations(page);
    expect(violations.map((v) => `${shot}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }

  it('sends the security headers: a CSP without inline scripts, X-Frame-Options DENY, a Referrer-Policy', async () => {
    for (const url of ['/dashboard/signin', '/dashboard/assets/dashboard.js']) {
      const res = await fetch(`${server.base}${url}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const page = await fetch(`${server.base}/dashboard/signin`);
    expect(page.headers.get('cache-control')).toBe('no-store');
    // The dashboard is not API: it is absent from the OpenAPI document.
    const doc = await (await fetch(`${server.base}/openapi.json`)).text();
    expect(doc).not.toContain('/dashboard');
  }, 120_000);

  it('refuses a wrong admin token and a wrong API key with the API\'s message', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.base}/dashboard/signin`);
    await checkPage(page, '00-sign-in');
    await page.getByLabel('Admin token').fill('not-the-admin-token-at-all');
    await page.locator('form', { has: page.getByLabel('Admin token') }).getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/admin token is not valid/i);
    await page.getByLabel('API key').fill('sk_sandbox_nope');
    await page.locator('form', { has: page.getByLabel('API key') }).getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toBeTruthy();
    expect(new URL(page.url()).pathname).toBe('/dashboard/signin');
    await context.close();
  }, 120_000);

  it('operator: every page renders accessibly; KYC review shows the three images and approves one, rejects another', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await signIn(context, 'Admin token', E2E_ADMIN_TOKEN);
    const cookie = (await context.cookies()).find((c) => c.name === 'tessera_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(await page.evaluate('Object.keys(localStorage).length + Object.keys(sessionStorage).length')).toBe(0);
    const pages = ['Overview', 'Merchants', 'KYC review', 'Card stock', 'Ledger', 'Audit log', 'FX rates', 'Fee schedules'];
    for (const [i, name] of pages.entries()) {
      await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(name);
      await checkPage(page, `op-${String(i + 1).padStart(2, '0')}-${name.toLowerCase().replace(/ /g, '-')}`);
    }
    await page.goto(`${server.base}/dashboard/overview`);
    expect(await page.locator('svg[role=img] rect.bar-approved').count()).toBe(24);
    expect(await page.locator('.tile', { hasText: 'KYC queue' }).textContent()).toContain('2');

    // Approve the first submission.
    await page.goto(`${server.base}/dashboard/kyc`);
    await page.getByRole('link', { name: 'Grace Tester' }).click();
    const images = page.locator('.documents img');
    expect(await images.count()).toBe(3);
    // Polled over CDP (page.evaluate): waitForFunction evaluates strings inside the page, which its CSP forbids.
    await expect.poll(() => page.evaluate("[...document.querySelectorAll('.documents img')].every((img) => img.complete)"), { timeout: 15_000 }).toBe(true);
    const loaded = await page.evaluate<Array<{ alt: string; width: number }>>("[...document.querySelectorAll('.documents img')].map((img) => ({ alt: img.alt, width: img.naturalWidth }))");
    expect(loaded.map((l) => l.alt)).toEqual(['Front of the document', 'Back of the document', 'Customer holding the document']);
    for (const l of loaded) expect(l.width).toBeGreaterThan(0);
    await checkPage(page, 'op-09-kyc-submission');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('PASSED');

    // Reject the second, with a reason.
    await page.getByRole('link', { name: 'Linus Tester' }).click();
    await page.getByLabel('Reason for rejection').fill('The document photo is blurred.');
    await page.getByRole('button', { name: 'Reject' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('REJECTED');
    await checkPage(page, 'op-10-kyc-queue-after');

    const kyc = async (id: string) => (await expectOk(call(server.base, 'GET', `/v1/customers/${id}/kyc`, { key: merchant.key }))).status;
    expect(await kyc(kycCustomers[0]!)).toBe('PASSED');
    expect(await kyc(kycCustomers[1]!)).toBe('REJECTED');
    const rejected = await expectOk(call(server.base, 'GET', `/v1/customers/${kycCustomers[1]}/kyc`, { key: merchant.key }));
    expect(rejected.reason).toBe('The document photo is blurred.');
    // The decisions are audited.
    await page.goto(`${server.base}/dashboard/audit-log?target=${kycCustomers[0]}`);
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    // A decided submission opens directly by its customer id (GET /admin/v1/kyc/{customerId}), with no decision buttons.
    await page.goto(`${server.base}/dashboard/kyc/${kycCustomers[0]}`);
    expect(await page.locator('.facts').textContent()).toContain('PASSED');
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect((await page.goto(`${server.base}/dashboard/kyc/cus_00000000000000000000000000`))!.status()).toBe(404);

    // An account's transfer history on the Ledger page: the card's funding and its approved hold, formatted in dollars.
    await page.goto(`${server.base}/dashboard/ledger`);
    await page.getByLabel('Account id').fill(`${merchant.cards[0]}:available`);
    await page.getByRole('button', { name: 'Show transfers' }).click();
    const transfers = page.getByRole('region', { name: `Transfers of ${merchant.cards[0]}:available` }).locator('tbody tr');
    const rows = (await transfers.allTextContents()).join(' | ');
    expect(rows).toContain('$50.00');
    expect(rows).toContain('$12.34');
    expect(rows).toContain('pending');
    await checkPage(page, 'op-11-ledger-account');
    await page.getByLabel('Account id').fill('no-such-account');
    await page.getByRole('button', { name: 'Show transfers' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('No such ledger account');
    await context.close();
  }, 120_000);

  it('merchant: finds a customer, sees the card masked and never its PAN, freezes it, filters transactions', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const bodies: string[] = [];
    const pending: Promise<void>[] = [];
    context.on('response', (res) => {
      pending.push(res.body().then((b) => void bodies.push(b.toString('latin1'))).catch(() => undefined));
    });
    const page = await signIn(context, 'API key', merchant.key);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Customers');
    await checkPage(page, 'm-01-customers');
    const card = merchant.cards[0]!;
    const cardJson = await expectOk(call(server.base, 'GET', `/v1/cards/${card}`, { key: merchant.key }));
    const customerJson = await expectOk(call(server.base, 'GET', `/v1/customers/${cardJson.customer_id}`, { key: merchant.key }));
    await page.getByLabel('Email or customer id').fill(customerJson.email as string);
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.locator('tbody a').first().click();
    await checkPage(page, 'm-02-customer');
    await page.getByRole('link', { name: cardJson.masked_number as string }).click();
    expect(await page.locator('.card-face .pan').textContent()).toBe(cardJson.masked_number);
    await checkPage(page, 'm-03-card');

    for (const [i, name] of ['Cards', 'Transactions', 'Webhooks', 'API keys', 'Sandbox'].entries()) {
      await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
      await checkPage(page, `m-${String(i + 4).padStart(2, '0')}-${name.toLowerCase().replace(/ /g, '-')}`);
    }

    // Freeze, then the API shows INACTIVE.
    await page.goto(`${server.base}/dashboard/cards/${card}`);
    await page.getByRole('button', { name: 'Freeze' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Card frozen');
    expect((await expectOk(call(server.base, 'GET', `/v1/cards/${card}`, { key: merchant.key }))).status).toBe('INACTIVE');

    // Transactions filtered by type and status.
    await page.goto(`${server.base}/dashboard/transactions`);
    await page.getByLabel('Type').selectOption('authorization');
    await page.getByLabel('Status').selectOption('declined');
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('$9,000.00');
    await checkPage(page, 'm-09-transactions-filtered');
    await page.getByLabel('Status').selectOption('');
    await page.getByRole('button', { name: 'Filter' }).click();
    expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    await page.locator('tbody a[href^="/dashboard/authorizations/"]').first().click();
    expect(await page.locator('ol.timeline li').count()).toBeGreaterThan(0);
    await checkPage(page, 'm-10-authorization');

    await Promise.all(pending);
    expect(bodies.length).toBeGreaterThan(20);
    const digits = pan.replace(/\D/g, '');
    for (const body of bodies) expect(body.replace(/[\s-]/g, '')).not.toContain(digits);
    await context.close();
  }, 120_000);

  it('merchant: reveals the card number behind a click and hides it again after 30 seconds', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'API key', merchant.key);
    await page.clock.install();
    await page.goto(`${server.base}/dashboard/cards/${merchant.cards[0]}`);
    const number = page.locator('[data-reveal-target=number]');
    expect((await number.textContent())!.replace(/\s/g, '')).not.toBe(pan);
    await page.getByRole('button', { name: 'Reveal' }).click();
    await expect.poll(async () => (await number.textContent())!.replace(/\s/g, ''), { timeout: 15_000 }).toBe(pan);
    await page.clock.runFor(31_000);
    expect((await number.textContent())!.replace(/\s/g, '')).not.toBe(pan);
    await context.close();
  }, 120_000);

  it('merchant: creates a webhook endpoint, sees its deliveries and replays one; creates a restricted key', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await signIn(context, 'API key', merchant.key);
    await page.goto(`${server.base}/dashboard/webhooks`);
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    await page.getByLabel('Endpoint URL').fill(url);
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Endpoint created');
    expect(await page.locator('.secret-once input').inputValue()).toMatch(/^whsec_/);
    const endpointPath = new URL(page.url()).pathname;
    // An event for it: a new customer.
    await expectOk(call(server.base, 'POST', '/v1/customers', {
      key: merchant.key,
      body: { first_name: 'Hook', last_name: 'Tester', email: `hook.${Date.now()}@example.com`, phone_prefix: '33', phone_number: '612345678', phone_country: 'FR', date_of_birth: '1990-04-25', address: { line1: '1 Rue', city: 'Paris', state: 'IDF', postal_code: '75002', country: 'FR' } },
    }), 201);
    const first = await waitFor(() => received.find((r) => r.type === 'customer.created') ?? null, 20_000, 'the first delivery');
    await waitFor(async () => {
      await page.goto(`${server.base}${endpointPath}`);
      return (await page.getByRole('button', { name: 'Replay' }).count()) > 0 ? true : null;
    }, 20_000, 'a delivery attempt on the page');
    await checkPage(page, 'm-11-webhook-endpoint');
    await page.getByRole('button', { name: 'Replay' }).first().click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Replay queued');
    await waitFor(() => (received.filter((r) => r.id === first.id).length >= 2 ? true : null), 20_000, 'the replayed delivery');

    await page.goto(`${server.base}/dashboard/api-keys`);
    await page.getByLabel('Key name').fill('support desk');
    await page.getByRole('checkbox', { name: 'read' }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.locator('.secret-once input').inputValue();
    expect(secret).toMatch(/^sk_sandbox_/);
    await checkPage(page, 'm-12-api-key-created');
    const keys = await expectOk(call(server.base, 'GET', '/v1/api_keys?limit=100', { key: merchant.key }));
    const created = (keys.data as Array<{ name: string; scopes: string[] }>).find((k) => k.name === 'support desk');
    expect(created?.scopes).toEqual(['read']);

    // The same form sent twice (a double click, the browser re-posting it) creates one key: its API call carries the
    // form's Idempotency-Key, and the second is a replay.
    await page.goto(`${server.base}/dashboard/api-keys`);
    const form = page.locator('form[action="/dashboard/api-keys"]');
    const hidden = { _csrf: await form.locator('input[name=_csrf]').inputValue(), _form: await form.locator('input[name=_form]').inputValue() };
    for (let i = 0; i < 2; i++) {
      const sent = await page.request.post(`${server.base}/dashboard/api-keys`, { form: { ...hidden, name: 'sent twice', scopes: 'read' }, maxRedirects: 0 });
      expect(sent.status()).toBe(303);
    }
    const after = await expectOk(call(server.base, 'GET', '/v1/api_keys?limit=100', { key: merchant.key }));
    expect((after.data as Array<{ name: string }>).filter((k) => k.name === 'sent twice')).toHaveLength(1);
    // The restricted key reads but cannot write.
    expect((await call(server.base, 'GET', '/v1/cards', { key: secret })).status).toBe(200);
    expect((await call(server.base, 'POST', '/v1/customers', { key: secret, body: {} })).status).toBe(403);
    await context.close();
  }, 120_000);

  it('a merchant session is refused operator pages and another merchant\'s card; a POST without the CSRF token is refused', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'API key', merchant.key);
    for (const p of ['/dashboard/overview', '/dashboard/kyc', '/dashboard/merchants']) {
      const res = await page.goto(`${server.base}${p}`);
      expect(res!.status()).toBe(404);
    }
    const res = await page.goto(`${server.base}/dashboard/cards/${other.cards[0]}`);
    expect(res!.status()).toBe(404);
    expect(await page.getByRole('alert').textContent()).toBeTruthy();
    await checkPage(page, 'm-13-other-merchants-card');

    // Unfreeze without the token: refused, and the card stays INACTIVE.
    const card = merchant.cards[0]!;
    const refused = await page.request.post(`${server.base}/dashboard/cards/${card}/unfreeze`, { form: { nothing: 'here' }, maxRedirects: 0 });
    expect(refused.status()).toBe(403);
    const wrong = await page.request.post(`${server.base}/dashboard/cards/${card}/unfreeze`, { form: { _csrf: 'forged' }, maxRedirects: 0 });
    expect(wrong.status()).toBe(403);
    expect((await expectOk(call(server.base, 'GET', `/v1/cards/${card}`, { key: merchant.key }))).status).toBe('INACTIVE');
    // With the page's own token it goes through.
    await page.goto(`${server.base}/dashboard/cards/${card}`);
    await page.getByRole('button', { name: 'Unfreeze' }).click();
    expect((await expectOk(call(server.base, 'GET', `/v1/cards/${card}`, { key: merchant.key }))).status).toBe('ACTIVE');
    await context.close();
  }, 120_000);

  it('signing out ends the session: the old cookie no longer opens a page', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'API key', merchant.key);
    const cookie = (await context.cookies()).find((c) => c.name === 'tessera_session')!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/dashboard/signin');
    const replay = await fetch(`${server.base}/dashboard/customers`, { headers: { cookie: `tessera_session=${cookie.value}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/dashboard/signin');
    await context.close();
  });
});
