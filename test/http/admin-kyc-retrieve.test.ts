import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { dataUrl, jpeg, png } from '../fixtures/images.ts';
import { validCustomer } from '../fixtures/customers.ts';

/** GET /admin/v1/kyc/{customerId}: one submission for the operator, without paging through the queue. */

let t: TestApp;
let key: string;

beforeAll(async () => {
  t = await buildTestApp();
  key = (await createMerchant(t.app, 'KYC Co')).key;
});
afterAll(async () => t?.close());

async function submitted(type: 'PASSPORT' | 'ID_CARD'): Promise<string> {
  const customer = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bearer(key), payload: validCustomer() });
  expect(customer.statusCode, customer.body).toBe(201);
  const id = customer.json().id as string;
  const res = await t.app.inject({
    method: 'POST', url: `/v1/customers/${id}/kyc`, headers: bearer(key),
    payload: {
      identification_type: type, identification_number: 'A563F186', identification_expiry_date: '2099-12-31',
      front_image: dataUrl('image/jpeg', jpeg()), handheld_image: png().toString('base64'),
      ...(type === 'ID_CARD' ? { back_image: dataUrl('image/png', png()) } : {}),
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  return id;
}

const retrieve = (id: string, headers: Record<string, string> = adminHeaders) => t.app.inject({ url: `/admin/v1/kyc/${id}`, headers });

describe('GET /admin/v1/kyc/{customerId}', () => {
  it('answers the submission as the queue lists it, and after a decision too', async () => {
    const id = await submitted('ID_CARD');
    const res = await retrieve(id);
    expect(res.statusCode, res.body).toBe(200);
    const queue = (await t.app.inject({ url: '/admin/v1/kyc?status=WAITING_KYC&limit=100', headers: adminHeaders })).json();
    expect(res.json()).toEqual(queue.data.find((r: { customer_id: string }) => r.customer_id === id));
    expect(res.json()).toMatchObject({ status: 'WAITING_KYC', identification_number_last4: 'F186', documents: ['front', 'back', 'handheld'] });
    expect(res.body).not.toContain('A563F186');
    const reject = await t.app.inject({ method: 'POST', url: `/admin/v1/kyc/${id}/reject`, headers: adminHeaders, payload: { reason: 'Blurred photo' } });
    expect(reject.statusCode, reject.body).toBe(200);
    expect((await retrieve(id)).json()).toMatchObject({ status: 'REJECTED', reason: 'Blurred photo' });
  });

  it('lists only the front and handheld sides of a passport', async () => {
    expect((await retrieve(await submitted('PASSPORT'))).json().documents).toEqual(['front', 'handheld']);
  });

  it('answers 404 for a customer without a submission and for an unknown customer', async () => {
    const customer = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bearer(key), payload: validCustomer() });
    for (const id of [customer.json().id as string, 'cus_00000000000000000000000000']) {
      const res = await retrieve(id);
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'resource_not_found', param: 'customerId' });
    }
  });

  it('answers 400 for an id over 64 characters', async () => {
    const res = await retrieve(`cus_${'0'.repeat(70)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.param).toBe('customerId');
  });

  it('refuses a request without the admin token, and a merchant key for its own customer', async () => {
    const id = await submitted('PASSPORT');
    expect((await retrieve(id, {})).statusCode).toBe(401);
    const merchant = await retrieve(id, bearer(key));
    expect(merchant.statusCode).toBe(401);
    expect(merchant.json().error.code).toBe('invalid_admin_token');
    expect(merchant.body).not.toContain('F186');
  });
});
