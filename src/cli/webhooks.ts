import type { Command } from 'commander';
import { parseLimit } from './kyc.ts';
import { connect, deadline, printJson, request, table, withServer, type ServerOptions } from './server.ts';

/** `tessera webhooks deliveries`: the delivery attempts of one of the merchant's endpoints, newest first. */
export function registerWebhookCommands(program: Command): void {
  const webhooks = program.command('webhooks').description("A merchant's webhook endpoints (merchant API)");
  withServer(webhooks.command('deliveries'), 'merchant')
    .description('List the delivery attempts of a webhook endpoint, newest first')
    .requiredOption('--endpoint <id>', 'the webhook endpoint (we_…)')
    .option('--event <id>', 'only the attempts of this event (evt_…)')
    .option('--limit <n>', 'how many (1–100, default 10)')
    .option('--starting-after <attemptId>', 'the next page: after this attempt')
    .action(async (opts: ServerOptions & { endpoint: string; event?: string; limit?: string; startingAfter?: string }) => {
      const limit = parseLimit(opts.limit);
      const server = connect(opts, 'merchant');
      const page = await request(server, server.client.GET('/v1/webhook_endpoints/{id}/deliveries', {
        params: { path: { id: opts.endpoint }, query: { event_id: opts.event, limit, starting_after: opts.startingAfter } }, signal: deadline(),
      }));
      if (opts.json) return printJson(page);
      if (page.data.length === 0) return console.log('No delivery attempts.');
      console.log(table(['ATTEMPTED', 'EVENT', 'TYPE', '#', 'RESULT', 'STATUS', 'MS', 'ERROR'], page.data.map((a) => [
        a.attempted_at, a.event_id, a.event_type, a.attempt, a.succeeded ? 'ok' : 'failed', a.status_code, a.latency_ms, a.error,
      ])));
      if (page.has_more) console.log(`More: --starting-after ${page.data[page.data.length - 1]!.id}`);
    });
}
