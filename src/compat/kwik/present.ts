import { Type, type Static } from '@fastify/type-provider-typebox';
import { CARD_STATUSES, monthsUntilExpiry, type Card, type CardAction, type CardStatus } from '../../cards/index.ts';
import { sqlTimestamp } from '../shared.ts';

/** Kwik's four statuses over Tessera's state machine. */
export const KWIK_STATUSES = ['ACTIVE', 'ARCHIVED', 'DISABLED', 'EXPIRED'] as const;
export type KwikStatus = (typeof KWIK_STATUSES)[number];
export const KWIK_STATUS: Record<CardStatus, KwikStatus> = {
  PENDING_ACTIVATION: 'DISABLED', ACTIVE: 'ACTIVE', INACTIVE: 'DISABLED', EXPIRED: 'EXPIRED', TERMINATED: 'ARCHIVED', CLOSED: 'ARCHIVED', ARCHIVED: 'ARCHIVED',
};
/** The native states behind each Kwik status, for filtering in the query. */
export const nativeStatusesOf = (status: KwikStatus): CardStatus[] => CARD_STATUSES.filter((native) => KWIK_STATUS[native] === status);
/** The state-machine action that reaches each Kwik status; EXPIRED is reached only by time. */
export const ACTION_FOR: Record<KwikStatus, CardAction | null> = { ACTIVE: 'activate', DISABLED: 'deactivate', ARCHIVED: 'archive', EXPIRED: null };

export const KwikStatusSchema = Type.Enum(KWIK_STATUSES, {
  description: 'ACTIVE; DISABLED (frozen, or not yet activated); ARCHIVED (terminated, closed or archived); EXPIRED.',
});

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

/** Seed 001's record, with a Tessera card id and token. */
export const RECORD_EXAMPLE = {
  id: 'card_01jz4p7r2m9x3q8t5v1c6n0b4k', created_at: '2024-12-28 22:14:47', updated_at: null, card_status: 'ACTIVE',
  customer_id: 'cus_01jz4n5e8w2k7t3q9v6x1c0m4r', card_nickname: "Mike's Card", card_ending: '9834', card_expire: '04/29',
  card_brand: 'VISA', card_token: '60d678e2465b5b6c4fd5e847ef39c70c4b0c22d1b826f39eb80a107b3b8433ad', is_expired: false,
  is_recurring: true, is_default: true, expire_in_months: 5,
};

export const RecordSchema = Type.Object({
  id: Type.String({ description: 'card_…' }),
  created_at: Type.String({ description: 'UTC, YYYY-MM-DD HH:mm:ss.' }),
  updated_at: Nullable(Type.String({ description: 'UTC, YYYY-MM-DD HH:mm:ss.' })),
  card_status: KwikStatusSchema,
  customer_id: Type.String({ description: 'cus_…' }),
  card_nickname: Nullable(Type.String()),
  card_ending: Type.String({ description: 'The last 4 digits.' }),
  card_expire: Type.String({ description: 'MM/YY.' }),
  card_brand: Type.String({ description: 'VISA or MASTERCARD.' }),
  card_token: Type.String({ description: 'Opaque and random: 64 hexadecimal characters as in seed 001 (cards issued before keep their tok_… token).' }),
  is_expired: Type.Boolean(), is_recurring: Type.Boolean(), is_default: Type.Boolean(),
  expire_in_months: Type.Integer({ description: 'Whole months until expiry; 0 once expired.' }),
}, { examples: [RECORD_EXAMPLE] });

export const KwikFailureSchema = Type.Object({
  status: Type.Literal(false),
  message: Type.String(),
  index: Type.Optional(Type.Integer({ description: 'In a batch: the record that failed (nothing was changed).' })),
}, { title: 'KwikFailure' });

export function record(c: Card, now: Date) {
  const months = monthsUntilExpiry(c.expYear, c.expMonth, now);
  return {
    id: c.id, created_at: sqlTimestamp(c.createdAt), updated_at: sqlTimestamp(c.updatedAt), card_status: KWIK_STATUS[c.status],
    customer_id: c.customerId, card_nickname: c.nickname, card_ending: c.last4,
    card_expire: `${String(c.expMonth).padStart(2, '0')}/${String(c.expYear % 100).padStart(2, '0')}`, card_brand: c.brand,
    card_token: c.cardToken, is_expired: months < 0 || c.status === 'EXPIRED', is_recurring: c.isRecurring, is_default: c.isDefault,
    expire_in_months: Math.max(months, 0),
  } satisfies Static<typeof RecordSchema>;
}
