import type { Command } from 'commander';
import { connect, deadline, printJson, request, withServer, CliError, EXIT, type ServerOptions } from './server.ts';

/** `tessera merchants create`: onboard a merchant through the admin API and print its sandbox key once. */
export function registerMerchantCommands(program: Command): void {
  const merchants = program.command('merchants').description('Manage merchants (admin API)');
  withServer(merchants.command('create'), 'admin')
    .description('Create a merchant and print its sandbox API key (shown once, on stdout only)')
    .requiredOption('--name <name>', 'the merchant name')
    .action(async (opts: ServerOptions & { name: string }) => {
      const name = opts.name.trim();
      if (name.length === 0 || name.length > 200) throw new CliError('--name must be 1 to 200 characters', EXIT.usage);
      const server = connect(opts, 'admin');
      const merchant = await request(server, server.client.POST('/admin/v1/merchants', { body: { name }, signal: deadline() }));
      if (opts.json) return printJson(merchant);
      console.log(`Merchant ${merchant.name} (${merchant.id})\nSandbox API key (shown once): ${merchant.sandbox_api_key}`);
    });
}
