import { Type, type Static } from '@fastify/type-provider-typebox';
import { KYC_STATUSES, type Customer } from '../../customers/index.ts';
import { IDENTIFICATION_TYPES, type KycQueueEntry, type KycRecord } from '../../kyc/index.ts';
import { Timestamp } from '../schemas.ts';

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const KycSchema = Type.Object({
  object: Type.Literal('kyc'),
  customer_id: Type.String({ description: 'cus_…' }),
  status: Type.Enum(KYC_STATUSES),
  reason: nullable(Type.String({ description: 'Why it was rejected, once REJECTED.' })),
  identification_type: Type.Union([Type.Enum(IDENTIFICATION_TYPES), Type.Null()]),
  identification_number_last4: nullable(Type.String({ description: 'The last 4 characters; the number itself is never shown.' })),
  identification_expiry_date: nullable(Type.String({ description: 'YYYY-MM-DD.' })),
  submitted_at: nullable(Timestamp),
  decided_at: nullable(Timestamp),
}, {
  examples: [{
    object: 'kyc', customer_id: 'cus_01jz3q5d8kf2r7w4v9x1b6n3ta', status: 'WAITING_KYC', reason: null, identification_type: 'PASSPORT',
    identification_number_last4: 'F186', identification_expiry_date: '2031-05-31', submitted_at: '2026-11-04T10:25:12.402Z',
    decided_at: null,
  }],
});

export const KycQueueEntrySchema = Type.Object({
  customer_id: Type.String(), merchant_id: Type.String(), mode: Type.Union([Type.Literal('sandbox'), Type.Literal('live')]),
  name: Type.String(), email: Type.String(), status: Type.Enum(KYC_STATUSES), reason: nullable(Type.String()),
  identification_type: Type.Enum(IDENTIFICATION_TYPES), identification_number_last4: Type.String(),
  identification_expiry_date: Type.String(), submitted_at: Timestamp,
  documents: Type.Array(Type.String(), { description: 'The sides that can be viewed: front, back (ID_CARD), handheld.' }),
}, {
  examples: [{
    customer_id: 'cus_01jz3q5d8kf2r7w4v9x1b6n3ta', merchant_id: 'mch_01jz3k8w2yfq9t6v4x0c5n7m1r', mode: 'sandbox',
    name: "Amelie O'Neil", email: 'amelie.oneil@example.com', status: 'WAITING_KYC', reason: null, identification_type: 'ID_CARD',
    identification_number_last4: 'F186', identification_expiry_date: '2031-05-31', submitted_at: '2026-11-04T10:25:12.402Z',
    documents: ['front', 'back', 'handheld'],
  }],
});

export const presentKyc = (customer: Customer, record: KycRecord | null) => ({
  object: 'kyc' as const, customer_id: customer.id, status: customer.kycStatus, reason: record?.reason ?? null,
  identification_type: record?.identificationType ?? null,
  identification_number_last4: record?.identificationLast4 ?? null,
  identification_expiry_date: record?.identificationExpiryDate ?? null,
  submitted_at: record?.submittedAt.toISOString() ?? null, decided_at: record?.decidedAt?.toISOString() ?? null,
}) satisfies Static<typeof KycSchema>;

export const presentKycQueueEntry = (r: KycQueueEntry) => ({
  customer_id: r.customerId, merchant_id: r.merchantId, mode: r.mode, name: r.name, email: r.email, status: r.status, reason: r.reason,
  identification_type: r.identificationType, identification_number_last4: r.identificationLast4,
  identification_expiry_date: r.identificationExpiryDate, submitted_at: r.submittedAt.toISOString(),
  documents: r.identificationType === 'ID_CARD' ? ['front', 'back', 'handheld'] : ['front', 'handheld'],
}) satisfies Static<typeof KycQueueEntrySchema>;
