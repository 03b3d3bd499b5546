import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openRuntime } from '../runtime.ts';
import { systemClock } from '../lib/clock.ts';
import { createMerchant } from '../merchants/index.ts';
import { registerLedgerCommands } from './ledger.ts';

/**
 * The `tessera` command. Every subcommand that touches the database opens it
 * the same way the server does (and takes the PGlite data-directory lock, so
 * the CLI and a running server never open one directory at once).
 */
export function buildCli(): Command {
  const program = new Command('tessera').description('Tessera card-issuing platform').showHelpAfterError();

  program.command('start').description('Start the API server (same as npm start)').action(async () => {
    await import('../main.ts');
  });

  program.command('migrate').description('Apply pending database migrations').action(async () => {
    const runtime = await openRuntime(loadConfig(), { migrate: false });
    try {
      const { migrate } = await import('../db/index.ts');
      const applied = await migrate(runtime.db);
      console.log(applied.length === 0 ? 'Database is up to date.' : `Applied: ${applied.join(', ')}`);
    } finally {
      await runtime.close();
    }
  });

  const merchants = program.command('merchants').description('Manage merchants');
  merchants.command('create')
    .description('Create a merchant and print its sandbox API key (shown once)')
    .requiredOption('--name <name>', 'the merchant name')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; json?: boolean }) => {
      const name = opts.name.trim();
      if (name.length === 0 || name.length > 200) throw new Error('--name must be 1 to 200 characters');
      const runtime = await openRuntime(loadConfig());
      try {
        const { merchant, sandboxKey } = await runtime.db.transaction((tx) =>
          createMerchant(tx, name, { actor: 'cli', origin: null, at: systemClock.now() }));
        if (opts.json) {
          console.log(JSON.stringify({ id: merchant.id, name: merchant.name, sandbox_api_key: sandboxKey.secret }));
        } else {
          console.log(`Merchant ${merchant.name} (${merchant.id})\nSandbox API key (shown once): ${sandboxKey.secret}`);
        }
      } finally {
        await runtime.close();
      }
    });
  registerLedgerCommands(program, () => openRuntime(loadConfig()));
  return program;
}

buildCli().parseAsync(process.argv).catch((err: unknown) => {
  console.error(`tessera: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
