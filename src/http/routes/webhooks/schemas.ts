import { Type } from '@fastify/type-provider-typebox';
import { EVENT_TYPES } from '../../../events/index.ts';
import { WEBHOOK_URL_LENGTH_MAX } from '../../../webhooks/url.ts';
import { Timestamp } from '../../schemas.ts';

export const EventTypeSchema = Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)));

const EventsSelector = Type.Array(Type.Union([EventTypeSchema, Type.Literal('*')]), {
  minItems: 1, maxItems: EVENT_TYPES.length, uniqueItems: true,
  description: 'Event types to receive, or ["*"] for every type.',
});

const Url = Type.String({
  minLength: 1, maxLength: WEBHOOK_URL_LENGTH_MAX,
  description: 'HTTPS URL whose host resolves only to public addresses (checked again at each send).',
});
const Description = Type.String({ maxLength: 500 });

export const EndpointInputSchema = Type.Object({
  url: Url, events: EventsSelector, description: Type.Optional(Description),
}, { additionalProperties: false });

export const EndpointPatchSchema = Type.Object({
  url: Type.Optional(Url),
  events: Type.Optional(EventsSelector),
  enabled: Type.Optional(Type.Boolean({ description: 'false stops deliveries (pending ones are cancelled); true re-enables a disabled endpoint.' })),
  description: Type.Optional(Type.Union([Description, Type.Null()])),
}, { additionalProperties: false, minProperties: 1 });

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
});

export const EndpointWithSecretSchema = Type.Object({
  ...EndpointSchema.properties,
  secret: Type.String({ description: 'whsec_…: the Standard Webhooks signing secret. Shown only here; store it now.' }),
});

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
});
