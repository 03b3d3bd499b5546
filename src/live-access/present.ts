import type { LiveAccessRequest } from './types.ts';

/** The request as the API shows it: the native wire shape, and the object of its events. */
export function presentLiveAccessRequest(r: LiveAccessRequest) {
  return {
    id: r.id, object: 'live_access_request' as const, merchant_id: r.merchantId, business_name: r.businessName, website: r.website,
    country: r.country, use_case: r.useCase, status: r.status, rejection_reason: r.rejectionReason,
    reviewed_at: r.reviewedAt?.toISOString() ?? null, created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString(),
  };
}

export type PresentedLiveAccessRequest = ReturnType<typeof presentLiveAccessRequest>;
