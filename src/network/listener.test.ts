import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameReader, decode, encode, frame, type Message } from './codec.ts';
import { respond } from './mapping.ts';
import { loggable, startListener, type ListenerObserver, type MessageHandler, type NetworkListener } from './listener.ts';
import type { Budget, LinkAnswer } from './link.ts';

/** The listener alone, with a handler the test controls: framing, timing, pipelining and closing, no database. */

const silent = { info() {}, warn() {} };
let listener: NetworkListener | null = null;
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.length = 0;
  await listener?.close();
  listener = null;
});

const msg = (mti: string, fields: Record<number, string>): Message => ({ mti, fields: new Map(Object.entries(fields).map(([k, v]) => [Number(k), v])) });
const echo = (stan: string, rrn?: string) => msg('0800', rrn ? { 7: '0612153045', 11: stan, 37: rrn, 70: '301' } : { 7: '0612153045', 11: stan, 70: '301' });

/** A handler that answers 00 after the delay its request's DE 11 names in milliseconds. */
const delayed: MessageHandler = {
  handle(m: Message, budget: Budget): Promise<LinkAnswer> {
    const ms = Number(m.fields.get(11));
    return new Promise((resolve) => {
      setTimeout(() => resolve({ response: respond(m, budget.expired ? '96' : '00'), code: '00', reason: null, replayed: false }), ms);
    });
  },
};

async function client(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  const reader = new FrameReader();
  const received: Message[] = [];
  socket.on('data', (chunk: Buffer) => {
    for (const e of reader.push(chunk)) {
      if (e.kind === 'frame') {
        const d = decode(e.message);
        if (d.ok) received.push(d.message);
      }
    }
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, received, closed, send: (m: Message) => socket.write(frame(encode(m))) };
}

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

function observer() {
  const seen = { answered: [] as [string, string][], open: [] as number[], closed: [] as string[] };
  const o: ListenerObserver = {
    answered: (mti, code) => seen.answered.push([mti, code]),
    connections: (n) => seen.open.push(n),
    closed: (reason) => seen.closed.push(reason),
  };
  return { seen, o };
}

describe('the listener', () => {
  it('answers pipelined requests as each is decided, out of order, matched by DE 11 + DE 37', async () => {
    listener = await startListener({ host: '127.0.0.1', port: 0, timeoutMs: 2000, idleTimeoutMs: 10_000, handler: delayed, log: silent });
    const c = await client(listener.port);
    c.send(echo('000300', 'A00000000001'));
    c.send(echo('000010', 'A00000000002'));
    c.send(echo('000100', 'A00000000003'));
    await until(() => c.received.length === 3);
    expect(c.received.map((m) => `${m.fields.get(11)}:${m.fields.get(37)}`)).toEqual(['000010:A00000000002', '000100:A00000000003', '000300:A00000000001']);
    expect(c.received.every((m) => m.mti === '0810' && m.fields.get(39) === '00')).toBe(true);
  });

  it('answers 91 when the decision is not ready within the time budget, and drops the late answer', async () => {
    const { seen, o } = observer();
    listener = await startListener({ host: '127.0.0.1', port: 0, timeoutMs: 100, idleTimeoutMs: 10_000, handler: delayed, log: silent, observer: o });
    const c = await client(listener.port);
    c.send(echo('000400'));
    await until(() => c.received.length === 1);
    expect(c.received[0]!.fields.get(39)).toBe('91');
    await new Promise((r) => setTimeout(r, 450));
    expect(c.received).toHaveLength(1);
    expect(seen.answered).toEqual([['0800', '91']]);
  });

  it('closes a connection idle past its timeout, and counts it', async () => {
    const { seen, o } = observer();
    listener = await startListener({ host: '127.0.0.1', port: 0, timeoutMs: 1000, idleTimeoutMs: 200, handler: delayed, log: silent, observer: o });
    const c = await client(listener.port);
    await c.closed;
    expect(seen.closed).toEqual(['idle']);
    await until(() => seen.open.at(-1) === 0);
  });

  it('answers 30 to what it cannot parse when MTI and DE 11 are readable, closes the connection otherwise, and another connection is untouched', async () => {
    const { seen, o } = observer();
    listener = await startListener({ host: '127.0.0.1', port: 0, timeoutMs: 1000, idleTimeoutMs: 10_000, handler: delayed, log: silent, observer: o });
    const bad = await client(listener.port);
    const good = await client(listener.port);
    const text = encode(msg('0100', { 4: '000000000100', 11: '000001', 49: '840' })).toString('latin1').replace(/840$/, '8X0');
    bad.socket.write(frame(Buffer.from(text, 'latin1')));
    await until(() => bad.received.length === 1);
    expect(bad.received[0]).toEqual(msg('0110', { 4: '000000000100', 11: '000001', 39: '30' }));
    // A response sent to the issuer is ignored, the connection stays.
    bad.send(msg('0810', { 7: '0612153045', 11: '000002', 39: '00', 70: '301' }));
    bad.socket.write(frame(Buffer.from('garbage!')));
    await bad.closed;
    good.send(echo('000005'));
    await until(() => good.received.length === 1);
    expect(good.received[0]!.fields.get(39)).toBe('00');
    // A frame announced over the maximum closes its connection at once.
    const big = await client(listener.port);
    big.socket.write(Buffer.from([0xff, 0xff]));
    await big.closed;
    expect(seen.closed).toEqual(['unreadable', 'too_large']);
  });

  it('stops reading a connection with too many unanswered requests, and reads on as answers drain', async () => {
    listener = await startListener({ host: '127.0.0.1', port: 0, timeoutMs: 5000, idleTimeoutMs: 10_000, handler: delayed, log: silent });
    const c = await client(listener.port);
    // 300 requests of 50 ms each: more than PIPELINE_MAX at once; all are answered.
    for (let i = 0; i < 300; i++) c.send(echo('000050', `R${String(i).padStart(11, '0')}`));
    await until(() => c.received.length === 300, 10_000);
    expect(new Set(c.received.map((m) => m.fields.get(37))).size).toBe(300);
  });

  it('on close, answers what it is deciding before the connections go', async () => {
    listener = await startListener({ host: '127.0.0.1', port: 0, timeoutMs: 5000, idleTimeoutMs: 10_000, handler: delayed, log: silent });
    const c = await client(listener.port);
    c.send(echo('000200'));
    await new Promise((r) => setTimeout(r, 50));
    const closing = listener.close();
    listener = null;
    await closing;
    expect(c.received.map((m) => m.fields.get(39))).toEqual(['00']);
  });

  it('logs a message without its PIN block or track data, and with its PAN masked', () => {
    const line = loggable(msg('0100', { 2: '4242424242424242', 4: '000000000100', 35: '4242424242424242D2812', 45: 'B4242', 52: '0412AC89ABCDEF67' }));
    expect(line).toEqual({ mti: '0100', de2: '424242******4242', de4: '000000000100' });
  });
});
