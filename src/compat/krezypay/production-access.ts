import { Type, type Static } from '@fastify/type-provider-typebox';
import type { LiveAccessRequest, LiveAccessStatus } from '../../live-access/index.ts';
import { Success } from './schemas.ts';

/** KrezyPay's lower-case words for a request's state, as for its cards. */
const KREZYPAY_REQUEST_STATUS = { PENDING: 'pending', APPROVED: 'approved', REJECTED: 'rejected' } as const satisfies Record<LiveAccessStatus, string>;

const EXAMPLE = {
  request_id: 'lar_01jz4s2d6h8k3m5q7t9v1x0c4b', request_status: 'pending', business_name: 'Krezy Shop SARL',
  website: 'https://shop.example.com', country: 'CM', use_case: 'Virtual cards for our customers\' online ads spend.', reason: null,
  created_at: '2026-11-04T10:21:37.412Z', reviewed_at: null,
};

const properties = {
  request_id: Type.String({ description: 'lar_…' }),
  request_status: Type.Enum(Object.values(KREZYPAY_REQUEST_STATUS)),
  business_name: Type.String(), website: Type.String(), country: Type.String({ description: 'ISO 3166-1 alpha-2.' }), use_case: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()], { description: "The operator's reason, once rejected." }),
  created_at: Type.String({ format: 'date-time' }),
  reviewed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
};

export const ProductionAccessSchema = Success(properties, EXAMPLE, 'The latest request.');
export const ProductionAccessRequestedSchema = Success(
  { message: Type.Literal('Production access requested.'), ...properties },
  { message: 'Production access requested.', ...EXAMPLE }, 'Requested: the operator reviews it.');

export function krezyRequest(r: LiveAccessRequest) {
  return {
    status: 'success' as const, request_id: r.id, request_status: KREZYPAY_REQUEST_STATUS[r.status], business_name: r.businessName,
    website: r.website, country: r.country, use_case: r.useCase, reason: r.rejectionReason,
    created_at: r.createdAt.toISOString(), reviewed_at: r.reviewedAt?.toISOString() ?? null,
  } satisfies Static<typeof ProductionAccessSchema>;
}
