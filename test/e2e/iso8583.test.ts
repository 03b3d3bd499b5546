import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../harness.ts';
import { E2E_ADMIN_TOKEN, call, expectOk, merchantWithCards, startServer, waitFor, type ServerProcess } from './server-process.ts';
import { desEncryptBlock } from '../../src/crypto/des.ts';
import { pinBlockFormat0 } from '../../src/crypto/pin-block.ts';
import { generatePan } from '../../src/crypto/pan.ts';

/**
 * The network link end to end: the real server (npm start) in sandbox mode, on PGlite or on PostgreSQL
 * (DATABASE_URL), and a small test acquirer that speaks docs/iso8583.md over TCP. The acquirer packs and
 * unpacks messages with its own few lines below, not with Tessera's codec, so a mistake shared by both
 * sides cannot hide.
 */

// ---------- the test acquirer ----------

type Fields = Record<number, string>;
interface Reply { mti: string; fields: Fields }

/** The documented format, from the acquirer's side: fixed length, or a 2/3-digit length prefix. */
const FORMAT: Record<number, number | 'LL' | 'LLL'> = {
  2: 'LL', 3: 6, 4: 12, 7: 10, 11: 6, 12: 6, 13: 4, 14: 4, 18: 4, 22: 3, 32: 'LL', 37: 12, 38: 6, 39: 2, 41: 8, 42: 15, 43: 40,
  48: 'LLL', 49: 3, 52: 16, 70: 3, 90: 42, 95: 42,
};

function pack(mti: string, fields: Fields): Buffer {
  const bits = Object.keys(fields).map(Number).sort((a, b) => a - b);
  const secondary = bits.some((b) => b > 64);
  let map = 0n;
  for (const b of secondary ? [1, ...bits] : bits) map |= 1n << BigInt(128 - b);
  const hex = map.toString(16).padStart(32, '0').toUpperCase();
  let body = mti + (secondary ? hex : hex.slice(0, 16));
  for (const b of bits) {
    const f = FORMAT[b]!;
    const v = fields[b]!;
    body += f === 'LL' ? String(v.length).padStart(2, '0') + v : f === 'LLL' ? String(v.length).padStart(3, '0') + v : v;
  }
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, Buffer.from(body, 'latin1')]);
}

function unpack(text: string): Reply {
  const mti = text.slice(0, 4);
  let map = BigInt(`0x${text.slice(4, 20)}`) << 64n;
  let pos = 20;
  if (map >> 127n) {
    map |= BigInt(`0x${text.slice(20, 36)}`);
    pos = 36;
  }
  const fields: Fields = {};
  for (let b = 2; b <= 128; b++) {
    if (!((map >> BigInt(128 - b)) & 1n)) continue;
    const f = FORMAT[b];
    if (f === undefined) throw new Error(`the acquirer does not know field ${b}`);
    let len: number;
    if (typeof f === 'number') len = f;
    else {
      const digits = f === 'LL' ? 2 : 3;
      len = Number(text.slice(pos, pos + digits));
      pos += digits;
    }
    fields[b] = text.slice(pos, pos + len);
    pos += len;
  }
  if (pos !== text.length) throw new Error(`response has ${text.length - pos} bytes after its last field`);
  return { mti, fields };
}

class Acquirer {
  #buffer = Buffer.alloc(0);
  #waiting = new Map<string, (r: Reply) => void>();
  readonly replies: Reply[] = [];
  closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      while (this.#buffer.length >= 2 && this.#buffer.length >= 2 + this.#buffer.readUInt16BE(0)) {
        const len = this.#buffer.readUInt16BE(0);
        const reply = unpack(this.#buffer.subarray(2, 2 + len).toString('latin1'));
        this.#buffer = this.#buffer.subarray(2 + len);
        this.replies.push(reply);
        // The documented matching: DE 11 + DE 37.
        const key = `${reply.fields[11]}:${reply.fields[37] ?? ''}`;
        this.#waiting.get(key)?.(reply);
        this.#waiting.delete(key);
      }
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<Acquirer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new Acquirer(socket)));
      socket.once('error', reject);
    });
  }

  send(mti: string, fields: Fields, timeoutMs = 10_000): Promise<Reply> {
    const key = `${fields[11]}:${fields[37] ?? ''}`;
    const reply = new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${mti} STAN ${fields[11]} within ${timeoutMs} ms`)), timeoutMs);
      this.#waiting.set(key, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    this.socket.write(pack(mti, fields));
    return reply;
  }

  raw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}

// ---------- messages ----------

const ACQUIRER_ID = '4150123';
const ZPK = '0123456789ABCDEFFEDCBA9876543210';
let stan = 0;

/** DE 7 (MMDDhhmmss, UTC) of now. */
const de7 = (at = new Date()) => at.toISOString().replace(/[-:T]/g, '').slice(4, 14);

function purchase(pan: string, amount: number, expiry: string, extra: Fields = {}): Fields {
  stan++;
  const t = de7();
  return {
    2: pan, 3: '000000', 4: String(amount).padStart(12, '0'), 7: t, 11: String(stan).padStart(6, '0'), 12: t.slice(4), 13: t.slice(0, 4),
    14: expiry, 18: '5411', 22: '051', 32: ACQUIRER_ID, 37: `RRN${String(stan).padStart(9, '0')}`, 41: 'TERM0001', 42: 'SHOP00000000001',
    43: 'CORNER SHOP'.padEnd(25) + 'PARIS'.padEnd(13) + 'FR', 49: '840', ...extra,
  };
}

/** A follow-up (0220, 0400) naming its original in DE 90. */
function followUp(pan: string, amount: number, original: { mti: string; fields: Fields }, extra: Fields = {}): Fields {
  stan++;
  const o = original.fields;
  return {
    2: pan, 3: o[3]!, 4: String(amount).padStart(12, '0'), 7: de7(), 11: String(stan).padStart(6, '0'), 32: ACQUIRER_ID,
    37: `RRN${String(stan).padStart(9, '0')}`, 41: 'TERM0001', 49: '840',
    90: `${original.mti}${o[11]}${o[7]}${o[32]!.padStart(11, '0')}${'0'.repeat(11)}`, ...extra,
  };
}

const pinBlock = (pin: string, pan: string) => desEncryptBlock(Buffer.from(ZPK, 'hex'), pinBlockFormat0(pin, pan)).toString('hex').toUpperCase();

// ---------- the server and its cards ----------

let server: ServerProcess;
let port = 0;
let testDb: TestDb | null = null;
let dataDir = '';
let merchant: { key: string; revealKey: string };
const clear = new Set<string>();
const acquirers: Acquirer[] = [];

async function connect(): Promise<Acquirer> {
  const a = await Acquirer.connect(port);
  acquirers.push(a);
  return a;
}

interface TestCard { id: string; pan: string; expiry: string }

async function card(fund: number): Promise<TestCard> {
  const { key, revealKey } = merchant;
  const customer = (await merchantCustomer(key)).id;
  const account = await expectOk(call(server.base, 'POST', `/v1/customers/${customer}/accounts`, { key, body: { currency: 'USD' } }), 201);
  const created = await expectOk(call(server.base, 'POST', `/v1/accounts/${account.id}/cards`, { key, body: { type: 'virtual' } }), 201);
  if (fund > 0) await expectOk(call(server.base, 'POST', `/v1/cards/${created.id}/fund`, { key, body: { amount: fund } }));
  const details = await expectOk(call(server.base, 'GET', `/v1/cards/${created.id}/details`, { key: revealKey }));
  const pan = details.number as string;
  clear.add(pan);
  return { id: created.id, pan, expiry: `${String(details.exp_year as number % 100).padStart(2, '0')}${String(details.exp_month).padStart(2, '0')}` };
}

let customerSeq = 0;
async function merchantCustomer(key: string) {
  const { validCustomer } = await import('../fixtures/customers.ts');
  customerSeq++;
  return expectOk(call(server.base, 'POST', '/v1/customers', { key, body: { ...validCustomer(), email: `iso${customerSeq}@example.com` } }), 201);
}

async function balance(cardId: string) {
  return expectOk(call(server.base, 'GET', `/v1/cards/${cardId}/balance`, { key: merchant.key })) as unknown as
    { available: number; pending_holds: number };
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-iso8583-'));
  const env: NodeJS.ProcessEnv = {
    TESSERA_DATA_DIR: dataDir, TESSERA_ISO8583_PORT: '0', TESSERA_ISO8583_MODE: 'sandbox', TESSERA_ISO8583_ZPK: ZPK,
    TESSERA_RATE_LIMIT_MAX: '1000000',
  };
  if (process.env.DATABASE_URL) {
    testDb = await createTestDb({ poolSize: 1 });
    env.DATABASE_URL = testDb.url!;
  } else {
    env.DATABASE_URL = '';
  }
  server = await startServer(env);
  const m = /ISO 8583:\s+tcp:\/\/127\.0\.0\.1:(\d+) \(sandbox cards/.exec(server.output());
  if (!m) throw new Error(`no ISO 8583 line in the banner:\n${server.output()}`);
  port = Number(m[1]);
  const { key } = await merchantWithCards(server.base, 0);
  const me = await expectOk(call(server.base, 'GET', '/v1/merchant', { key }));
  const reveal = await expectOk(call(server.base, 'POST', `/admin/v1/merchants/${me.id}/keys`, {
    headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` }, body: { mode: 'sandbox', scopes: ['read', 'write', 'cards:reveal'] },
  }), 201);
  merchant = { key, revealKey: reveal.api_key as string };
}, 120_000);

afterAll(async () => {
  for (const a of acquirers) a.close();
  if (server) {
    const code = await server.stop();
    expect(code).toBe(0);
    // Every message was logged, none with a card number in clear or a PIN block.
    const out = server.output();
    expect(out).toContain('iso8583 message');
    for (const pan of clear) expect(out).not.toContain(pan);
    expect(out).not.toMatch(/"de52"/);
  }
  await testDb?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the ISO 8583 link, end to end over TCP (docs/iso8583.md)', () => {
  it('0800 echo, sign-on and sign-off are answered 00; an unknown management code 12', async () => {
    const a = await connect();
    for (const [code, expected] of [['301', '00'], ['001', '00'], ['002', '00'], ['999', '12']] as const) {
      stan++;
      const reply = await a.send('0800', { 7: de7(), 11: String(stan).padStart(6, '0'), 70: code });
      expect(reply.mti).toBe('0810');
      expect(reply.fields).toMatchObject({ 39: expected, 70: code, 11: String(stan).padStart(6, '0') });
    }
  });

  it('authorizes (00, DE 38, a hold), completes for less (the rest released), refunds (0200, processing code 20)', async () => {
    const c = await card(10_000);
    const a = await connect();
    const auth = purchase(c.pan, 2500, c.expiry);
    const approved = await a.send('0100', auth);
    expect(approved.mti).toBe('0110');
    expect(approved.fields[39]).toBe('00');
    expect(approved.fields[38]).toMatch(/^[0-9A-Z]{6}$/);
    // Echoed as sent: the PAN in full, and the ids the acquirer matches on.
    for (const bit of [2, 3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49]) expect(approved.fields[bit], `DE ${bit}`).toBe(auth[bit]);
    // 25.00 held with its fee (1.00 + 1 % = 1.25).
    expect(await balance(c.id)).toEqual(expect.objectContaining({ available: 10_000 - 2625, pending_holds: 2625 }));

    const completion = await a.send('0220', followUp(c.pan, 2000, { mti: '0100', fields: auth }));
    expect(completion.mti).toBe('0230');
    expect(completion.fields[39]).toBe('00');
    // Cleared 20.00 with its fee recomputed (1.20); the rest of the hold is released.
    expect(await balance(c.id)).toEqual(expect.objectContaining({ available: 10_000 - 2120, pending_holds: 0 }));

    const refund = await a.send('0200', purchase(c.pan, 500, c.expiry, { 3: '200000' }));
    expect(refund.mti).toBe('0210');
    expect(refund.fields[39]).toBe('00');
    expect(await balance(c.id)).toEqual(expect.objectContaining({ available: 10_000 - 2120 + 500, pending_holds: 0 }));

    // The link's ids are on the authorization and its transactions.
    const txns = await expectOk(call(server.base, 'GET', `/v1/transactions?card_id=${c.id}`, { key: merchant.key }));
    expect((txns.data as unknown[]).length).toBeGreaterThanOrEqual(3);
  });

  it('0200 financial authorizes and posts at once; its reversal gives the money back once', async () => {
    const c = await card(10_000);
    const a = await connect();
    const sale = purchase(c.pan, 1000, c.expiry);
    expect((await a.send('0200', sale)).fields[39]).toBe('00');
    expect(await balance(c.id)).toEqual(expect.objectContaining({ available: 10_000 - 1110, pending_holds: 0 }));
    expect((await a.send('0400', followUp(c.pan, 1000, { mti: '0200', fields: sale }))).fields[39]).toBe('00');
    expect((await balance(c.id)).available).toBe(10_000 - 110);
    expect((await a.send('0420', followUp(c.pan, 1000, { mti: '0200', fields: sale }))).fields[39]).toBe('00');
    expect((await balance(c.id)).available).toBe(10_000 - 110);
  });

  it('reverses in full (the hold voided), partially with DE 95, and a second reversal changes nothing', async () => {
    const c = await card(10_000);
    const a = await connect();
    const first = purchase(c.pan, 1000, c.expiry);
    expect((await a.send('0100', first)).fields[39]).toBe('00');
    expect((await balance(c.id)).pending_holds).toBe(1110);
    const reversal = await a.send('0400', followUp(c.pan, 1000, { mti: '0100', fields: first }));
    expect(reversal.mti).toBe('0410');
    expect(reversal.fields[39]).toBe('00');
    expect(await balance(c.id)).toEqual(expect.objectContaining({ available: 10_000, pending_holds: 0 }));

    const second = purchase(c.pan, 3000, c.expiry);
    expect((await a.send('0100', second)).fields[39]).toBe('00');
    expect((await balance(c.id)).pending_holds).toBe(3130);
    const actual = `${'1000'.padStart(12, '0')}${'0'.repeat(30)}`;
    const partial = await a.send('0420', followUp(c.pan, 3000, { mti: '0100', fields: second }, { 95: actual }));
    expect(partial.mti).toBe('0430');
    expect(partial.fields[39]).toBe('00');
    // The hold is now 10.00 with its fee recomputed (1.10).
    expect((await balance(c.id)).pending_holds).toBe(1110);
    expect((await a.send('0420', followUp(c.pan, 3000, { mti: '0100', fields: second }, { 95: actual }))).fields[39]).toBe('00');
    expect((await balance(c.id)).pending_holds).toBe(1110);
    expect((await a.send('0400', followUp(c.pan, 3000, { mti: '0100', fields: second }))).fields[39]).toBe('00');
    expect(await balance(c.id)).toEqual(expect.objectContaining({ available: 10_000, pending_holds: 0 }));
    expect((await a.send('0400', followUp(c.pan, 3000, { mti: '0100', fields: second }))).fields[39]).toBe('00');
    expect(await balance(c.id)).toEqual(expect.objectContaining({ available: 10_000, pending_holds: 0 }));
  });

  it('answers a reversal or completion of an unknown original 25', async () => {
    const c = await card(1000);
    const a = await connect();
    const never = purchase(c.pan, 100, c.expiry);
    expect((await a.send('0400', followUp(c.pan, 100, { mti: '0100', fields: never }))).fields[39]).toBe('25');
    expect((await a.send('0220', followUp(c.pan, 100, { mti: '0100', fields: never }))).fields[39]).toBe('25');
  });

  it('declines: unknown PAN 14, wrong expiry 54, insufficient funds 51, frozen card 57', async () => {
    const c = await card(1000);
    const a = await connect();
    expect((await a.send('0100', purchase(generatePan('400000'), 100, '3012'))).fields[39]).toBe('14');
    const wrongExpiry = await a.send('0100', purchase(c.pan, 100, c.expiry === '3012' ? '3011' : '3012'));
    expect(wrongExpiry.fields[39]).toBe('54');
    expect(wrongExpiry.fields[38]).toBeUndefined();
    expect((await a.send('0100', purchase(c.pan, 100_000, c.expiry))).fields[39]).toBe('51');
    await expectOk(call(server.base, 'PATCH', `/v1/cards/${c.id}/deactivate`, { key: merchant.key }));
    expect((await a.send('0100', purchase(c.pan, 100, c.expiry))).fields[39]).toBe('57');
    // Declines are recorded as transactions and move no money.
    expect(await balance(c.id)).toEqual(expect.objectContaining({ available: 1000, pending_holds: 0 }));
    const declined = await expectOk(call(server.base, 'GET', `/v1/transactions?card_id=${c.id}&status=declined`, { key: merchant.key }));
    expect((declined.data as { decline_reason: string }[]).map((t) => t.decline_reason).sort())
      .toEqual(['card_inactive', 'expiry_mismatch', 'insufficient_funds']);
  });

  it('verifies the PIN block: correct 00, wrong 55, the third wrong one 75, and 75 from then on', async () => {
    const c = await card(10_000);
    await expectOk(call(server.base, 'PUT', `/v1/cards/${c.id}/pin`, { key: merchant.key, body: { pin: '385912' } }));
    const a = await connect();
    const withPin = (pin: string) => purchase(c.pan, 100, c.expiry, { 52: pinBlock(pin, c.pan) });
    expect((await a.send('0100', withPin('385912'))).fields[39]).toBe('00');
    expect((await a.send('0100', withPin('111111'))).fields[39]).toBe('55');
    // A retransmission of the wrong one is answered the same and counts no second try.
    const wrong = withPin('222222');
    expect((await a.send('0100', wrong)).fields[39]).toBe('55');
    expect((await a.send('0100', wrong)).fields[39]).toBe('55');
    expect((await a.send('0100', withPin('333333'))).fields[39]).toBe('75');
    expect((await a.send('0100', withPin('385912'))).fields[39]).toBe('75');
  });

  it('answers a duplicate 0100 the same, without a second hold', async () => {
    const c = await card(10_000);
    const a = await connect();
    const auth = purchase(c.pan, 700, c.expiry);
    const first = await a.send('0100', auth);
    const again = await a.send('0100', auth);
    expect(again.fields).toEqual(first.fields);
    const b = await connect();
    expect((await b.send('0101', auth)).fields).toEqual({ ...first.fields });
    // One hold: 7.00 and its fee 1.07.
    expect((await balance(c.id)).pending_holds).toBe(807);
  });

  it('answers 50 requests pipelined on one connection, each matched by DE 11 + DE 37', async () => {
    const c = await card(1_000_000);
    const a = await connect();
    const sent = Array.from({ length: 50 }, (_, i) => purchase(c.pan, 100 + i, c.expiry));
    const replies = await Promise.all(sent.map((m) => a.send('0100', m)));
    replies.forEach((r, i) => {
      expect(r.fields[39]).toBe('00');
      expect(r.fields[4]).toBe(sent[i]![4]);
      expect(r.fields[11]).toBe(sent[i]![11]);
    });
    expect(new Set(replies.map((r) => r.fields[38])).size).toBe(50);
  });

  it('answers a malformed message 30 while another connection keeps working; closes one it cannot read', async () => {
    const c = await card(10_000);
    const bad = await connect();
    const good = await connect();
    stan++;
    const s = String(stan).padStart(6, '0');
    // DE 49 with a letter: the MTI and DE 11 (which comes first) can be read.
    const text = pack('0100', { 2: c.pan, 4: '000000000100', 11: s, 49: '840' }).subarray(2).toString('latin1').replace(/840$/, '84X');
    const head = Buffer.alloc(2);
    head.writeUInt16BE(text.length);
    const answer = new Promise<Reply>((resolve) => bad.socket.once('data', () => setTimeout(() => resolve(bad.replies.at(-1)!), 50)));
    bad.raw(Buffer.concat([head, Buffer.from(text, 'latin1')]));
    const [formatError, echo] = await Promise.all([
      answer,
      good.send('0800', { 7: de7(), 11: String(++stan).padStart(6, '0'), 70: '301' }),
    ]);
    expect(formatError).toMatchObject({ mti: '0110', fields: { 11: s, 39: '30' } });
    expect(echo.fields[39]).toBe('00');
    // Unreadable (no MTI): the connection is closed; the other one still works.
    bad.raw(Buffer.from([0, 4, 0x41, 0x42, 0x43, 0x44]));
    await bad.closed;
    expect((await good.send('0100', purchase(c.pan, 100, c.expiry))).fields[39]).toBe('00');
    // A frame over the maximum closes its connection too.
    const big = await connect();
    big.raw(Buffer.from([0xff, 0xff, 0x30]));
    await big.closed;
    expect((await good.send('0800', { 7: de7(), 11: String(++stan).padStart(6, '0'), 70: '301' })).fields[39]).toBe('00');
  });

  it('reports its messages and connections in /metrics, and leaves the ledger clean', async () => {
    const metrics = await call(server.base, 'GET', '/metrics');
    expect(metrics.body).toMatch(/tessera_iso8583_messages_total\{mti="0100",response_code="00"\} \d+/);
    expect(metrics.body).toMatch(/tessera_iso8583_decision_duration_seconds_bucket/);
    expect(metrics.body).toMatch(/tessera_iso8583_connections \d+/);
    const verify = await expectOk(call(server.base, 'GET', '/admin/v1/ledger/verify', { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } }));
    expect(verify.violations).toEqual([]);
    expect(verify.ok).toBe(true);
    await waitFor(() => (server.alive() ? true : null), 1000);
  });
});

