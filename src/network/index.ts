/**
 * The network link (ISO 8583:1987 ASCII over TCP, docs/iso8583.md): the
 * codec and its field table, the mapping of messages to Tessera's
 * authorization path and lifecycle, and the TCP listener. main.ts starts it
 * when TESSERA_ISO8583_PORT is set.
 */
import type { Registry } from 'prom-client';
import type { Db } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import type { KeyProvider } from '../crypto/index.ts';
import type { AuthorizationService } from '../authorizations/index.ts';
import { NetworkLink, type LinkLog } from './link.ts';
import { startListener, type ListenerLog, type NetworkListener } from './listener.ts';
import { linkMetrics } from './metrics.ts';

export { FIELDS, FRAME_MAX_BYTES } from './fields.ts';
export { decode, encode, frame, FrameReader, type Message } from './codec.ts';
export { RESPONSE_CODES, linkKey, type ResponseCode } from './mapping.ts';
export { NetworkLink } from './link.ts';
export { startListener, PIPELINE_MAX, type NetworkListener } from './listener.ts';

export interface NetworkLinkOptions {
  db: Db;
  keys: KeyProvider;
  clock: Clock;
  authorizations: AuthorizationService;
  log: LinkLog & ListenerLog;
  metrics: Registry | null;
  host: string;
  port: number;
  mode: 'live' | 'sandbox';
  timeoutMs: number;
  idleTimeoutMs: number;
}

/** Start the link: a listener on host:port serving the cards of one mode. */
export function startNetworkLink(o: NetworkLinkOptions): Promise<NetworkListener> {
  const link = new NetworkLink({ db: o.db, keys: o.keys, clock: o.clock, authorizations: o.authorizations, mode: o.mode, log: o.log });
  return startListener({
    host: o.host, port: o.port, timeoutMs: o.timeoutMs, idleTimeoutMs: o.idleTimeoutMs, handler: link, log: o.log,
    observer: o.metrics ? linkMetrics(o.metrics) : undefined,
  });
}
