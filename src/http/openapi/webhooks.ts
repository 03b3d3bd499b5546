import { Type, type TSchema } from '@fastify/type-provider-typebox';
import { EVENT_TYPES, EVENT_VERSION, type EventType } from '../../events/index.ts';
import { KYC_STATUSES } from '../../customers/index.ts';
import { CardSchema } from '../presenters/cards.ts';
import { CustomerSchema } from '../presenters/customers.ts';
import { AuthorizationSchema, TransactionSchema } from '../presenters/money.ts';
import { TopupSchema } from '../routes/topups/shared.ts';
import { EndpointSchema } from '../routes/webhooks/schemas.ts';
import { SmsSchema } from '../routes/sms/shared.ts';
import { LiveAccessRequestSchema } from '../routes/live-access/schemas.ts';
import { Timestamp } from '../schemas.ts';
import { parameterRef } from './headers.ts';

/*
 * The OpenAPI 3.1 `webhooks` section: one entry per event type of
 * events/index.ts (EVENT_TYPES is the source of truth; the Record type below
 * fails to compile when a type has no entry), with the body the dispatcher
 * sends (webhooks/dispatcher.ts: presentEvent plus `timestamp`), the Standard
 * Webhooks and RFC 9421 headers it signs with, and an example.
 */

/** The objects some domain modules write into their events themselves (no API response has their shape). */
const KycUpdateSchema = Type.Object({
  customer_id: Type.String({ description: 'cus_…' }),
  status: Type.Union(KYC_STATUSES.map((s) => Type.Literal(s))),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why the operator rejected the documents; null otherwise.' }),
}, { title: 'KYC update', examples: [{ customer_id: 'cus_01kaqm3c7pfk8sx2wd0yq4ne5h', status: 'REJECTED', reason: 'The document image is blurred.' }] });

const ReservationExpirySchema = Type.Object({
  id: Type.String({ description: 'res_…' }),
  object: Type.Literal('reservation'),
  card_id: Type.String(),
  amount: Type.Integer({ description: 'Reserved, minor units of the card currency.' }),
  fee: Type.Integer({ description: 'The fee charged with the reservation, minor units.' }),
  returned: Type.Integer({ description: 'What was unused and went back to the card balance, minor units.' }),
}, {
  title: 'Reservation expiry',
  examples: [{ id: 'res_01kaqm3c7pfk8sx2wd0yq4ne5h', object: 'reservation', card_id: 'card_01kaqm3c7qe0v9b1m8g2h4k6n7', amount: 5000, fee: 50, returned: 1250 }],
});

const WalletBalanceSchema = Type.Object({
  object: Type.Literal('wallet'),
  currency: Type.String({ description: 'ISO 4217.' }),
  available: Type.Integer({ description: 'Minor units, from the ledger, after the change.' }),
}, { title: 'Wallet', examples: [{ object: 'wallet', currency: 'USD', available: 1250000 }] });

const AuthorizationUpdateSchema = Type.Object({
  object: Type.Literal('authorization_update'),
  authorization: AuthorizationSchema,
}, { title: 'Authorization update', description: 'An authorization changed (cleared, reversed, expired, refunded): the authorization after the change.' });

/** The account as accounts/index.ts presents it (the routes' schema is private to their folder). */
const AccountEventSchema = Type.Object({
  id: Type.String({ description: 'acct_…' }), object: Type.Literal('account'), customer_id: Type.String(), currency: Type.String(),
  livemode: Type.Boolean(), created_at: Timestamp,
}, {
  title: 'Account',
  examples: [{ id: 'acct_01kaqm3c7pfk8sx2wd0yq4ne5h', object: 'account', customer_id: 'cus_01kaqm3c7qe0v9b1m8g2h4k6n7', currency: 'USD', livemode: false, created_at: '2026-11-22T12:00:00.000Z' }],
});

interface EventDoc {
  summary: string;
  /** The schema of `data.object`. */
  object: TSchema;
  /** The event carries `data.previous_attributes`. */
  previous?: boolean;
}

export const EVENT_DOCS: { readonly [T in EventType]: EventDoc } = {
  'customer.created': { summary: 'A customer was created', object: CustomerSchema },
  'customer.updated': { summary: 'A customer was updated', object: CustomerSchema, previous: true },
  'kyc.updated': { summary: "A customer's KYC status changed", object: KycUpdateSchema, previous: true },
  'account.created': { summary: 'An account was opened', object: AccountEventSchema },
  'card.created': { summary: 'A card was issued', object: CardSchema },
  'card.updated': { summary: 'A card changed (status, shipment, settings)', object: CardSchema, previous: true },
  'card.terminated': { summary: 'A card was terminated', object: CardSchema, previous: true },
  'topup.succeeded': { summary: 'A mobile top-up succeeded', object: TopupSchema },
  'topup.failed': { summary: 'A mobile top-up failed', object: TopupSchema },
  'authorization.approved': { summary: 'An authorization was approved', object: AuthorizationSchema },
  'authorization.declined': { summary: 'An authorization was declined', object: AuthorizationSchema },
  'transaction.created': { summary: 'A transaction was recorded', object: TransactionSchema },
  'transaction.updated': {
    summary: 'A transaction or authorization changed',
    object: Type.Union([TransactionSchema, AuthorizationUpdateSchema], {
      description: 'A transaction whose status or amount changed (with `previous_attributes`), or an authorization update (`object: "authorization_update"`).',
    }),
    previous: true,
  },
  'reservation.expired': { summary: 'A reservation expired', object: ReservationExpirySchema },
  'wallet.updated': { summary: "A merchant wallet's balance changed", object: WalletBalanceSchema },
  'webhook_endpoint.disabled': { summary: 'A webhook endpoint was disabled', object: EndpointSchema, previous: true },
  'sms.delivered': { summary: 'An SMS was delivered', object: SmsSchema },
  'sms.failed': { summary: 'An SMS failed', object: SmsSchema },
  'live_access_request.created': { summary: 'Live access was requested', object: LiveAccessRequestSchema },
  'live_access_request.approved': { summary: 'Live access was granted', object: LiveAccessRequestSchema, previous: true },
  'live_access_request.rejected': { summary: 'Live access was refused', object: LiveAccessRequestSchema, previous: true },
};

/** `card.created` → `webhook.cardCreated`: unique beside the routes' `<resource>.<verb>` ids. */
export const webhookOperationId = (type: string) =>
  `webhook.${type.replace(/[._]([a-z])/g, (_m, c: string) => c.toUpperCase())}`;

const camel = (type: string) => type.replace(/(^|[._])([a-z])/g, (_m, _s, c: string) => c.toUpperCase());

/** The first example a schema (or, for a union, its first member with one) declares. */
function exampleOf(schema: TSchema): unknown {
  const s = schema as { examples?: unknown; anyOf?: TSchema[]; oneOf?: TSchema[] };
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  for (const member of s.anyOf ?? s.oneOf ?? []) {
    const found = exampleOf(member);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Strip TypeBox's symbols and copy, so the document holds plain JSON. */
const plain = (schema: TSchema): Record<string, unknown> => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

function envelope(type: EventType, doc: EventDoc, objectRef: string) {
  return {
    type: 'object',
    title: `${type} event`,
    required: ['id', 'object', 'type', 'version', 'livemode', 'created_at', 'timestamp', 'data'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', description: 'evt_…; the same as the `webhook-id` header, stable across retries and redeliveries: deduplicate on it.' },
      object: { type: 'string', enum: ['event'] },
      type: { type: 'string', enum: [type] },
      version: { type: 'integer', enum: [EVENT_VERSION], description: 'Payload version; bumped on an incompatible change.' },
      livemode: { type: 'boolean' },
      created_at: { type: 'string', format: 'date-time', description: 'When the change happened.' },
      timestamp: { type: 'string', format: 'date-time', description: 'The event time (Standard Webhooks); equal to `created_at`.' },
      data: {
        type: 'object',
        required: ['object'],
        additionalProperties: false,
        properties: {
          object: { $ref: objectRef },
          ...(doc.previous
            ? { previous_attributes: { type: 'object', additionalProperties: true, description: 'The fields that changed, with their values before the change.' } }
            : {}),
        },
      },
    },
  };
}

const WEBHOOK_HEADERS = {
  WebhookId: {
    name: 'webhook-id', in: 'header', required: true, schema: { type: 'string' },
    description: 'Standard Webhooks: the event id (`evt_…`), the same on every retry and redelivery.',
    example: 'evt_01kaqm3c7pfk8sx2wd0yq4ne5h',
  },
  WebhookTimestamp: {
    name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string', pattern: '^[0-9]+$' },
    description: 'Standard Webhooks: Unix seconds of this attempt; refuse deliveries too far from your clock.',
    example: '1795780800',
  },
  WebhookSignature: {
    name: 'webhook-signature', in: 'header', required: true, schema: { type: 'string' },
    description: 'Standard Webhooks: space-separated `v1,<base64 HMAC-SHA256>` signatures of `{webhook-id}.{webhook-timestamp}.{body}` '
      + 'with the endpoint secret (`whsec_…`); two during a secret rotation. Verify with any Standard Webhooks library.',
    example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  },
  TesseraSignature: {
    name: 'Signature', in: 'header', required: true, schema: { type: 'string' },
    description: "RFC 9421 signature by Tessera's own Ed25519 key (keys at GET /v1/.well-known/signing-keys), covering `@method`, "
      + '`@target-uri`, `content-digest`, `content-type`, `webhook-id` and `webhook-timestamp`.',
    example: 'sig1=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:',
  },
  TesseraSignatureInput: {
    name: 'Signature-Input', in: 'header', required: true, schema: { type: 'string' },
    description: "RFC 9421 signature parameters: `created`, `keyid` (the key's RFC 7638 thumbprint), `alg=\"ed25519\"`, `nonce`.",
    example: 'sig1=("@method" "@target-uri" "content-digest" "content-type" "webhook-id" "webhook-timestamp");created=1795780800;'
      + 'keyid="pZ3pX0dQ9bR1nV8cT2mK5wL7yH4jF6gS0aE3uI9oB2c";alg="ed25519";nonce="3q9Jd1Xw0ZbL7uYpQe2R8g"',
  },
} as const;

/**
 * The webhooks section, the schemas it references (`<Object>` payloads under
 * `components.schemas`) and its header parameters. `missingExamples` lists the
 * event types whose payload schema declares no example (their entry then has none).
 */
export function webhooksSection(): {
  webhooks: Record<string, unknown>;
  schemas: Record<string, unknown>;
  parameters: Record<string, unknown>;
  missingExamples: EventType[];
} {
  const webhooks: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const missingExamples: EventType[] = [];
  const names = new Map<TSchema, string>();
  for (const type of EVENT_TYPES) {
    const doc = EVENT_DOCS[type];
    let name = names.get(doc.object);
    if (!name) {
      name = `${camel(type)}Object`;
      names.set(doc.object, name);
      schemas[name] = plain(doc.object);
    }
    schemas[`${camel(type)}Event`] = envelope(type, doc, `#/components/schemas/${name}`);
    const objectExample = exampleOf(doc.object);
    if (objectExample === undefined) missingExamples.push(type);
    const example = objectExample === undefined ? undefined : {
      id: 'evt_01kaqm3c7pfk8sx2wd0yq4ne5h', object: 'event', type, version: EVENT_VERSION, livemode: false,
      created_at: '2026-11-22T12:00:00.000Z', timestamp: '2026-11-22T12:00:00.000Z',
      data: { object: objectExample, ...(doc.previous ? { previous_attributes: {} } : {}) },
    };
    webhooks[type] = {
      post: {
        operationId: webhookOperationId(type),
        summary: doc.summary,
        description: `Tessera POSTs \`${type}\` to every enabled endpoint subscribed to it (or to \`*\`), after the change commits. `
          + 'Answer any 2xx within 10 seconds to acknowledge; anything else (or no answer) is retried with exponential backoff for '
          + 'about three days (a `Retry-After` sent with 429 or 503 is honoured); 410 disables the endpoint. Deliveries may repeat and arrive out '
          + 'of order: deduplicate on `webhook-id`, order by `created_at`.',
        tags: ['Webhooks'],
        security: [],
        parameters: [
          { $ref: '#/components/parameters/WebhookId' },
          { $ref: '#/components/parameters/WebhookTimestamp' },
          { $ref: '#/components/parameters/WebhookSignature' },
          { $ref: '#/components/parameters/TesseraSignature' },
          { $ref: '#/components/parameters/TesseraSignatureInput' },
          { ...parameterRef('ContentDigest') },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${camel(type)}Event` }, ...(example ? { example } : {}) } },
        },
        responses: {
          '200': { description: 'Acknowledged: any 2xx status marks the delivery succeeded; the body is ignored.' },
          '410': { description: 'Gone: Tessera disables the endpoint (`disabled_reason: gone`) and stops sending to it.' },
          default: { description: 'Not acknowledged: the delivery is retried later (after `Retry-After` when a 429 or 503 gives one).' },
        },
      },
    };
  }
  return { webhooks, schemas, parameters: { ...WEBHOOK_HEADERS }, missingExamples };
}
