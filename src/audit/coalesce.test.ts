import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/harness.ts';
import { ManualClock } from '../lib/clock.ts';
import { verifyAuditChain } from './index.ts';
import { FailureAudit, type FailedAttempt } from './coalesce.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t.close());

const attempt = (origin: string, code = 'invalid_api_key'): FailedAttempt =>
  ({ action: 'test.failure', origin, group: origin, target: '/v1/x', code, details: { method: 'GET' } });

async function rows() {
  const { rows: r } = await t.db.query<{ action: string; origin: string | null; details: Record<string, unknown> }>(
    "SELECT action, origin, details FROM audit_log WHERE action LIKE 'test.failure%' ORDER BY seq");
  return r;
}

describe('FailureAudit', () => {
  it('per origin and minute: the first failure at once, the rest as one summary with counts per code, never an update', async () => {
    const clock = new ManualClock(new Date('2026-11-22T12:00:30Z'));
    const errors: unknown[] = [];
    const audit = new FailureAudit(t.db, clock, { onError: (err) => errors.push(err), originsMax: 2 });
    await Promise.all([
      ...Array.from({ length: 40 }, () => audit.record(attempt('10.0.0.1'))),
      audit.record(attempt('10.0.0.1', 'invalid_token')),
      audit.record(attempt('10.0.0.2')),
      // Past the crowd limit: counted together, under no origin.
      audit.record(attempt('10.0.0.3')), audit.record(attempt('10.0.0.4')), audit.record(attempt('10.0.0.5')),
    ]);
    // Appended concurrently: in any order.
    expect((await rows()).map((r) => [r.action, r.origin])).toEqual(expect.arrayContaining([
      ['test.failure', '10.0.0.1'], ['test.failure', '10.0.0.2'], ['test.failure', null],
    ]));
    await audit.flushDue();
    expect(await rows()).toHaveLength(3);

    clock.advance(30_000);
    await audit.record(attempt('10.0.0.1'));
    await audit.flushDue();
    const summaries = (await rows()).filter((r) => r.action === 'test.failure.summary');
    expect(summaries).toHaveLength(2);
    expect(summaries.map((r) => [r.origin, r.details.count, r.details.codes])).toEqual([
      ['10.0.0.1', 41, { invalid_api_key: 40, invalid_token: 1 }],
      [null, 3, { invalid_api_key: 3 }],
    ]);
    expect(summaries[0]!.details).toMatchObject({ from: '2026-11-22T12:00:00.000Z', to: '2026-11-22T12:01:00.000Z' });

    await audit.record(attempt('10.0.0.1'));
    await audit.flushAll();
    // The next minute started with a row of its own (before the first minute's summaries), and ends in a summary of 2.
    expect((await rows()).slice(3).map((r) => [r.action, r.origin, r.details.count])).toEqual([
      ['test.failure', '10.0.0.1', undefined], ['test.failure.summary', '10.0.0.1', 41], ['test.failure.summary', null, 3],
      ['test.failure.summary', '10.0.0.1', 2],
    ]);
    expect(errors).toEqual([]);
    expect((await verifyAuditChain(t.db)).brokenAt).toBeNull();
  });
});
