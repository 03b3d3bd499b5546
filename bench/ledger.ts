/**
 * Ledger throughput against a real PostgreSQL: transfers per second for
 * batch sizes 1, 10, 100 and 1,000, with 1 and 4 concurrent writers, over
 * 10,000 accounts (spread), and with every transfer hitting one hot account
 * (an unlimited one, like network settlement, and a debit-limited one, like
 * a merchant wallet funding cards). Each cell runs for CELL_SECONDS.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:ledger
 *
 * It creates its own database (tessera_bench_<random>) and drops it at the end.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { migrate, openPostgres, type Db } from '../src/db/index.ts';
import { createAccounts, createTransfers, createTransfersTx, TRANSFERS_BATCH_MAX, type TransferInput } from '../src/ledger/index.ts';

const CELL_SECONDS = Number(process.env.CELL_SECONDS ?? 2.5);
const ACCOUNTS = 10_000;
const BATCH_SIZES = [1, 10, 100, 1_000];
const WRITERS = [1, 4];
const SCENARIOS = ['spread', 'hot (unlimited)', 'hot (limited)'] as const;
type Scenario = (typeof SCENARIOS)[number];
const NOW = new Date('2026-01-01T00:00:00Z');

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error('bench/ledger.ts needs DATABASE_URL (a PostgreSQL server; it creates and drops its own database).');
  process.exit(2);
}
const dbName = `tessera_bench_${crypto.randomBytes(4).toString('hex')}`;
const url = new URL(serverUrl);
url.pathname = `/${dbName}`;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const account = (i: number) => `acct-${i}`;

async function setup(db: Db): Promise<void> {
  await migrate(db);
  for (let start = 0; start < ACCOUNTS; start += 1_000) {
    await db.transaction(async (tx) => {
      const batch = Array.from({ length: Math.min(1_000, ACCOUNTS - start) }, (_, k) => ({
        id: account(start + k), ledger: 840, code: 'card_available' as const, flags: ['debits_must_not_exceed_credits' as const],
      }));
      if (start === 0) {
        await createAccounts(tx, [
          { id: 'world', ledger: 840, code: 'external_funding' },
          { id: 'hot-settlement', ledger: 840, code: 'network_settlement' },
          { id: 'hot-wallet', ledger: 840, code: 'merchant_wallet', flags: ['debits_must_not_exceed_credits'] },
        ]);
      }
      await createAccounts(tx, batch);
      const fund: TransferInput[] = batch.map((a) => ({
        id: `fund-${a.id}`, debitAccountId: 'world', creditAccountId: a.id, amount: 10n ** 12n, ledger: 840, code: 'deposit',
      }));
      const results = await createTransfers(tx, fund, { now: NOW });
      if (results.some((r) => r.result !== 'ok')) throw new Error('funding failed');
    });
  }
  const hot = await createTransfersTx(db, [
    { id: 'fund-hot-wallet', debitAccountId: 'world', creditAccountId: 'hot-wallet', amount: 10n ** 15n, ledger: 840, code: 'deposit' },
  ], { now: NOW });
  if (hot[0]!.result !== 'ok') throw new Error('funding failed');
  await db.query('VACUUM ANALYZE');
}

function makeBatch(scenario: Scenario, size: number, prefix: string): TransferInput[] {
  const rnd = () => Math.floor(Math.random() * ACCOUNTS);
  return Array.from({ length: size }, (_, k) => {
    let dr = account(rnd());
    let cr = account(rnd());
    while (cr === dr) cr = account(rnd());
    if (scenario === 'hot (unlimited)') cr = 'hot-settlement';
    if (scenario === 'hot (limited)') dr = 'hot-wallet';
    return { id: `${prefix}-${k}`, debitAccountId: dr, creditAccountId: cr, amount: 1n, ledger: 840, code: 'bench' };
  });
}

interface Cell { tps: number; p50: number; p99: number }

async function runCell(scenario: Scenario, size: number, writers: number, cell: number): Promise<Cell> {
  const db = openPostgres(url.toString(), writers);
  try {
    const latencies: number[] = [];
    let done = 0;
    let n = 0;
    const deadline = performance.now() + CELL_SECONDS * 1000;
    const start = performance.now();
    await Promise.all(Array.from({ length: writers }, async (_, w) => {
      while (performance.now() < deadline) {
        const batch = makeBatch(scenario, size, `c${cell}-w${w}-${n++}`);
        const t0 = performance.now();
        const results = await createTransfersTx(db, batch, { now: NOW });
        latencies.push(performance.now() - t0);
        for (const r of results) {
          if (r.result !== 'ok') throw new Error(`unexpected ${r.result}`);
        }
        done += results.length;
      }
    }));
    const elapsed = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    const q = (f: number) => latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))]!;
    return { tps: done / elapsed, p50: q(0.5), p99: q(0.99) };
  } finally {
    await db.close();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pad = (s: string, w: number) => s.padStart(w);

async function main(): Promise<void> {
  if (Math.max(...BATCH_SIZES) > TRANSFERS_BATCH_MAX) throw new Error('batch size over TRANSFERS_BATCH_MAX');
  await admin(`CREATE DATABASE ${dbName}`);
  const results = new Map<string, Cell>();
  try {
    const db = openPostgres(url.toString(), 2);
    const t0 = performance.now();
    await setup(db);
    const { rows } = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    await db.close();
    console.log(`PostgreSQL ${rows[0]!.v}, ${ACCOUNTS.toLocaleString('en-US')} accounts (setup ${((performance.now() - t0) / 1000).toFixed(1)} s), ${CELL_SECONDS} s per cell\n`);
    let cell = 0;
    for (const scenario of SCENARIOS) {
      for (const writers of WRITERS) {
        for (const size of BATCH_SIZES) {
          results.set(`${scenario}|${writers}|${size}`, await runCell(scenario, size, writers, cell++));
        }
      }
    }
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }

  const head = `${'scenario'.padEnd(17)} ${'writers'.padStart(7)} ${BATCH_SIZES.map((b) => pad(`batch ${b}`, 12)).join(' ')}`;
  const table = (title: string, value: (c: Cell) => string) => {
    console.log(title);
    console.log(head);
    for (const scenario of SCENARIOS) {
      for (const writers of WRITERS) {
        const cells = BATCH_SIZES.map((b) => pad(value(results.get(`${scenario}|${writers}|${b}`)!), 12));
        console.log(`${scenario.padEnd(17)} ${pad(String(writers), 7)} ${cells.join(' ')}`);
      }
    }
    console.log();
  };
  table('transfers per second', (c) => fmt(c.tps));
  table('batch latency p50 / p99 (ms)', (c) => `${c.p50.toFixed(1)}/${c.p99.toFixed(1)}`);

  const tps = (s: Scenario, w: number, b: number) => results.get(`${s}|${w}|${b}`)!.tps;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  for (const w of WRITERS) {
    const r = tps('spread', w, 100) / tps('spread', w, 1);
    console.log(`batch 100 vs batch 1, ${w} writer(s), spread: ${ratio(tps('spread', w, 100), tps('spread', w, 1))} (target ≥ 10×) ${r >= 10 ? 'ok' : 'MISSED'}`);
  }
  for (const s of ['hot (unlimited)', 'hot (limited)'] as const) {
    for (const w of WRITERS) {
      const r = tps(s, w, 100) / tps('spread', w, 100);
      console.log(`${s} vs spread, batch 100, ${w} writer(s): ${r.toFixed(2)}× (target ≥ 0.5×) ${r >= 0.5 ? 'ok' : 'MISSED'}`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
