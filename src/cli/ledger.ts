import type { Command } from 'commander';
import type { Db } from '../db/index.ts';
import { verifyLedger, type VerifyReport } from '../ledger/index.ts';

const json = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);

function formatReport(r: VerifyReport): string {
  const lines = [`ledger verify: ${r.ok ? 'OK' : `${r.violations.length}${r.truncated ? '+' : ''} violation(s)`}, ${r.transfers} transfers`];
  for (const l of r.ledgers) {
    lines.push(`  ${l.ledger} ${l.currency}: ${l.accounts} accounts, debits posted ${l.debitsPosted} / credits posted ${l.creditsPosted}, `
      + `debits pending ${l.debitsPending} / credits pending ${l.creditsPending}`);
  }
  for (const v of r.violations) {
    const where = [v.ledger === null ? null : `ledger ${v.ledger}`, v.accountId && `account ${v.accountId}`, v.transferId && `transfer ${v.transferId}`]
      .filter(Boolean).join(', ');
    lines.push(`  ✗ ${v.kind}${where ? ` (${where})` : ''}: ${v.detail}`);
  }
  return lines.join('\n');
}

/**
 * `tessera ledger verify`: check the ledger invariants and print the report;
 * the exit code is 1 when anything is broken, so a cron job or CI can alert.
 */
export function registerLedgerCommands(program: Command, open: () => Promise<{ db: Db; close(): Promise<void> }>): void {
  const ledger = program.command('ledger').description('Inspect the double-entry ledger');
  ledger.command('verify')
    .description('Check the ledger invariants (exit code 1 on any violation)')
    .option('--json', 'print the report as JSON (amounts as strings)')
    .action(async (opts: { json?: boolean }) => {
      const { db, close } = await open();
      try {
        const report = await verifyLedger(db);
        console.log(opts.json ? json(report) : formatReport(report));
        if (!report.ok) process.exitCode = 1;
      } finally {
        await close();
      }
    });
}
