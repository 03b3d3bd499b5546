import type { Command } from 'commander';
import { connect, deadline, printJson, request, withServer, CliError, EXIT, type ServerOptions } from './server.ts';

/** The API's largest amount (routes/simulate: 10^12 minor units). */
const AMOUNT_MAX = 1_000_000_000_000;

function parseAmount(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text) || Number(text) > AMOUNT_MAX) {
    throw new CliError(`--amount must be a whole number of minor units (cents) from 1 to ${AMOUNT_MAX}, digits only`, EXIT.usage);
  }
  return Number(text);
}

function upper(text: string, option: string, pattern: RegExp, what: string): string {
  const value = text.trim().toUpperCase();
  if (!pattern.test(value)) throw new CliError(`${option} must be ${what}`, EXIT.usage);
  return value;
}

interface AuthorizationOptions extends ServerOptions {
  card: string; amount: string; currency?: string; merchantName: string; mcc: string; country: string; partial?: boolean;
}

/** `tessera simulate authorization`: the sandbox network asks to authorize a card payment. */
export function registerSimulateCommands(program: Command): void {
  const simulate = program.command('simulate').description('Sandbox simulation (merchant API, sandbox keys only)');
  withServer(simulate.command('authorization'), 'merchant')
    .description('Simulate a card authorization at a merchant; prints the decision')
    .requiredOption('--card <id>', 'the card (card_…)')
    .requiredOption('--amount <minor units>', 'the amount in minor units, e.g. 1250 for 12.50')
    .option('--currency <code>', "ISO 4217 code of the amount (default: the card's currency)")
    .option('--merchant-name <name>', 'the card acceptor', 'Tessera CLI test merchant')
    .option('--mcc <code>', 'merchant category code, 4 digits', '5999')
    .option('--country <code>', 'ISO 3166-1 alpha-2 country of the merchant', 'US')
    .option('--partial', 'allow a partial approval')
    .action(async (opts: AuthorizationOptions) => {
      const amount = parseAmount(opts.amount);
      const mcc = upper(opts.mcc, '--mcc', /^[0-9]{4}$/, '4 digits');
      const country = upper(opts.country, '--country', /^[A-Z]{2}$/, 'a 2-letter ISO 3166-1 code');
      const given = opts.currency === undefined ? null : upper(opts.currency, '--currency', /^[A-Z]{3}$/, 'a 3-letter ISO 4217 code');
      const name = opts.merchantName.trim();
      if (name.length === 0 || name.length > 100) throw new CliError('--merchant-name must be 1 to 100 characters', EXIT.usage);
      const server = connect(opts, 'merchant');
      const currency = given ?? (await request(server, server.client.GET('/v1/cards/{cardId}', {
        params: { path: { cardId: opts.card } }, signal: deadline(),
      }))).currency;
      const auth = await request(server, server.client.POST('/v1/simulate/authorizations', {
        body: { card_id: opts.card, amount, currency, merchant: { name, mcc, country }, ...(opts.partial ? { partial_allowed: true } : {}) },
        signal: deadline(),
      }));
      if (opts.json) return printJson(auth);
      const decision = auth.status === 'declined'
        ? `declined: ${auth.decline_reason} (response code ${auth.response_code})`
        : `${auth.status}, ${auth.approved_amount} of ${auth.amount} ${auth.currency} minor units, fee ${auth.fee} (response code ${auth.response_code})`;
      console.log(`Authorization ${auth.id} on ${auth.card_id}: ${decision}`);
    });
}
