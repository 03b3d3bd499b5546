import { Type } from '@fastify/type-provider-typebox';
import { EVENT_TYPES } from '../../../events/index.ts';
import { WEBHOOK_URL_LENGTH_MAX } from '../../../webhooks/index.ts';
import { Timestamp } from '../../schemas.ts';

export const EventTypeSchema = Type.Enum(EVENT_TYPES);

const EventsSelector = Type.Array(Type.Union([EventTypeSchema, Type.Literal('*')]), {
  minItems: 1, maxItems: EVENT_TYPES.length, uniqueItems: true,
  description: 'Event types to receive, or ["*"] for every type.',
});

const Url = Type.String({
  minLength: 1, maxLength: WEBHOOK_URL_LENGTH_MAX,
  description: 'HTTPS URL whose host resolves only to public addresses (checked again at each send).',
});
const Description = Type.String({ maxLength: 500 });

const ENDPOINT_EXAMPLE = {
  id: 'we_01jz8b1m4tq6x9c2v5n8k0r3wd', object: 'webhook_endpoint', url: 'https://hooks.acme-wallet.example/tessera',
  description: 'Card and authorization events for the ledger service', events: ['card.created', 'authorization.approved'],
  enabled: true, disabled_reason: null, livemode: false, created_at: '2026-11-04T10:22:51.306Z', updated_at: '2026-11-04T10:22:51.306Z',
} as const;

export const EndpointInputSchema = Type.Object({
  url: Url, events: EventsSelector, description: Type.Optional(Description),
}, {
  additionalProperties: false,
  examples: [{ url: ENDPOINT_EXAMPLE.url, events: ['card.created', 'authorization.approved'], description: ENDPOINT_EXAMPLE.description }],
});

export const EndpointPatchSchema = Type.Object({
  url: Type.Optional(Url),
  events: Type.Optional(EventsSelector),
  enabled: Type.Optional(Type.Boolean({ description: 'false stops deliveries (pending ones are cancelled); true re-enables a disabled endpoint.' })),
  description: Type.Optional(Type.Union([Description, Type.Null()])),
}, { additionalProperties: false, minProperties: 1, examples: [{ events: ['*'], enabled: true }] });

export const EndpointSchema = Type.Object({
  id: Type.String({ description: 'we_…' }),
  object: Type.Literal('webhook_endpoint'),
  url: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabled_reason: Type.Union([Type.Literal('manual'), Type.Literal('failing'), Type.Literal('gone'), Type.Null()], {
    description: '`manual` (PATCH), `failing` (failed for 5 days: event `webhook_endpoint.disabled`), `gone` (the receiver answered 410).',
  }),
  livemode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
}, { examples: [ENDPOINT_EXAMPLE] });

export const EndpointWithSecretSchema = Type.Object({
  ...EndpointSchema.properties,
  secret: Type.String({ description: 'whsec_…: the Standard Webhooks signing secret. Shown only here; store it now.' }),
}, { examples: [{ ...ENDPOINT_EXAMPLE, secret: 'whsec_ZXhhbXBsZS13ZWJob29rLXNlY3JldC1ub3QtcmVhbCE=' }] });

export const DeletedEndpointSchema = Type.Object({
  id: Type.String(), object: Type.Literal('webhook_endpoint'), deleted: Type.Literal(true),
}, { examples: [{ id: ENDPOINT_EXAMPLE.id, object: 'webhook_endpoint', deleted: true }] });

export const EventSchema = Type.Object({
  id: Type.String({ description: 'evt_…; also the `webhook-id` of its deliveries.' }),
  object: Type.Literal('event'),
  type: Type.String(),
  version: Type.Integer({ description: 'Payload version; bumped on an incompatible change.' }),
  livemode: Type.Boolean(),
  created_at: Timestamp,
  data: Type.Object({
    object: Type.Object({}, { additionalProperties: true, description: 'The object as the API presents it.' }),
    previous_attributes: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'For *.updated: the changed fields before the change.' })),
  }),
}, {
  examples: [{
    id: 'evt_01jz8c2n5wq7k1m4v9x3b6d0tf', object: 'event', type: 'webhook_endpoint.disabled', version: 1, livemode: false,
    created_at: '2026-11-25T03:12:09.871Z',
    data: { object: { ...ENDPOINT_EXAMPLE, enabled: false, disabled_reason: 'failing', updated_at: '2026-11-25T03:12:09.871Z' } },
  }],
});

export const DeliverySchema = Type.Object({
  id: Type.String({ description: 'wdel_…' }),
  object: Type.Literal('webhook_delivery'),
  event_id: Type.String(),
  endpoint_id: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')]),
  attempts: Type.Integer(),
  next_attempt_at: Timestamp,
  created_at: Timestamp,
}, {
  examples: [{
    id: 'wdel_01jz8d4q7ys2m6n0c5v8x1b3kh', object: 'webhook_delivery', event_id: 'evt_01jz8c2n5wq7k1m4v9x3b6d0tf',
    endpoint_id: ENDPOINT_EXAMPLE.id, status: 'pending', attempts: 0, next_attempt_at: '2026-11-25T09:40:00.000Z',
    created_at: '2026-11-25T09:40:00.000Z',
  }],
});

export const AttemptSchema = Type.Object({
  id: Type.String({ description: 'watt_…' }),
  object: Type.Literal('webhook_delivery_attempt'),
  delivery_id: Type.String(),
  endpoint_id: Type.String(),
  event_id: Type.String(),
  event_type: Type.String(),
  attempt: Type.Integer({ description: '1 for the first attempt of a delivery.' }),
  attempted_at: Timestamp,
  status_code: Type.Union([Type.Integer(), Type.Null()], { description: 'Null when there was no HTTP response.' }),
  latency_ms: Type.Integer(),
  response_body: Type.Union([Type.String(), Type.Null()], { description: 'The first 1 KiB of the response.' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why there was no response: timeout, network, blocked address.' }),
  succeeded: Type.Boolean(),
}, {
  examples: [{
    id: 'watt_01jz8d5r2kc9w4m7q0v3x6b1nz', object: 'webhook_delivery_attempt', delivery_id: 'wdel_01jz8d4q7ys2m6n0c5v8x1b3kh',
    endpoint_id: ENDPOINT_EXAMPLE.id, event_id: 'evt_01jz8c2n5wq7k1m4v9x3b6d0tf', event_type: 'card.created', attempt: 1,
    attempted_at: '2026-11-25T09:40:00.412Z', status_code: 200, latency_ms: 184, response_body: '{"received":true}', error: null,
    succeeded: true,
  }],
});
