import type { Mode } from '../merchants/index.ts';

export const IDENTIFICATION_TYPES = ['PASSPORT', 'ID_CARD'] as const;
export type IdentificationType = (typeof IDENTIFICATION_TYPES)[number];
export const DOCUMENT_SIDES = ['front', 'back', 'handheld'] as const;
export type DocumentSide = (typeof DOCUMENT_SIDES)[number];
export type KycDecisionStatus = 'WAITING_KYC' | 'PASSED' | 'REJECTED';

/** The images are base64 or data: URLs, as sent; errors name the fields as the native API does. */
export interface KycSubmission {
  identificationType: IdentificationType;
  identificationNumber: string;
  /** YYYY-MM-DD. */
  identificationExpiryDate: string;
  frontImage: string;
  backImage?: string;
  handheldImage: string;
}

/** A submission in the operator's review queue, with whose it is. */
export interface KycQueueEntry extends KycRecord {
  merchantId: string;
  mode: Mode;
  name: string;
  email: string;
}

export interface KycRecord {
  customerId: string;
  identificationType: IdentificationType;
  /** Last characters of the document number; the number itself is sealed. */
  identificationLast4: string;
  identificationExpiryDate: string;
  status: KycDecisionStatus;
  reason: string | null;
  submittedAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
}
