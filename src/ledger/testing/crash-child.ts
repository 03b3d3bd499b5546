/**
 * The child process of crash.test.ts: applies random batches in a loop until
 * it is killed. Before submitting a batch it appends the batch to the intent
 * file; after the commit returns it appends the ids the ledger holds (`ok` or
 * `exists`) to the ack file. On start it first resubmits the last intent, as a
 * client that does not know whether its last request committed must: the
 * client-chosen ids make that safe.
 *
 * usage: node --import tsx crash-child.ts <database url> <dir> <prefix> <accounts>
 */
import fs from 'node:fs';
import path from 'node:path';
import { openPostgres } from '../../db/index.ts';
import { createTransfersTx } from '../transfers.ts';
import type { TransferInput } from '../types.ts';

const [url, dir, prefix, accountList] = process.argv.slice(2) as [string, string, string, string];
const accounts = accountList.split(',');
const intentFile = path.join(dir, 'intents.jsonl');
const ackFile = path.join(dir, 'acks.txt');
const db = openPostgres(url, 2);
const run = `${process.pid}-${Date.now().toString(36)}`;
const now = new Date('2026-07-01T00:00:00Z');

const toJson = (b: TransferInput[]) => JSON.stringify(b, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
const fromJson = (s: string): TransferInput[] =>
  (JSON.parse(s) as (TransferInput & { amount?: string })[]).map((t) => ({ ...t, amount: t.amount === undefined ? undefined : BigInt(t.amount) }));

async function submit(batch: TransferInput[]): Promise<void> {
  fs.appendFileSync(intentFile, `${toJson(batch)}\n`);
  const results = await createTransfersTx(db, batch, { now });
  const held = results.filter((r) => r.result === 'ok' || r.result === 'exists').map((r) => batch[r.index]!.id);
  if (results.some((r) => r.result === 'exists_with_different_fields')) throw new Error('a resubmission changed');
  if (held.length > 0) fs.appendFileSync(ackFile, held.map((id) => `${id}\n`).join(''));
}

const lines = fs.existsSync(intentFile) ? fs.readFileSync(intentFile, 'utf8').split('\n') : [];
const last = lines.filter((l) => l.endsWith(']')).at(-1);
if (last) await submit(fromJson(last));
process.stdout.write('ready\n');

let n = 0;
const pick = () => `${prefix}${accounts[Math.floor(Math.random() * accounts.length)]}`;
const holds: string[] = [];
for (;;) {
  const batch: TransferInput[] = [];
  const size = 1 + Math.floor(Math.random() * 20);
  while (batch.length < size) {
    const id = `${prefix}k${run}-${n++}`;
    const dr = pick();
    let cr = pick();
    while (cr === dr) cr = pick();
    const amount = BigInt(1 + Math.floor(Math.random() * 200));
    const roll = Math.random();
    if (roll < 0.6) batch.push({ id, debitAccountId: dr, creditAccountId: cr, amount, ledger: 840, code: 'move', flags: Math.random() < 0.2 ? ['linked'] : [] });
    else if (roll < 0.8) {
      batch.push({ id, debitAccountId: dr, creditAccountId: cr, amount, ledger: 840, code: 'hold', flags: ['pending'] });
      holds.push(id);
    } else if (holds.length > 0) {
      batch.push({ id, pendingId: holds.shift()!, flags: [Math.random() < 0.5 ? 'post_pending_transfer' : 'void_pending_transfer'] });
    }
  }
  if (batch.at(-1)!.flags?.includes('linked')) batch.at(-1)!.flags = [];
  await submit(batch);
}
