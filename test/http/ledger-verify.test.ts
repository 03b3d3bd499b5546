import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { registerLedgerCommands } from '../../src/cli/ledger.ts';
import { AMOUNT_MAX, createAccounts, createTransfersTx } from '../../src/ledger/index.ts';

let t: TestApp;
/** The CLI asks a running server (GET /admin/v1/ledger/verify): this app, listening on loopback. */
let base: string;
beforeAll(async () => {
  t = await buildTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  await t.db.transaction((tx) => createAccounts(tx, [
    { id: 'lv-world', ledger: 840, code: 'external_funding' },
    { id: 'lv-wallet', ledger: 840, code: 'merchant_wallet', flags: ['debits_must_not_exceed_credits'] },
  ]));
  // 10 × AMOUNT_MAX + 1 = 10^16 + 1: above 2^53, so a JSON number would lose the 1.
  const deposits = [...Array.from({ length: 10 }, () => AMOUNT_MAX), 1n].map((amount, i) => ({
    id: `lv-deposit-${i}`, debitAccountId: 'lv-world', creditAccountId: 'lv-wallet', amount, ledger: 840, code: 'deposit',
  }));
  const results = await createTransfersTx(t.db, deposits, { now: t.clock.now() });
  expect(results.every((r) => r.result === 'ok')).toBe(true);
});
afterAll(async () => t.close());

async function runCli(): Promise<{ out: string; exitCode: number }> {
  const program = new Command('tessera').exitOverride();
  registerLedgerCommands(program);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const before = process.exitCode;
  try {
    await program.parseAsync(['node', 'tessera', 'ledger', 'verify', '--url', base, '--admin-token', ADMIN_TOKEN]);
    return { out: log.mock.calls.map((c) => String(c[0])).join('\n'), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    log.mockRestore();
    process.exitCode = before;
  }
}

// Runs in order: the last test corrupts this file's database on purpose.
describe('ledger verify: GET /admin/v1/ledger/verify and `tessera ledger verify`', () => {
  it('needs the admin token', async () => {
    const merchant = await createMerchant(t.app);
    for (const headers of [{}, bearer(merchant.key), bearer('wrong-token-wrong-token')]) {
      expect((await t.app.inject({ url: '/admin/v1/ledger/verify', headers })).statusCode).toBe(401);
    }
  });

  it('answers a clean report, amounts as exact strings', async () => {
    const res = await t.app.inject({ url: '/admin/v1/ledger/verify', headers: adminHeaders });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ object: 'ledger_verification', ok: true, violations: [], truncated: false });
    expect(body.ledgers).toContainEqual(expect.objectContaining({
      ledger: 840, currency: 'USD', debits_posted: '10000000000000001', credits_posted: '10000000000000001', debits_pending: '0',
    }));
  });

  it('the CLI prints the report and exits 0', async () => {
    const { out, exitCode } = await runCli();
    expect(out).toMatch(/^ledger verify: OK/);
    expect(out).toContain('debits posted 10000000000000001 / credits posted 10000000000000001');
    expect(exitCode).toBe(0);
  });

  it('reports a corruption: 200 with ok false, and the CLI exits 1', async () => {
    await t.db.query(`UPDATE ledger_accounts SET credits_posted = credits_posted + 5 WHERE id = 'lv-wallet'`);
    const body = (await t.app.inject({ url: '/admin/v1/ledger/verify', headers: adminHeaders })).json();
    expect(body.ok).toBe(false);
    expect(body.violations).toContainEqual(expect.objectContaining({ kind: 'ledger_posted_unbalanced', ledger: 840, account_id: null }));
    expect(body.violations).toContainEqual(expect.objectContaining({ kind: 'account_counters_mismatch', account_id: 'lv-wallet' }));
    const { out, exitCode } = await runCli();
    expect(exitCode).toBe(1);
    expect(out).toContain('account_counters_mismatch (ledger 840, account lv-wallet)');
  });
});
