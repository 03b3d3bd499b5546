import net from 'node:net';
import { FIELDS } from './fields.ts';
import { FrameReader, decode, encode, frame, type Message } from './codec.ts';
import { formatErrorResponse, isAnswerable, maskedPan, respond, type ResponseCode } from './mapping.ts';
import type { Budget, LinkAnswer } from './link.ts';

/**
 * The TCP side of the network link (docs/iso8583.md, "Transport"): frames
 * with a 2-byte length, many connections, requests pipelined on one
 * connection and answered as each is decided (the counterparty matches on
 * DE 11 + DE 37), each within the time budget or 91. A connection that sends
 * what cannot be framed or read is closed; nothing it sends reaches another
 * connection or the process.
 */

/** What the listener needs from the link: one message in, one answer out, never a throw. */
export interface MessageHandler {
  handle(message: Message, budget: Budget): Promise<LinkAnswer>;
}

/** What the listener reports, for metrics. */
export interface ListenerObserver {
  /** A request was answered (`code`) after `ms`; `mti` is the request's. */
  answered(mti: string, code: ResponseCode, ms: number): void;
  connections(open: number): void;
  /** A connection was closed for what it sent: `too_large`, `unreadable`, `idle`. */
  closed(reason: 'too_large' | 'unreadable' | 'idle'): void;
}

export interface ListenerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ListenerOptions {
  host: string;
  port: number;
  timeoutMs: number;
  idleTimeoutMs: number;
  handler: MessageHandler;
  log: ListenerLog;
  observer?: ListenerObserver;
}

/**
 * Why 256: a counterparty pipelines at most its own window (networks use tens);
 * past this many unanswered requests the connection stops being read until
 * answers drain, so one connection cannot queue without bound.
 */
export const PIPELINE_MAX = 256;
/** Why 8 s: shutdown waits this long for messages being decided to be answered, within main's 10 s grace. */
const DRAIN_MS = 8_000;

export interface NetworkListener {
  readonly host: string;
  readonly port: number;
  /** Stop accepting, answer what is in flight (up to a few seconds), then close every connection. */
  close(): Promise<void>;
}

/** A log line's view of a message: the PAN masked, PIN block and track data left out. */
export function loggable(m: Message): Record<string, string> {
  const out: Record<string, string> = { mti: m.mti };
  for (const [bit, value] of m.fields) {
    if (FIELDS.get(bit)?.secret) continue;
    out[`de${bit}`] = bit === 2 ? maskedPan(value) : value;
  }
  return out;
}

export function startListener(options: ListenerOptions): Promise<NetworkListener> {
  const { handler, log, observer } = options;
  const sockets = new Set<net.Socket>();
  const pending = new Set<Promise<void>>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    observer?.connections(sockets.size);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const reader = new FrameReader();
    let unanswered = 0;
    socket.setNoDelay(true);
    socket.setTimeout(options.idleTimeoutMs);
    const close = (reason: 'too_large' | 'unreadable' | 'idle', detail: object) => {
      log.warn({ peer, reason, ...detail }, 'iso8583: closing the connection');
      observer?.closed(reason);
      socket.destroy();
    };
    socket.on('timeout', () => close('idle', { idle_ms: options.idleTimeoutMs }));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      observer?.connections(sockets.size);
    });
    const send = (response: Message) => {
      if (socket.destroyed || !socket.writable) return;
      let bytes: Buffer;
      try {
        bytes = frame(encode(response));
      } catch (err) {
        // A response that does not encode is a bug; it costs this connection, never the process.
        log.warn({ peer, err, iso8583: loggable(response) }, 'iso8583: a response could not be encoded; closing the connection');
        socket.destroy();
        return;
      }
      socket.write(bytes);
    };

    const answer = (request: Message, started: number) => {
      const budget: Budget = { expired: false };
      unanswered++;
      if (unanswered >= PIPELINE_MAX) socket.pause();
      const done = () => {
        unanswered--;
        if (unanswered < PIPELINE_MAX && !socket.destroyed) socket.resume();
      };
      const timer = setTimeout(() => {
        budget.expired = true;
        const response = respond(request, '91');
        send(response);
        const ms = performance.now() - started;
        observer?.answered(request.mti, '91', ms);
        log.warn({ peer, iso8583: loggable(request), de39: '91', ms: Math.round(ms) }, 'iso8583: no decision within the time budget');
      }, options.timeoutMs);
      const work = handler.handle(request, budget)
        .catch((): LinkAnswer => ({ response: respond(request, '96'), code: '96', reason: 'handler failed', replayed: false }))
        .then((result) => {
          clearTimeout(timer);
          done();
          const ms = performance.now() - started;
          if (budget.expired) {
            log.warn({ peer, iso8583: loggable(request), late_de39: result.code, ms: Math.round(ms) }, 'iso8583: decided after the time budget (91 was answered)');
            return;
          }
          send(result.response);
          observer?.answered(request.mti, result.code, ms);
          log.info({
            peer, iso8583: loggable(request), de39: result.code, ms: Math.round(ms * 10) / 10,
            ...(result.replayed ? { replayed: true } : {}), ...(result.reason ? { reason: result.reason } : {}),
          }, 'iso8583 message');
        });
      pending.add(work);
      void work.catch((err: unknown) => log.warn({ peer, err }, 'iso8583: answering failed')).finally(() => pending.delete(work));
    };

    socket.on('data', (chunk: Buffer) => {
      try {
        receive(chunk);
      } catch (err) {
        // Nothing a counterparty sends may take the process down: a fault here closes only this connection.
        log.warn({ peer, err }, 'iso8583: a frame could not be handled; closing the connection');
        socket.destroy();
      }
    });
    const receive = (chunk: Buffer) => {
      for (const event of reader.push(chunk)) {
        if (event.kind === 'too_large') return close('too_large', { length: event.length });
        const started = performance.now();
        const decoded = decode(event.message);
        if (decoded.ok) {
          if (isAnswerable(decoded.message.mti)) answer(decoded.message, started);
          else log.warn({ peer, iso8583: loggable(decoded.message) }, 'iso8583: a response or acknowledgement was sent to the issuer; ignored');
          continue;
        }
        if (decoded.mti !== null && decoded.stan !== null && isAnswerable(decoded.mti)) {
          const response = formatErrorResponse(decoded.mti, decoded.fields);
          send(response);
          observer?.answered(decoded.mti, '30', performance.now() - started);
          log.warn({ peer, iso8583: loggable({ mti: decoded.mti, fields: decoded.fields }), de39: '30', reason: decoded.reason }, 'iso8583: format error');
          continue;
        }
        return close('unreadable', { reason: decoded.reason });
      }
    };
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      server.on('error', (err) => log.warn({ err }, 'iso8583: listener error'));
      const address = server.address() as net.AddressInfo;
      resolve({
        host: options.host,
        port: address.port,
        async close() {
          await new Promise<void>((done) => {
            server.close(() => done());
            // No new messages are read; what is being decided is answered, then every connection goes.
            for (const s of sockets) s.pause();
            const deadline = setTimeout(() => sockets.forEach((s) => s.destroy()), DRAIN_MS);
            void Promise.allSettled([...pending]).then(() => {
              clearTimeout(deadline);
              for (const s of sockets) s.end();
              setTimeout(() => sockets.forEach((s) => s.destroy()), 500);
            });
          });
        },
      });
    });
  });
}
