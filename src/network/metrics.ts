import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ListenerObserver } from './listener.ts';

/** The network link's metrics, in the registry /metrics serves: messages by MTI and response code, decision latency, connections. */
export function linkMetrics(registry: Registry): ListenerObserver {
  const messages = new Counter({
    name: 'tessera_iso8583_messages_total', help: 'ISO 8583 requests answered, by request MTI and response code (DE 39).',
    labelNames: ['mti', 'response_code'] as const, registers: [registry],
  });
  const latency = new Histogram({
    name: 'tessera_iso8583_decision_duration_seconds', help: 'Time from a request\'s last byte to its answer, by request MTI.',
    labelNames: ['mti'] as const, registers: [registry], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  const open = new Gauge({ name: 'tessera_iso8583_connections', help: 'Open ISO 8583 connections.', registers: [registry] });
  const closed = new Counter({
    name: 'tessera_iso8583_connections_closed_total', help: 'Connections the link closed for what they sent (too_large, unreadable) or for idling (idle).',
    labelNames: ['reason'] as const, registers: [registry],
  });
  return {
    answered(mti, code, ms) {
      messages.inc({ mti, response_code: code });
      latency.observe({ mti }, ms / 1000);
    },
    connections(n) {
      open.set(n);
    },
    closed(reason) {
      closed.inc({ reason });
    },
  };
}
