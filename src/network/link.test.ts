import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createMerchant, type TestApp } from '../../test/harness.ts';
import { customerWithAccount, issueCard, revealKey } from '../../test/fixtures/flows.ts';
import { verifyLedger } from '../ledger/index.ts';
import { DatabaseUnavailableError } from '../db/index.ts';
import type { Message } from './codec.ts';
import { NetworkLink } from './link.ts';

/**
 * The link's pipeline on a test database, without TCP: what the listener
 * cannot show from outside — an approval decided after the time budget (91
 * already sent) is withdrawn and 91 becomes the key's answer; advices;
 * completions of expired holds; a key reused with other content.
 */

let t: TestApp;
let key = '';
let reveal = '';
const logged: string[] = [];
const log = { warn: (_o: object, m: string) => logged.push(m), error: (_o: object, m: string) => logged.push(m) };
let stan = 0;

beforeAll(async () => {
  t = await buildTestApp();
  const m = await createMerchant(t.app, 'Link');
  key = m.key;
  reveal = await revealKey(t.app, m.id);
  await t.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(key), payload: { currency: 'USD', amount: 10_000_000 } });
});
afterAll(async () => t.close());

const link = () => new NetworkLink({ db: t.db, keys: t.keys, clock: t.clock, authorizations: t.app.authorizations, mode: 'sandbox', log });

async function card(fund: number) {
  const { accountId } = await customerWithAccount(t.app, key);
  const c = await issueCard(t.app, key, accountId);
  await t.app.inject({ method: 'POST', url: `/v1/cards/${c.id}/fund`, headers: bearer(key), payload: { amount: fund } });
  const d = (await t.app.inject({ method: 'GET', url: `/v1/cards/${c.id}/details`, headers: bearer(reveal) })).json() as { number: string };
  return { id: c.id, pan: d.number };
}

const balance = async (id: string) => (await t.app.inject({ method: 'GET', url: `/v1/cards/${id}/balance`, headers: bearer(key) })).json() as
  { available: number; pending_holds: number };

function message(mti: string, pan: string, amount: number, extra: Record<number, string> = {}): Message {
  stan++;
  const s = String(stan).padStart(6, '0');
  const fields: Record<number, string> = {
    2: pan, 3: '000000', 4: String(amount).padStart(12, '0'), 7: '1122120000', 11: s, 32: '4150123', 37: `RRN000${s}`, 41: 'TERM0001',
    18: '5411', 43: 'SHOP'.padEnd(38) + 'US', 49: '840', ...extra,
  };
  return { mti, fields: new Map(Object.entries(fields).map(([k, v]) => [Number(k), v])) };
}

const de90 = (m: Message) => `${m.mti}${m.fields.get(11)}${m.fields.get(7)}${m.fields.get(32)!.padStart(11, '0')}${'0'.repeat(11)}`;

describe('the network link, past the time budget', () => {
  it('withdraws a 0100 approval the listener could no longer answer (91), and 91 is what a retransmission gets', async () => {
    const c = await card(10_000);
    const m = message('0100', c.pan, 1000);
    const late = await link().handle(m, { expired: true });
    expect(late.code).toBe('91');
    expect(await balance(c.id)).toEqual(expect.objectContaining({ available: 10_000, pending_holds: 0 }));
    const again = await link().handle(m, { expired: false });
    expect(again).toMatchObject({ code: '91', replayed: true });
    expect(again.response.fields.has(38)).toBe(false);
    expect(logged.some((l) => /after the time budget/.test(l))).toBe(true);
  });

  it('releases a 0200 approved after the time budget before it posts (nothing charged, not even the fee)', async () => {
    const c = await card(10_000);
    const late = await link().handle(message('0200', c.pan, 1000), { expired: true });
    expect(late.code).toBe('91');
    expect(await balance(c.id)).toEqual(expect.objectContaining({ available: 10_000, pending_holds: 0 }));
  });
});

describe('advices, completions and keys', () => {
  it('posts an 0120 advice as a force post (not declinable: the wallet covers what the card lacks); its completion and duplicate change nothing', async () => {
    const c = await card(500);
    const advice = message('0120', c.pan, 2000);
    const first = await link().handle(advice, { expired: false });
    expect(first).toMatchObject({ code: '00' });
    expect(first.response.mti).toBe('0130');
    expect((await link().handle(advice, { expired: false })).code).toBe('00');
    const after = await balance(c.id);
    const completion = message('0220', c.pan, 2000, { 90: de90(advice) });
    expect((await link().handle(completion, { expired: false })).code).toBe('00');
    expect(await balance(c.id)).toEqual(after);
    expect((await link().handle(message('0400', c.pan, 2000, { 90: de90(advice) }), { expired: false })).code).toBe('12');
    const txns = (await t.app.inject({ method: 'GET', url: `/v1/transactions?card_id=${c.id}&type=force_post`, headers: bearer(key) })).json() as { data: unknown[] };
    expect(txns.data).toHaveLength(1);
  });

  it('posts the completion of a hold that expired as a clearing without authorization', async () => {
    const c = await card(10_000);
    const auth = message('0100', c.pan, 1000);
    expect((await link().handle(auth, { expired: false })).code).toBe('00');
    await t.app.inject({ method: 'POST', url: '/v1/simulate/clock/advance', headers: bearer(key), payload: { seconds: 8 * 24 * 3600 } });
    expect((await balance(c.id)).pending_holds).toBe(0);
    expect((await link().handle(message('0220', c.pan, 900, { 90: de90(auth) }), { expired: false })).code).toBe('00');
    expect((await balance(c.id)).available).toBe(10_000 - 900 - 109);
  });

  it('answers 94 to a key used again with other content, and changes nothing', async () => {
    const c = await card(10_000);
    const m = message('0100', c.pan, 1000);
    expect((await link().handle(m, { expired: false })).code).toBe('00');
    const other: Message = { mti: m.mti, fields: new Map(m.fields).set(4, '000000000999') };
    expect((await link().handle(other, { expired: false })).code).toBe('94');
    expect((await balance(c.id)).pending_holds).toBe(1110);
  });

  it('answers 13 to a completion beyond the clearing tolerance, and a retransmission the same, with the hold untouched', async () => {
    const c = await card(10_000);
    const auth = message('0100', c.pan, 1000);
    expect((await link().handle(auth, { expired: false })).code).toBe('00');
    const completion = message('0220', c.pan, 5000, { 90: de90(auth) });
    expect((await link().handle(completion, { expired: false })).code).toBe('13');
    expect((await link().handle(completion, { expired: false })).code).toBe('13');
    expect((await balance(c.id)).pending_holds).toBe(1110);
  });

  it('answers 91 while the database cannot be reached', async () => {
    const c = await card(1000);
    const down = new Proxy(t.db, {
      get(target, prop, receiver) {
        if (prop === 'query' || prop === 'transaction') return async () => { throw new DatabaseUnavailableError(new Error('connect ECONNREFUSED')); };
        return Reflect.get(target, prop, receiver);
      },
    });
    const offline = new NetworkLink({ db: down, keys: t.keys, clock: t.clock, authorizations: t.app.authorizations, mode: 'sandbox', log });
    expect((await offline.handle(message('0100', c.pan, 100), { expired: false })).code).toBe('91');
  });

  it('leaves the ledger clean', async () => {
    expect((await verifyLedger(t.db)).violations).toEqual([]);
  });
});
