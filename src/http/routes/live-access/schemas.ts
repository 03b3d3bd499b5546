import { Type, type Static } from '@fastify/type-provider-typebox';
import {
  BUSINESS_NAME_LENGTH_MAX, LIVE_ACCESS_STATUSES, USE_CASE_LENGTH_MAX, WEBSITE_LENGTH_MAX, presentLiveAccessRequest,
  type LiveAccessInput, type LiveAccessRequest,
} from '../../../live-access/index.ts';
import { Timestamp } from '../../schemas.ts';

export const LiveAccessStatusSchema = Type.Enum(LIVE_ACCESS_STATUSES);

const INPUT_EXAMPLE = {
  business_name: 'Acme Wallet SAS', website: 'https://acme-wallet.example.com', country: 'FR',
  use_case: 'Virtual cards for our wallet users to pay online subscriptions.',
};

export const LiveAccessRequestSchema = Type.Object({
  id: Type.String({ description: 'lar_…' }),
  object: Type.Literal('live_access_request'),
  merchant_id: Type.String(),
  business_name: Type.String(),
  website: Type.String(),
  country: Type.String({ description: 'ISO 3166-1 alpha-2.' }),
  use_case: Type.String(),
  status: LiveAccessStatusSchema,
  rejection_reason: Type.Union([Type.String(), Type.Null()], { description: "The operator's reason, once REJECTED." }),
  reviewed_at: Type.Union([Timestamp, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
}, {
  examples: [{
    id: 'lar_01jz3t4b7nc2x6m9q1w5e8r3yk', object: 'live_access_request', merchant_id: 'mch_01jz3k8w2yfq9t6v4x0c5n7m1r',
    ...INPUT_EXAMPLE, website: 'https://acme-wallet.example.com/', status: 'PENDING', rejection_reason: null, reviewed_at: null,
    created_at: '2026-11-05T14:02:19.611Z', updated_at: '2026-11-05T14:02:19.611Z',
  }],
});

export const LiveAccessInputSchema = Type.Object({
  business_name: Type.String({ minLength: 1, maxLength: BUSINESS_NAME_LENGTH_MAX, description: 'The legal or trading name of the business.' }),
  website: Type.String({ minLength: 1, maxLength: WEBSITE_LENGTH_MAX, description: 'An http or https URL of the business.' }),
  country: Type.String({ minLength: 2, maxLength: 2, description: 'Where the business is established: ISO 3166-1 alpha-2 in capitals.' }),
  use_case: Type.String({ minLength: 1, maxLength: USE_CASE_LENGTH_MAX, description: 'What the cards will be used for.' }),
}, { additionalProperties: false, examples: [INPUT_EXAMPLE] });

export const LiveAccessParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'lar_…' }) });

/** The wire body → the domain's input (the native route and KrezyPay's production_access take the same fields). */
export const liveAccessInputOf = (b: Static<typeof LiveAccessInputSchema>): LiveAccessInput => ({
  businessName: b.business_name, website: b.website, country: b.country, useCase: b.use_case,
});

/** The same object as the `live_access_request.*` events carry (built by the domain module), checked against the schema. */
export const presentRequest = (r: LiveAccessRequest) => presentLiveAccessRequest(r) satisfies Static<typeof LiveAccessRequestSchema>;

export const liveAccessSchema = { tags: ['Production access'], security: [{ apiKey: [] }] };
export const liveAccessAdmin = {
  config: { auth: 'admin' as const },
  schema: { tags: ['Admin: production access'], security: [{ adminToken: [] }] },
};
