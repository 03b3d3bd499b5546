import type { Command } from 'commander';
import { connect, deadline, printJson, request, withServer, type ServerOptions } from './server.ts';

/** `tessera audit verify`: check the audit log's hash chain; exit code 1 when it is broken. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The append-only, hash-chained audit log (admin API)');
  withServer(audit.command('verify'), 'admin')
    .description("Check the audit log's hash chain (exit code 1 when an entry was edited, removed or inserted)")
    .action(async (opts: ServerOptions) => {
      const server = connect(opts, 'admin');
      const report = await request(server, server.client.GET('/admin/v1/audit_log/verify', { signal: deadline() }));
      if (opts.json) printJson(report);
      else if (report.ok) console.log(`audit verify: OK, ${report.entries} entries; head hash ${report.head_hash}`);
      else console.log(`audit verify: BROKEN at entry ${report.broken_at} (${report.entries} entries checked); last good hash ${report.head_hash}`);
      if (!report.ok) process.exitCode = 1;
    });
}
