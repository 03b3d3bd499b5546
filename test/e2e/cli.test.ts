import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTesseraClient, unwrap, type TesseraClient } from '@tessera/sdk';
import { validCustomer } from '../fixtures/customers.ts';
import { dataUrl, jpeg, png } from '../fixtures/images.ts';
import { ROOT } from './server-process.ts';
import { listenLocal, newMerchant, readBody, startTestServer, type LocalServer, type RunningServer } from './sdk-fixtures.ts';

/**
 * The `tessera` binary (bin/tessera.js → dist/cli, built as `npm install` builds it) as a child process
 * against the server listening on 127.0.0.1: every command's happy path, its errors and exit codes, --json
 * parsed, and --help on every command.
 */

let srv: RunningServer;
let merchant: { id: string; key: string };
let api: TesseraClient;
let receiver: LocalServer;

beforeAll(async () => {
  // The binary runs dist/ when it exists: bring it up to date first (npm run build does the same).
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  expect(fs.existsSync(path.join(ROOT, 'dist/cli/index.js'))).toBe(true);
  srv = await startTestServer();
  merchant = await newMerchant(srv.base, 'CLI merchant');
  api = createTesseraClient({ baseUrl: srv.base, apiKey: merchant.key });
  receiver = await listenLocal(async (req, res) => {
    await readBody(req);
    res.writeHead(200).end('ok');
  });
}, 300_000);
afterAll(async () => {
  await receiver?.close();
  await srv?.close();
});

interface Run { code: number | null; stdout: string; stderr: string }

/** Run `tessera …` with only the environment given (no TESSERA_* of the machine running the tests). */
function tessera(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TESSERA_')));
  const child = spawn(process.execPath, ['bin/tessera.js', ...args], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const admin = (...args: string[]) => tessera([...args, '--url', srv.base, '--admin-token', srv.adminToken]);
const asMerchant = (...args: string[]) => tessera([...args, '--url', srv.base, '--api-key', merchant.key]);
const json = <T = Record<string, unknown>>(run: Run): T => {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
};
/** An error run: its exit code, and the JSON error that --json prints on stderr. */
const failure = (run: Run) => ({ code: run.code, stdout: run.stdout, error: (JSON.parse(run.stderr) as { error: Record<string, unknown> }).error });

const WRONG_TOKEN = 'wrong-admin-token-0123456789abcdef';
const WRONG_KEY = `sk_sandbox_${'w'.repeat(43)}`;
const UNKNOWN_MERCHANT = 'mch_00000000000000000000000000';

describe('--help', () => {
  it('every command answers --help with exit 0, its usage and the exit codes', async () => {
    // Walk the command tree from the root's help, so a new command cannot be left out.
    const seen: string[] = [];
    const queue: string[][] = [[]];
    while (queue.length > 0) {
      const batch = queue.splice(0, 4);
      const runs = await Promise.all(batch.map((cmd) => tessera([...cmd, '--help'])));
      runs.forEach((run, i) => {
        const cmd = batch[i]!;
        expect(run.code, `${cmd.join(' ')} --help: ${run.stderr}`).toBe(0);
        expect(run.stdout).toContain(`Usage: tessera${cmd.length ? ` ${cmd.join(' ')}` : ''}`);
        expect(run.stdout).toContain('Exit codes:');
        expect(run.stdout).toContain('3  the server cannot be reached');
        seen.push(cmd.join(' '));
        const commands = run.stdout.split('Commands:')[1]?.split('\n\n')[0] ?? '';
        for (const line of commands.split('\n')) {
          const name = /^ {2}([a-z-]+)/.exec(line)?.[1];
          if (name && name !== 'help') queue.push([...cmd, name]);
        }
      });
    }
    expect(seen).toEqual(expect.arrayContaining([
      'start', 'migrate', 'merchants create', 'keys create', 'keys list', 'keys revoke', 'kyc list', 'kyc approve', 'kyc reject',
      'webhooks deliveries', 'simulate authorization', 'audit verify', 'ledger verify',
    ]));
  }, 180_000);

  it('documents --json on every command that answers', async () => {
    for (const cmd of [['keys', 'create'], ['kyc', 'list'], ['webhooks', 'deliveries'], ['simulate', 'authorization'], ['audit', 'verify'], ['ledger', 'verify'], ['migrate']]) {
      expect((await tessera([...cmd, '--help'])).stdout, cmd.join(' ')).toContain('--json');
    }
  }, 60_000);
});

describe('usage errors and connection failures', () => {
  it('an unknown command or option, a missing required option, a bad value: exit 2', async () => {
    expect((await tessera(['frobnicate'])).code).toBe(2);
    expect((await tessera(['keys', 'list', '--merchnt', 'x'])).code).toBe(2);
    const missing = await tessera(['keys', 'list', '--admin-token', srv.adminToken]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--merchant <id>'");
    const mode = failure(await admin('keys', 'create', '--merchant', merchant.id, '--mode', 'staging', '--json'));
    expect(mode).toMatchObject({ code: 2, error: { exit_code: 2, message: '--mode must be sandbox or live' } });
  });

  it('no credential at all: exit 2 naming the option and the variable', async () => {
    const run = await tessera(['audit', 'verify', '--url', srv.base]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--admin-token or set TESSERA_ADMIN_TOKEN');
    const merchantRun = await tessera(['webhooks', 'deliveries', '--endpoint', 'we_x', '--url', srv.base]);
    expect(merchantRun.code).toBe(2);
    expect(merchantRun.stderr).toContain('--api-key or set TESSERA_API_KEY');
  });

  it('a server that cannot be reached: exit 3', async () => {
    const closed = await listenLocal(() => undefined);
    await closed.close();
    const run = await tessera(['ledger', 'verify', '--url', closed.url, '--admin-token', srv.adminToken]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`cannot reach the server at ${closed.url}`);
    expect(run.stderr).not.toContain(srv.adminToken);
  });

  it('reads TESSERA_URL, TESSERA_ADMIN_TOKEN and TESSERA_API_KEY when no option is given', async () => {
    expect(json(await tessera(['ledger', 'verify', '--json'], { TESSERA_URL: srv.base, TESSERA_ADMIN_TOKEN: srv.adminToken }))).toMatchObject({ ok: true });
    const card = await fundedCard();
    const auth = json(await tessera(['simulate', 'authorization', '--card', card, '--amount', '100', '--json'], { TESSERA_URL: srv.base, TESSERA_API_KEY: merchant.key }));
    expect(auth).toMatchObject({ status: 'approved' });
  });
});

describe('merchants create', () => {
  it('creates a merchant and prints its sandbox key once, on stdout', async () => {
    const created = json<{ id: string; name: string; sandbox_api_key: string }>(await admin('merchants', 'create', '--name', 'Made by the CLI', '--json'));
    expect(created).toMatchObject({ name: 'Made by the CLI', id: expect.stringMatching(/^mch_/), sandbox_api_key: expect.stringMatching(/^sk_sandbox_/) });
    const works = createTesseraClient({ baseUrl: srv.base, apiKey: created.sandbox_api_key });
    expect(unwrap(await works.GET('/v1/merchant')).id).toBe(created.id);
    const text = await admin('merchants', 'create', '--name', 'Text output');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Merchant Text output \(mch_\w+\)\nSandbox API key \(shown once\): sk_sandbox_\S+\n$/);
    expect(text.stderr).toBe('');
  });

  it('a wrong operator token: exit 4, and the token is never echoed', async () => {
    const run = failure(await tessera(['merchants', 'create', '--name', 'Nope', '--json', '--url', srv.base, '--admin-token', WRONG_TOKEN]));
    expect(run).toMatchObject({ code: 4, stdout: '', error: { exit_code: 4, status: 401, code: 'invalid_admin_token' } });
    expect(JSON.stringify(run)).not.toContain(WRONG_TOKEN);
  });
});

describe('keys create | list | revoke', () => {
  it('creates a key with scopes, shows its secret once on stdout, lists it without the secret, and revokes it', async () => {
    const created = json<{ id: string; api_key: string; scopes: string[]; mode: string }>(
      await admin('keys', 'create', '--merchant', merchant.id, '--mode', 'sandbox', '--scopes', 'read,cards:reveal', '--json'));
    expect(created).toMatchObject({ mode: 'sandbox', scopes: ['read', 'cards:reveal'], id: expect.stringMatching(/^apikey_/) });
    expect(created.api_key).toMatch(/^sk_sandbox_/);
    const withKey = createTesseraClient({ baseUrl: srv.base, apiKey: created.api_key });
    expect(unwrap(await withKey.GET('/v1/merchant')).id).toBe(merchant.id);

    const text = await admin('keys', 'create', '--merchant', merchant.id, '--mode', 'sandbox');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^API key apikey_\w+ for mch_\w+ \(sandbox; scopes read, write\)\nSecret, shown this once: sk_sandbox_\S+\n$/);

    const list = await admin('keys', 'list', '--merchant', merchant.id, '--json');
    const page = json<{ data: { id: string; revoked_at: string | null }[] }>(list);
    expect(page.data.map((k) => k.id)).toContain(created.id);
    expect(list.stdout).not.toContain(created.api_key);
    const table = await admin('keys', 'list', '--merchant', merchant.id);
    expect(table.stdout).toMatch(/^ID\s+MODE\s+SCOPES/);
    expect(table.stdout).toContain(created.id);
    expect(table.stdout).not.toContain(created.api_key);

    const revoked = json<{ id: string; revoked_at: string | null }>(await admin('keys', 'revoke', created.id, '--merchant', merchant.id, '--json'));
    expect(revoked.id).toBe(created.id);
    expect(revoked.revoked_at).not.toBeNull();
    await expect(withKey.GET('/v1/merchant').then(unwrap)).rejects.toMatchObject({ status: 401 });
  });

  it('an unknown merchant or key: exit 5 with 404; a bad scope: exit 2; a wrong token: exit 4', async () => {
    expect(failure(await admin('keys', 'create', '--merchant', UNKNOWN_MERCHANT, '--mode', 'sandbox', '--json')))
      .toMatchObject({ code: 5, stdout: '', error: { status: 404, code: 'resource_not_found' } });
    expect(failure(await admin('keys', 'list', '--merchant', UNKNOWN_MERCHANT, '--json'))).toMatchObject({ code: 5, error: { status: 404 } });
    expect(failure(await admin('keys', 'revoke', 'apikey_00000000000000000000000000', '--merchant', merchant.id, '--json')))
      .toMatchObject({ code: 5, error: { status: 404, code: 'resource_not_found' } });
    const scope = await admin('keys', 'create', '--merchant', merchant.id, '--mode', 'sandbox', '--scopes', 'read,everything');
    expect(scope.code).toBe(2);
    expect(scope.stderr).toContain('unknown: everything');
    const wrong = await tessera(['keys', 'list', '--merchant', merchant.id, '--url', srv.base, '--admin-token', WRONG_TOKEN]);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/^tessera: .+\(HTTP 401 invalid_admin_token\)\n$/);
  });
});

async function submittedKyc(): Promise<string> {
  const customer = unwrap(await api.POST('/v1/customers', { body: validCustomer() }));
  unwrap(await api.POST('/v1/customers/{id}/kyc', {
    params: { path: { id: customer.id } },
    body: {
      identification_type: 'PASSPORT', identification_number: 'A563F186', identification_expiry_date: '2099-12-31',
      front_image: dataUrl('image/jpeg', jpeg()), handheld_image: png().toString('base64'),
    },
  }));
  return customer.id;
}

describe('kyc list | approve | reject', () => {
  it('lists the review queue, approves one and rejects another with a reason', async () => {
    const first = await submittedKyc();
    const second = await submittedKyc();
    const queue = json<{ data: { customer_id: string; status: string }[] }>(await admin('kyc', 'list', '--limit', '100', '--json'));
    expect(queue.data.map((k) => k.customer_id)).toEqual(expect.arrayContaining([first, second]));
    expect(queue.data.every((k) => k.status === 'WAITING_KYC')).toBe(true);
    const table = await admin('kyc', 'list', '--limit', '100');
    expect(table.stdout).toMatch(/^CUSTOMER\s+STATUS\s+NAME/);
    expect(table.stdout).toContain(first);
    expect(table.stdout).toContain('PASSPORT …F186');

    expect(json(await admin('kyc', 'approve', first, '--json'))).toMatchObject({ customer_id: first, status: 'PASSED' });
    const rejected = await admin('kyc', 'reject', second, '--reason', 'The photo is blurred');
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.stdout).toBe(`KYC of ${second}: REJECTED (The photo is blurred).\n`);
    const passed = json<{ data: { customer_id: string }[] }>(await admin('kyc', 'list', '--status', 'PASSED', '--limit', '100', '--json'));
    expect(passed.data.map((k) => k.customer_id)).toContain(first);
    expect(unwrap(await api.GET('/v1/customers/{id}/kyc', { params: { path: { id: second } } })).status).toBe('REJECTED');
  });

  it('an unknown customer: exit 5; no reason, a bad status or limit: exit 2; a wrong token: exit 4', async () => {
    expect(failure(await admin('kyc', 'approve', 'cus_00000000000000000000000000', '--json'))).toMatchObject({ code: 5, error: { status: 404 } });
    expect((await admin('kyc', 'reject', 'cus_00000000000000000000000000')).code).toBe(2);
    expect((await admin('kyc', 'list', '--status', 'MAYBE')).code).toBe(2);
    expect((await admin('kyc', 'list', '--limit', '0')).code).toBe(2);
    expect((await tessera(['kyc', 'list', '--url', srv.base, '--admin-token', WRONG_TOKEN])).code).toBe(4);
  });
});

describe('webhooks deliveries', () => {
  it("lists an endpoint's delivery attempts", async () => {
    const endpoint = unwrap(await api.POST('/v1/webhook_endpoints', { body: { url: `${receiver.url}/hooks`, events: ['customer.created'] } }));
    const customer = unwrap(await api.POST('/v1/customers', { body: validCustomer() }));
    await srv.dispatchWebhooks();
    const page = json<{ data: { event_type: string; succeeded: boolean; status_code: number; endpoint_id: string }[] }>(
      await asMerchant('webhooks', 'deliveries', '--endpoint', endpoint.id, '--json'));
    expect(page.data.length).toBeGreaterThanOrEqual(1);
    expect(page.data[0]).toMatchObject({ endpoint_id: endpoint.id, event_type: 'customer.created', succeeded: true, status_code: 200 });
    const table = await asMerchant('webhooks', 'deliveries', '--endpoint', endpoint.id);
    expect(table.stdout).toMatch(/^ATTEMPTED\s+EVENT\s+TYPE/);
    expect(table.stdout).toContain('customer.created');
    expect(customer.id).toMatch(/^cus_/);
  });

  it('an unknown endpoint: exit 5; a wrong key: exit 4, the key never echoed', async () => {
    expect(failure(await asMerchant('webhooks', 'deliveries', '--endpoint', 'we_00000000000000000000000000', '--json')))
      .toMatchObject({ code: 5, error: { status: 404, code: 'resource_not_found' } });
    const wrong = await tessera(['webhooks', 'deliveries', '--endpoint', 'we_x', '--url', srv.base, '--api-key', WRONG_KEY]);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('invalid_api_key');
    expect(wrong.stderr).not.toContain(WRONG_KEY);
  });
});

async function fundedCard(): Promise<string> {
  unwrap(await api.POST('/v1/simulate/wallet_deposits', { body: { currency: 'USD', amount: 1_000_00 } }));
  const customer = unwrap(await api.POST('/v1/customers', { body: validCustomer() }));
  const account = unwrap(await api.POST('/v1/customers/{id}/accounts', { params: { path: { id: customer.id } }, body: { currency: 'USD' } }));
  const card = unwrap(await api.POST('/v1/accounts/{accountId}/cards', { params: { path: { accountId: account.id } }, body: { type: 'virtual' } }));
  unwrap(await api.POST('/v1/cards/{cardId}/fund', { params: { path: { cardId: card.id } }, body: { amount: 50_00 } }));
  return card.id;
}

describe('simulate authorization', () => {
  it("approves within the balance (currency from the card), declines beyond it; both exit 0", async () => {
    const card = await fundedCard();
    const approved = json(await asMerchant('simulate', 'authorization', '--card', card, '--amount', '1250', '--merchant-name', 'Corner shop', '--json'));
    // 12.50 + the default fee 1.00 + 1 % (0.13).
    expect(approved).toMatchObject({ card_id: card, status: 'approved', amount: 1250, currency: 'USD', fee: 113, merchant: expect.objectContaining({ name: 'Corner shop' }) });
    const declined = await asMerchant('simulate', 'authorization', '--card', card, '--amount', '999999', '--currency', 'usd');
    expect(declined.code, declined.stderr).toBe(0);
    expect(declined.stdout).toMatch(/^Authorization \w+ on card_\w+: declined: insufficient_funds \(response code 51\)\n$/);
    expect(unwrap(await api.GET('/v1/cards/{cardId}', { params: { path: { cardId: card } } })).balance).toBe(50_00 - 1250 - 113);
  });

  it('an unknown card: exit 5; a bad amount, currency or MCC: exit 2, nothing sent', async () => {
    expect(failure(await asMerchant('simulate', 'authorization', '--card', 'card_00000000000000000000000000', '--amount', '100', '--json')))
      .toMatchObject({ code: 5, error: { status: 404 } });
    for (const bad of [['--amount', '12.50'], ['--amount', '-1'], ['--amount', '0'], ['--amount', '100', '--currency', 'dollars'], ['--amount', '100', '--mcc', '12']]) {
      const run = await asMerchant('simulate', 'authorization', '--card', 'card_x', ...bad);
      expect(run.code, bad.join(' ')).toBe(2);
    }
  });
});

describe('audit verify and ledger verify', () => {
  it('ledger verify: OK and exit 0; a wrong token: exit 4', async () => {
    const text = await admin('ledger', 'verify');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ledger verify: OK, \d+ transfers\n/);
    expect(json(await admin('ledger', 'verify', '--json'))).toMatchObject({ object: 'ledger_verification', ok: true, violations: [] });
    expect((await tessera(['ledger', 'verify', '--url', srv.base, '--admin-token', WRONG_TOKEN])).code).toBe(4);
  });

  // Last: it breaks this file's audit chain on purpose.
  it('audit verify: OK and exit 0; a wrong token: exit 4; an edited entry: exit 1 naming it', async () => {
    const ok = json<{ ok: boolean; entries: number; head_hash: string }>(await admin('audit', 'verify', '--json'));
    expect(ok).toMatchObject({ object: 'audit_log_verification', ok: true, broken_at: null });
    expect(ok.entries).toBeGreaterThan(0);
    expect((await admin('audit', 'verify')).stdout).toBe(`audit verify: OK, ${ok.entries} entries; head hash ${ok.head_hash}\n`);
    expect((await tessera(['audit', 'verify', '--url', srv.base, '--admin-token', WRONG_TOKEN])).code).toBe(4);

    const db = srv.t.db;
    await db.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
    await db.query("UPDATE audit_log SET details = '{\"reason\": \"edited\"}' WHERE seq = (SELECT min(seq) + 1 FROM audit_log)");
    await db.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
    const broken = await admin('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^audit verify: BROKEN at entry \d+/);
    const report = JSON.parse((await admin('audit', 'verify', '--json')).stdout) as { ok: boolean };
    expect(report.ok).toBe(false);
  });
});
