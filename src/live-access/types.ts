export const LIVE_ACCESS_STATUSES = ['PENDING', 'APPROVED', 'REJECTED'] as const;
export type LiveAccessStatus = (typeof LIVE_ACCESS_STATUSES)[number];

/** What a merchant tells the operator when it asks for production access (issue 14 §4). */
export interface LiveAccessInput {
  businessName: string;
  website: string;
  /** ISO 3166-1 alpha-2: where the business is established. */
  country: string;
  useCase: string;
}

export interface LiveAccessRequest {
  id: string;
  merchantId: string;
  businessName: string;
  website: string;
  country: string;
  useCase: string;
  status: LiveAccessStatus;
  rejectionReason: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface LiveAccessFilter {
  merchantId?: string;
  status?: LiveAccessStatus;
}

/** Why these lengths: a trading name, a URL and a paragraph; the table's CHECK constraints say the same. */
export const BUSINESS_NAME_LENGTH_MAX = 200;
export const WEBSITE_LENGTH_MAX = 2048;
export const USE_CASE_LENGTH_MAX = 2000;
export const REJECTION_REASON_LENGTH_MAX = 500;
