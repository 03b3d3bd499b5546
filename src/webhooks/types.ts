import type { Mode } from '../merchants/index.ts';

export interface Owner {
  merchantId: string;
  mode: Mode;
}

export type DisabledReason = 'manual' | 'failing' | 'gone';

export interface WebhookEndpoint {
  id: string;
  merchantId: string;
  mode: Mode;
  url: string;
  description: string | null;
  /** Event types, or ['*'] for all. */
  events: string[];
  enabled: boolean;
  disabledReason: DisabledReason | null;
  secretSealed: Buffer;
  previousSecretSealed: Buffer | null;
  previousSecretExpiresAt: Date | null;
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface StoredEvent {
  id: string;
  merchantId: string;
  mode: Mode;
  type: string;
  version: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  createdAt: Date;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';

export interface Delivery {
  id: string;
  eventId: string;
  endpointId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
}

export interface Attempt {
  id: string;
  deliveryId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  attemptedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  responseBody: string | null;
  error: string | null;
  succeeded: boolean;
}
