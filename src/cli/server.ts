import { Option, type Command } from 'commander';
import { createTesseraClient, TesseraApiError, unwrap, type TesseraClient } from '@tessera/sdk';

/**
 * How the CLI reaches a running server: the commands that the admin or merchant API can serve go through the
 * SDK over HTTP, because a running server holds the embedded database's lock (and on PostgreSQL the API is
 * where the rules live: scopes, audit records, idempotency).
 */

/** The server's own default (src/config.ts: PORT 8080), on the loopback address. */
export const DEFAULT_URL = 'http://127.0.0.1:8080';
/** Why 30 s: a list or a ledger check on a big database takes seconds; longer means the server is stuck. */
export const REQUEST_TIMEOUT_MS = 30_000;

export const EXIT = {
  ok: 0,
  /** A check ran and found a problem (ledger verify, audit verify). */
  checkFailed: 1,
  usage: 2,
  unreachable: 3,
  /** 401 or 403: missing, wrong or revoked credentials, a missing scope, a suspended merchant. */
  credentials: 4,
  /** Any other error answer: an unknown id (404), invalid input, a conflict, a server error. */
  refused: 5,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  a check found a problem (ledger verify, audit verify)
  2  usage error: unknown command or option, a missing or invalid argument or credential
  3  the server cannot be reached (connection refused, unknown host, no answer in ${REQUEST_TIMEOUT_MS / 1000} s)
  4  the server refused the credentials (HTTP 401 or 403: wrong or revoked token or key, missing scope)
  5  the server refused the request (any other error answer, e.g. 404 for an unknown id)`;

/** An expected failure with its exit code; the message is for a person and never holds a secret. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number, readonly api: TesseraApiError | null = null) {
    super(message);
  }
}

export interface ServerOptions {
  url?: string;
  adminToken?: string;
  apiKey?: string;
  json?: boolean;
}

/** Adds --url, the credential the command needs and --json. Secrets are read from the environment at run time, so --help never shows them. */
export function withServer(cmd: Command, credential: 'admin' | 'merchant'): Command {
  cmd.option('--url <url>', `the Tessera server (default: $TESSERA_URL, else ${DEFAULT_URL})`);
  if (credential === 'admin') cmd.option('--admin-token <token>', "the operator's token (default: $TESSERA_ADMIN_TOKEN)");
  else cmd.option('--api-key <key>', "a merchant's API key (default: $TESSERA_API_KEY)");
  return cmd.addOption(new Option('--json', 'print the answer as JSON'));
}

function baseUrl(opts: ServerOptions): string {
  const text = opts.url ?? process.env.TESSERA_URL ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`--url must be an http or https URL, got ${JSON.stringify(text)}`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError('--url must be an http or https URL', EXIT.usage);
  if (url.username || url.password) throw new CliError('--url must not carry credentials; use --admin-token or --api-key', EXIT.usage);
  return url.href.replace(/\/+$/, '');
}

export interface Server {
  url: string;
  client: TesseraClient;
}

export function connect(opts: ServerOptions, credential: 'admin' | 'merchant'): Server {
  const url = baseUrl(opts);
  if (credential === 'admin') {
    const adminToken = opts.adminToken ?? process.env.TESSERA_ADMIN_TOKEN;
    if (!adminToken) throw new CliError('an operator token is needed: pass --admin-token or set TESSERA_ADMIN_TOKEN', EXIT.usage);
    return { url, client: createTesseraClient({ baseUrl: url, adminToken }) };
  }
  const apiKey = opts.apiKey ?? process.env.TESSERA_API_KEY;
  if (!apiKey) throw new CliError('a merchant API key is needed: pass --api-key or set TESSERA_API_KEY', EXIT.usage);
  return { url, client: createTesseraClient({ baseUrl: url, apiKey }) };
}

/** The `signal` every request passes, so that a stuck server ends as exit code 3, not a hang. */
export const deadline = () => AbortSignal.timeout(REQUEST_TIMEOUT_MS);

/** Await an SDK call: its data, or a CliError with the exit code for what went wrong. */
export async function request<T, E>(server: Server, call: Promise<{ data?: T; error?: E; response: Response }>): Promise<T> {
  let result: { data?: T; error?: E; response: Response };
  try {
    result = await call;
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new CliError(timedOut
      ? `the server at ${server.url} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`
      : `cannot reach the server at ${server.url}${cause ? ` (${cause})` : ''}; is it running? (--url, TESSERA_URL)`, EXIT.unreachable);
  }
  try {
    return unwrap(result);
  } catch (err) {
    if (!(err instanceof TesseraApiError)) throw err;
    const code = err.status === 401 || err.status === 403 ? EXIT.credentials : EXIT.refused;
    throw new CliError(`${err.message} (HTTP ${err.status} ${err.code}${err.param ? `, ${err.param}` : ''})`, code, err);
  }
}

export const printJson = (value: unknown) => console.log(JSON.stringify(value, null, 2));

/** Rows as aligned columns for a terminal. */
export function table(header: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '—' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}
