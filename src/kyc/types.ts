export const IDENTIFICATION_TYPES = ['PASSPORT', 'ID_CARD'] as const;
export type IdentificationType = (typeof IDENTIFICATION_TYPES)[number];
export const DOCUMENT_SIDES = ['front', 'back', 'handheld'] as const;
export type DocumentSide = (typeof DOCUMENT_SIDES)[number];
export type KycDecisionStatus = 'WAITING_KYC' | 'PASSED' | 'REJECTED';

export interface KycSubmission {
  identification_type: IdentificationType;
  identification_number: string;
  identification_expiry_date: string;
  front_image: string;
  back_image?: string;
  handheld_image: string;
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
