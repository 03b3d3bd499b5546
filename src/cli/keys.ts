import type { Command } from 'commander';
import { connect, deadline, printJson, request, table, withServer, CliError, EXIT, type ServerOptions } from './server.ts';

const MODES = ['sandbox', 'live'] as const;
const SCOPES = ['read', 'write', 'cards:reveal', 'keys:write'] as const;
type Scope = (typeof SCOPES)[number];

function parseScopes(text: string): Scope[] {
  const scopes = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new CliError(`--scopes takes a comma-separated list of ${SCOPES.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`, EXIT.usage);
  }
  return [...new Set(scopes)] as Scope[];
}

interface KeyRow { id: string; mode: string; scopes: string[]; prefix: string; name: string | null; created_at: string; revoked_at: string | null }
const keyLine = (k: KeyRow) => [k.id, k.mode, k.scopes.join(','), `${k.prefix}…`, k.name, k.created_at, k.revoked_at];
const KEY_HEADER = ['ID', 'MODE', 'SCOPES', 'PREFIX', 'NAME', 'CREATED', 'REVOKED'];

/** `tessera keys create|list|revoke`: a merchant's API keys, through the admin API. */
export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description("Manage a merchant's API keys (admin API)");

  withServer(keys.command('create'), 'admin')
    .description('Create an API key for a merchant and print its secret (shown once, on stdout only)')
    .requiredOption('--merchant <id>', 'the merchant (mch_…)')
    .requiredOption('--mode <mode>', `the key's mode: ${MODES.join(' or ')}`)
    .option('--scopes <list>', `comma-separated scopes among ${SCOPES.join(', ')} (default: the server's, read,write)`)
    .action(async (opts: ServerOptions & { merchant: string; mode: string; scopes?: string }) => {
      if (!(MODES as readonly string[]).includes(opts.mode)) throw new CliError(`--mode must be ${MODES.join(' or ')}`, EXIT.usage);
      const scopes = opts.scopes === undefined ? undefined : parseScopes(opts.scopes);
      const server = connect(opts, 'admin');
      const key = await request(server, server.client.POST('/admin/v1/merchants/{id}/keys', {
        params: { path: { id: opts.merchant } }, body: { mode: opts.mode as (typeof MODES)[number], ...(scopes ? { scopes } : {}) }, signal: deadline(),
      }));
      if (opts.json) return printJson(key);
      console.log(`API key ${key.id} for ${key.merchant_id} (${key.mode}; scopes ${key.scopes.join(', ')})`);
      console.log(`Secret, shown this once: ${key.api_key}`);
    });

  withServer(keys.command('list'), 'admin')
    .description("List a merchant's API keys (never their secrets)")
    .requiredOption('--merchant <id>', 'the merchant (mch_…)')
    .action(async (opts: ServerOptions & { merchant: string }) => {
      const server = connect(opts, 'admin');
      const page = await request(server, server.client.GET('/admin/v1/merchants/{id}/keys', { params: { path: { id: opts.merchant } }, signal: deadline() }));
      if (opts.json) return printJson(page);
      console.log(page.data.length === 0 ? 'No API keys.' : table(KEY_HEADER, page.data.map(keyLine)));
    });

  withServer(keys.command('revoke').argument('<keyId>', 'the key (apikey_…)'), 'admin')
    .description('Revoke an API key: requests with it are refused from now on')
    .requiredOption('--merchant <id>', 'the merchant that owns the key (mch_…)')
    .action(async (keyId: string, opts: ServerOptions & { merchant: string }) => {
      const server = connect(opts, 'admin');
      const key = await request(server, server.client.DELETE('/admin/v1/merchants/{id}/keys/{keyId}', {
        params: { path: { id: opts.merchant, keyId } }, signal: deadline(),
      }));
      if (opts.json) return printJson(key);
      console.log(`Revoked ${key.id} (${key.mode}) at ${key.revoked_at}.`);
    });
}
