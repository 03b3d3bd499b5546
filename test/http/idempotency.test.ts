import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, buildTestApp, onPostgres, type TestApp } from '../harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const countMerchants = async () => Number((await t.db.query<{ n: bigint }>('SELECT count(*) AS n FROM merchants')).rows[0]!.n);

const create = (key: string | null, name: string, url = '/admin/v1/merchants') =>
  t.app.inject({ method: 'POST', url, headers: { ...adminHeaders, ...(key ? { 'idempotency-key': key } : {}) }, payload: { name } });

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, acting once', async () => {
    const before = await countMerchants();
    const first = await create('k-replay', 'Once');
    const second = await create('k-replay', 'Once');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.json()).toEqual(first.json());
    expect(await countMerchants()).toBe(before + 1);
  });

  it('refuses the same key with a different body: 422 idempotency_key_reused', async () => {
    await create('k-diff', 'First');
    const res = await create('k-diff', 'Second');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('idempotency_key_reused');
  });

  it('scopes keys by method and path', async () => {
    const a = await create('k-scope', 'Scoped');
    const merchantId = a.json().id;
    const b = await t.app.inject({
      method: 'POST', url: `/admin/v1/merchants/${merchantId}/keys`, headers: { ...adminHeaders, 'idempotency-key': 'k-scope' }, payload: { mode: 'sandbox' },
    });
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses a key over 255 characters with 400, and an empty one', async () => {
    const long = await create('x'.repeat(256), 'Long');
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toMatchObject({ code: 'idempotency_key_too_long', param: 'Idempotency-Key' });
    expect((await create('x'.repeat(255), 'Max')).statusCode).toBe(201);
  });

  it('stores a business error and replays it', async () => {
    const url = '/admin/v1/merchants/mch_01m80jq3m4f25b04kxejzk5vqd/keys';
    const send = () => t.app.inject({ method: 'POST', url, headers: { ...adminHeaders, 'idempotency-key': 'k-err' }, payload: { mode: 'live' } });
    const first = await send();
    expect(first.statusCode).toBe(404);
    const again = await send();
    expect(again.statusCode).toBe(404);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().error.request_id).toBe(first.json().error.request_id);
  });

  it('does not store validation failures: the corrected request then succeeds under the same key', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/admin/v1/merchants', headers: { ...adminHeaders, 'idempotency-key': 'k-valid' }, payload: { name: '' } });
    expect(bad.statusCode).toBe(400);
    expect((await create('k-valid', 'Fixed')).statusCode).toBe(201);
  });

  it('keeps keys 24 hours, then lets them be used again', async () => {
    const before = await countMerchants();
    await create('k-ttl', 'TTL');
    t.clock.advance(23 * 3600 * 1000);
    expect((await create('k-ttl', 'TTL')).headers['idempotent-replayed']).toBe('true');
    t.clock.advance(2 * 3600 * 1000);
    const later = await create('k-ttl', 'TTL');
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(await countMerchants()).toBe(before + 2);
  });
});

describe.skipIf(!onPostgres)('Idempotency-Key under concurrency (PostgreSQL)', () => {
  it('32 concurrent requests with one key have exactly one effect', async () => {
    for (let round = 0; round < 3; round++) {
      const before = await countMerchants();
      const key = `k-race-${round}`;
      const responses = await Promise.all(Array.from({ length: 32 }, () => create(key, `Race ${round}`)));
      const statuses = responses.map((r) => r.statusCode);
      expect(statuses.every((s) => s === 201 || s === 409), statuses.join(',')).toBe(true);
      const ids = new Set(responses.filter((r) => r.statusCode === 201).map((r) => r.json().id));
      expect(ids.size).toBe(1);
      for (const r of responses.filter((x) => x.statusCode === 409)) expect(r.json().error.code).toBe('idempotency_key_in_flight');
      expect(await countMerchants()).toBe(before + 1);
    }
  });
});
