import { Command, CommanderError } from 'commander';
import { loadConfig } from '../config.ts';
import { openRuntime } from '../runtime.ts';
import { registerAuditCommands } from './audit.ts';
import { registerKeyCommands } from './keys.ts';
import { registerKycCommands } from './kyc.ts';
import { registerLedgerCommands } from './ledger.ts';
import { registerMerchantCommands } from './merchants.ts';
import { CliError, EXIT, EXIT_CODES_HELP, printJson } from './server.ts';
import { registerSimulateCommands } from './simulate.ts';
import { registerWebhookCommands } from './webhooks.ts';

/**
 * The `tessera` command. `start` and `migrate` work on the database itself (and take the PGlite
 * data-directory lock, so they never open a directory a running server holds); every other command talks
 * to a running server through @tessera/sdk (--url, --admin-token or --api-key).
 */
export function buildCli(): Command {
  const program = new Command('tessera')
    .description('Tessera card-issuing platform')
    .showHelpAfterError()
    // Usage errors become CommanderErrors that run() maps to exit code 2; every subcommand inherits this.
    .exitOverride();

  program.command('start').description('Start the API server (same as npm start)').action(async () => {
    const { serve } = await import('../serve.ts');
    await serve();
  });

  program.command('migrate')
    .description('Apply pending database migrations (with the server stopped when the database is the embedded one)')
    .option('--json', 'print the applied migrations as JSON')
    .action(async (opts: { json?: boolean }) => {
      const runtime = await openRuntime(loadConfig(), { migrate: false });
      try {
        const { migrate } = await import('../db/index.ts');
        const applied = await migrate(runtime.db);
        if (opts.json) printJson({ applied });
        else console.log(applied.length === 0 ? 'Database is up to date.' : `Applied: ${applied.join(', ')}`);
      } finally {
        await runtime.close();
      }
    });

  registerMerchantCommands(program);
  registerKeyCommands(program);
  registerKycCommands(program);
  registerWebhookCommands(program);
  registerSimulateCommands(program);
  registerAuditCommands(program);
  registerLedgerCommands(program);

  const document = (cmd: Command) => {
    cmd.addHelpText('after', EXIT_CODES_HELP);
    cmd.commands.forEach(document);
  };
  document(program);
  return program;
}

function report(err: unknown, json: boolean): number {
  if (err instanceof CommanderError) {
    // Commander has printed the message or the help already.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const exitCode = err instanceof CliError ? err.exitCode : EXIT.checkFailed;
  const message = err instanceof Error ? err.message : String(err);
  if (json) {
    const api = err instanceof CliError ? err.api : null;
    console.error(JSON.stringify({
      error: {
        exit_code: exitCode, message,
        ...(api ? { status: api.status, code: api.code, param: api.param, request_id: api.requestId } : {}),
      },
    }));
  } else {
    console.error(`tessera: ${message}`);
  }
  return exitCode;
}

/** Run the CLI; resolves to the exit code. `start` resolves once the server is listening, and it keeps running. */
export async function run(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    return report(err, argv.includes('--json'));
  }
}

const code = await run(process.argv);
if (process.argv[2] === 'start' && code === EXIT.ok) {
  // The server runs on.
} else {
  // Let stdout drain (a piped secret must not be cut off), then leave without waiting for idle sockets.
  process.stdout.write('', () => process.exit(code));
}
