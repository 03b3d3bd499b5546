import { Type } from '@fastify/type-provider-typebox';
import {
  BUSINESS_NAME_LENGTH_MAX, LIVE_ACCESS_STATUSES, USE_CASE_LENGTH_MAX, WEBSITE_LENGTH_MAX,
} from '../../../live-access/index.ts';
import { Timestamp } from '../../schemas.ts';

export const LiveAccessStatusSchema = Type.Union(LIVE_ACCESS_STATUSES.map((s) => Type.Literal(s)));

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
});

export const LiveAccessInputSchema = Type.Object({
  business_name: Type.String({ minLength: 1, maxLength: BUSINESS_NAME_LENGTH_MAX, description: 'The legal or trading name of the business.' }),
  website: Type.String({ minLength: 1, maxLength: WEBSITE_LENGTH_MAX, description: 'An http or https URL of the business.' }),
  country: Type.String({ minLength: 2, maxLength: 2, description: 'Where the business is established: ISO 3166-1 alpha-2 in capitals.' }),
  use_case: Type.String({ minLength: 1, maxLength: USE_CASE_LENGTH_MAX, description: 'What the cards will be used for.' }),
}, { additionalProperties: false });

export const LiveAccessParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'lar_…' }) });
