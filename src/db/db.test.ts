import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, onPostgres, type TestDb } from '../../test/harness.ts';
import { TRANSACTION_ATTEMPTS_MAX } from './index.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t.close());

describe('Db', () => {
  it('reads int8 as bigint, also in arrays', async () => {
    const { rows } = await t.db.query('SELECT 9007199254740993::int8 AS a, ARRAY[1, -2]::int8[] AS b, NULL::int8 AS c');
    expect(rows[0]).toEqual({ a: 9007199254740993n, b: [1n, -2n], c: null });
  });

  it('keeps answering correctly after an SQL error, in and out of transactions', async () => {
    await expect(t.db.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    expect((await t.db.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    await expect(t.db.transaction((tx) => tx.query('SELECT 1/0'))).rejects.toMatchObject({ code: '22012' });
    expect((await t.db.query('SELECT 2 AS ok')).rows).toEqual([{ ok: 2 }]);
    expect((await t.db.query("SELECT '\\x6869'::bytea AS b, '2020-01-02'::date AS d")).rows[0]).toEqual({ b: Buffer.from('hi'), d: '2020-01-02' });
  });

  it('commits on success and rolls back on error', async () => {
    await t.db.query('CREATE TABLE tx_test (v int)');
    await t.db.transaction((tx) => tx.query('INSERT INTO tx_test VALUES (1)'));
    await expect(t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_test VALUES (2)');
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect((await t.db.query('SELECT v FROM tx_test')).rows).toEqual([{ v: 1 }]);
  });

  it('retries serialization failures and deadlocks a bounded number of times', async () => {
    let calls = 0;
    const result = await t.db.transaction(async () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error('could not serialize'), { code: calls === 1 ? '40001' : '40P01' });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    calls = 0;
    await expect(t.db.transaction(async () => {
      calls++;
      throw Object.assign(new Error('always'), { code: '40001' });
    })).rejects.toThrow('always');
    expect(calls).toBe(TRANSACTION_ATTEMPTS_MAX);
  });

  it.skipIf(!onPostgres)('retries a real serialization failure between two transactions', async () => {
    await t.db.query('CREATE TABLE ser_test (id int PRIMARY KEY, v int)');
    await t.db.query('INSERT INTO ser_test VALUES (1, 0)');
    const bump = () => t.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ v: number }>('SELECT v FROM ser_test WHERE id = 1');
      await new Promise((r) => setTimeout(r, 20));
      await tx.query('UPDATE ser_test SET v = $1 WHERE id = 1', [rows[0]!.v + 1]);
    }, { isolation: 'serializable' });
    await Promise.all([bump(), bump(), bump()]);
    expect((await t.db.query('SELECT v FROM ser_test')).rows[0]).toEqual({ v: 3 });
  });
});
