import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { dataUrl, jpeg, png } from '../fixtures/images.ts';
import { validCustomer } from '../fixtures/customers.ts';

let t: TestApp;
let m: { id: string; key: string };

beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'KYC Co');
});
afterAll(async () => t.close());

async function customer(key = m.key): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bearer(key), payload: validCustomer() });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const submission = (overrides: Record<string, unknown> = {}) => ({
  identification_type: 'PASSPORT', identification_number: 'A563F186', identification_expiry_date: '2099-12-31',
  front_image: dataUrl('image/jpeg', jpeg()), handheld_image: png().toString('base64'), ...overrides,
});

const submit = (id: string, payload: unknown, key = m.key) =>
  t.app.inject({ method: 'POST', url: `/v1/customers/${id}/kyc`, headers: bearer(key), payload: payload as object });

describe('KYC: happy paths', () => {
  it('submits, is reviewed by the operator with the images, and is approved', async () => {
    const id = await customer();
    const res = await submit(id, submission());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'WAITING_KYC', identification_number_last4: 'F186', reason: null });
    expect(res.body).not.toContain('A563F186');
    const status = (await t.app.inject({ url: `/v1/customers/${id}/kyc`, headers: bearer(m.key) })).json();
    expect(status.status).toBe('WAITING_KYC');
    const queue = (await t.app.inject({ url: '/admin/v1/kyc?status=WAITING_KYC&limit=100', headers: adminHeaders })).json();
    expect(queue.data.map((r: { customer_id: string }) => r.customer_id)).toContain(id);
    const front = await t.app.inject({ url: `/admin/v1/kyc/${id}/documents/front`, headers: adminHeaders });
    expect(front.statusCode).toBe(200);
    expect(front.headers['content-type']).toBe('image/jpeg');
    expect(front.rawPayload.equals(jpeg())).toBe(true);
    const handheld = await t.app.inject({ url: `/admin/v1/kyc/${id}/documents/handheld`, headers: adminHeaders });
    expect(handheld.headers['content-type']).toBe('image/png');
    expect(handheld.rawPayload.equals(png())).toBe(true);
    expect((await t.app.inject({ url: `/admin/v1/kyc/${id}/documents/back`, headers: adminHeaders })).statusCode).toBe(404);
    const approve = await t.app.inject({ method: 'POST', url: `/admin/v1/kyc/${id}/approve`, headers: adminHeaders });
    expect(approve.statusCode, approve.body).toBe(200);
    expect(approve.json().status).toBe('PASSED');
    const cust = (await t.app.inject({ url: `/v1/customers/${id}`, headers: bearer(m.key) })).json();
    expect(cust.kyc_status).toBe('PASSED');
    const again = await t.app.inject({ method: 'POST', url: `/admin/v1/kyc/${id}/approve`, headers: adminHeaders });
    expect(again.statusCode).toBe(409);
    const audit = (await t.db.query<{ action: string }>('SELECT action FROM audit_log WHERE target = $1 ORDER BY seq', [id])).rows.map((r) => r.action);
    expect(audit).toEqual(['kyc.document.view', 'kyc.document.view', 'kyc.approve']);
  });

  it('lets a rejected customer resubmit, and the sandbox simulator decide', async () => {
    const id = await customer();
    expect((await submit(id, submission({ identification_type: 'ID_CARD', back_image: dataUrl('image/png', png()) }))).statusCode).toBe(200);
    const reject = await t.app.inject({ method: 'POST', url: `/v1/simulate/kyc/${id}`, headers: bearer(m.key), payload: { decision: 'REJECTED', reason: 'Blurry photo' } });
    expect(reject.json()).toMatchObject({ status: 'REJECTED', reason: 'Blurry photo' });
    expect((await submit(id, submission())).statusCode).toBe(200);
    const pass = await t.app.inject({ method: 'POST', url: `/v1/simulate/kyc/${id}`, headers: bearer(m.key), payload: { decision: 'PASSED' } });
    expect(pass.json()).toMatchObject({ status: 'PASSED', reason: null });
    const events = (await t.db.query<{ data: { object: { status: string } } }>(
      "SELECT data FROM events WHERE type = 'kyc.updated' AND data->'object'->>'customer_id' = $1 ORDER BY id", [id])).rows;
    expect(events.map((e) => e.data.object.status)).toEqual(['WAITING_KYC', 'REJECTED', 'WAITING_KYC', 'PASSED']);
  });
});

describe('KYC: errors', () => {
  it.each([
    ['a text file as image', { front_image: Buffer.from('hello world, not an image').toString('base64') }, 'front_image'],
    ['a PNG declared as JPEG', { front_image: dataUrl('image/jpeg', png()) }, 'front_image'],
    ['a GIF data URL', { front_image: dataUrl('image/gif', png()) }, 'front_image'],
    ['broken base64', { handheld_image: '!!!notbase64!!!' }, 'handheld_image'],
    ['ID_CARD without back', { identification_type: 'ID_CARD' }, 'back_image'],
    ['an expired document', { identification_expiry_date: '2020-01-01' }, 'identification_expiry_date'],
    ['an impossible date', { identification_expiry_date: '2099-02-30' }, 'identification_expiry_date'],
    ['a bad type', { identification_type: 'DRIVING_LICENCE' }, 'identification_type'],
  ])('refuses %s with 400 naming the field, writing nothing', async (_n, overrides, param) => {
    const id = await customer();
    const res = await submit(id, submission(overrides));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.param).toBe(param);
    expect((await t.app.inject({ url: `/v1/customers/${id}/kyc`, headers: bearer(m.key) })).json().status).toBe('NOT_STARTED');
  });

  it('refuses an image over 5 MiB', async () => {
    const id = await customer();
    const res = await submit(id, submission({ front_image: jpeg(5 * 1024 * 1024 + 1).toString('base64') }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.param).toBe('front_image');
  });

  it('refuses a second submission while waiting: 409', async () => {
    const id = await customer();
    await submit(id, submission());
    expect((await submit(id, submission())).statusCode).toBe(409);
  });
});

describe('KYC: security', () => {
  it("hides another merchant's customer and refuses the simulator with a live key", async () => {
    const other = await createMerchant(t.app, 'Other');
    const id = await customer();
    expect((await submit(id, submission(), other.key)).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/v1/customers/${id}/kyc`, headers: bearer(other.key) })).statusCode).toBe(404);
    await submit(id, submission());
    expect((await t.app.inject({ method: 'POST', url: `/v1/simulate/kyc/${id}`, headers: bearer(other.key), payload: { decision: 'PASSED' } })).statusCode).toBe(404);
    await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/live_access`, headers: adminHeaders });
    const live = (await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/keys`, headers: adminHeaders, payload: { mode: 'live' } })).json();
    const res = await t.app.inject({ method: 'POST', url: `/v1/simulate/kyc/${id}`, headers: bearer(live.api_key), payload: { decision: 'PASSED' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('sandbox_only');
  });

  it('stores images and document numbers only encrypted', async () => {
    const id = await customer();
    await submit(id, submission({ identification_number: 'ZX99887766' }));
    const { rows } = await t.db.query<{ sealed: Buffer }>('SELECT sealed FROM kyc_documents WHERE customer_id = $1', [id]);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.sealed.includes(jpeg().subarray(0, 10))).toBe(false);
      expect(r.sealed.includes(png().subarray(0, 8))).toBe(false);
    }
    const num = await t.db.query<{ n: Buffer }>('SELECT identification_number AS n FROM kyc_submissions WHERE customer_id = $1', [id]);
    expect(num.rows[0]!.n.toString('latin1')).not.toContain('ZX99887766');
  });

  it('needs the admin token for the review queue and documents', async () => {
    expect((await t.app.inject({ url: '/admin/v1/kyc', headers: bearer(m.key) })).statusCode).toBe(401);
  });
});
