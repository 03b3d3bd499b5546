import type { Command } from 'commander';
import type { paths } from '@tessera/sdk';
import { connect, deadline, printJson, request, withServer, type ServerOptions } from './server.ts';

type Report = paths['/admin/v1/ledger/verify']['get']['responses'][200]['content']['application/json'];

function formatReport(r: Report): string {
  const lines = [`ledger verify: ${r.ok ? 'OK' : `${r.violations.length}${r.truncated ? '+' : ''} violation(s)`}, ${r.transfers} transfers`];
  for (const l of r.ledgers) {
    lines.push(`  ${l.ledger} ${l.currency}: ${l.accounts} accounts, debits posted ${l.debits_posted} / credits posted ${l.credits_posted}, `
      + `debits pending ${l.debits_pending} / credits pending ${l.credits_pending}`);
  }
  for (const v of r.violations) {
    const where = [v.ledger === null ? null : `ledger ${v.ledger}`, v.account_id && `account ${v.account_id}`, v.transfer_id && `transfer ${v.transfer_id}`]
      .filter(Boolean).join(', ');
    lines.push(`  ✗ ${v.kind}${where ? ` (${where})` : ''}: ${v.detail}`);
  }
  return lines.join('\n');
}

/**
 * `tessera ledger verify`: the server checks the ledger invariants (GET /admin/v1/ledger/verify) and the
 * report is printed; the exit code is 1 when anything is broken, so a cron job or CI can alert.
 */
export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('Inspect the double-entry ledger (admin API)');
  withServer(ledger.command('verify'), 'admin')
    .description('Check the ledger invariants (exit code 1 on any violation; amounts in minor units)')
    .action(async (opts: ServerOptions) => {
      const server = connect(opts, 'admin');
      const report = await request(server, server.client.GET('/admin/v1/ledger/verify', { signal: deadline() }));
      if (opts.json) printJson(report);
      else console.log(formatReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}
