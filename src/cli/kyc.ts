import type { Command } from 'commander';
import { connect, deadline, printJson, request, table, withServer, CliError, EXIT, type ServerOptions } from './server.ts';

const STATUSES = ['WAITING_KYC', 'PASSED', 'REJECTED'] as const;
/** The API's page limit (src/lib/pagination.ts). */
const LIMIT_MAX = 100;

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > LIMIT_MAX) throw new CliError(`--limit must be an integer from 1 to ${LIMIT_MAX}`, EXIT.usage);
  return Number(text);
}

/** `tessera kyc list|approve|reject`: the operator's KYC review, through the admin API. */
export function registerKycCommands(program: Command): void {
  const kyc = program.command('kyc').description('Review KYC submissions (admin API)');

  withServer(kyc.command('list'), 'admin')
    .description('List KYC submissions, the review queue by default (newest first)')
    .option('--status <status>', `${STATUSES.join(', ')} (default: WAITING_KYC)`, 'WAITING_KYC')
    .option('--limit <n>', `how many (1–${LIMIT_MAX}, default 10)`)
    .option('--starting-after <customerId>', 'the next page: after this customer')
    .action(async (opts: ServerOptions & { status: string; limit?: string; startingAfter?: string }) => {
      if (!(STATUSES as readonly string[]).includes(opts.status)) throw new CliError(`--status must be one of ${STATUSES.join(', ')}`, EXIT.usage);
      const limit = parseLimit(opts.limit);
      const server = connect(opts, 'admin');
      const page = await request(server, server.client.GET('/admin/v1/kyc', {
        params: { query: { status: opts.status as (typeof STATUSES)[number], limit, starting_after: opts.startingAfter } }, signal: deadline(),
      }));
      if (opts.json) return printJson(page);
      if (page.data.length === 0) return console.log(`No KYC submissions with status ${opts.status}.`);
      console.log(table(['CUSTOMER', 'STATUS', 'NAME', 'DOCUMENT', 'SUBMITTED', 'MERCHANT', 'MODE'], page.data.map((k) => [
        k.customer_id, k.status, k.name, `${k.identification_type} …${k.identification_number_last4}`, k.submitted_at, k.merchant_id, k.mode,
      ])));
      if (page.has_more) console.log(`More: --starting-after ${page.data[page.data.length - 1]!.customer_id}`);
    });

  withServer(kyc.command('approve').argument('<customerId>', 'the customer (cus_…)'), 'admin')
    .description("Approve a customer's KYC")
    .action(async (customerId: string, opts: ServerOptions) => {
      const server = connect(opts, 'admin');
      const res = await request(server, server.client.POST('/admin/v1/kyc/{customerId}/approve', { params: { path: { customerId } }, signal: deadline() }));
      if (opts.json) return printJson(res);
      console.log(`KYC of ${res.customer_id}: ${res.status}.`);
    });

  withServer(kyc.command('reject').argument('<customerId>', 'the customer (cus_…)'), 'admin')
    .description("Reject a customer's KYC with a reason the merchant sees")
    .requiredOption('--reason <text>', 'why (shown to the merchant)')
    .action(async (customerId: string, opts: ServerOptions & { reason: string }) => {
      if (opts.reason.trim() === '') throw new CliError('--reason must not be empty', EXIT.usage);
      const server = connect(opts, 'admin');
      const res = await request(server, server.client.POST('/admin/v1/kyc/{customerId}/reject', {
        params: { path: { customerId } }, body: { reason: opts.reason }, signal: deadline(),
      }));
      if (opts.json) return printJson(res);
      console.log(`KYC of ${res.customer_id}: ${res.status} (${res.reason}).`);
    });
}

export { parseLimit };
