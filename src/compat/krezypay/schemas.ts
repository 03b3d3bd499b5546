import { Type, type TProperties } from '@fastify/type-provider-typebox';

/**
 * What every KrezyPay operation shares in its OpenAPI entry: the tag, the key, the `{mode}` of its path, its error
 * body (seed 000: 401 bad token, 404 unknown card, 422 anything else), and the example ids of the documents below.
 */

export const EXAMPLE = {
  cardId: 'card_01jz4p7r2m9x3q8t5v1c6n0b4k',
  customerId: 'cus_01jz4n5e8w2k7t3q9v6x1c0m4r',
  transactionId: 'txn_01jz4q9b3k6m2x8t4v7c1n5p0w',
  at: '2026-11-04T10:21:37.412Z',
} as const;

export const ModeParams = Type.Object({
  mode: Type.Enum(['sandbox', 'live'], { description: "The key's mode: a sandbox key on the live path (or the reverse) is a 401." }),
});

export const KrezyErrorSchema = Type.Object({
  status: Type.Literal('error'),
  error: Type.String({ description: 'What went wrong, in words (never a secret); branch on the HTTP status.' }),
}, { title: 'KrezyPayError' });

const krezyError = (description: string, error: string) =>
  Type.Object(KrezyErrorSchema.properties, { title: 'KrezyPayError', description, examples: [{ status: 'error', error }] });

/** The statuses KrezyPay answers (facadeErrors in index.ts maps every other refusal to 422). */
export const krezyErrors = {
  401: krezyError('The token or key is missing, invalid or expired, lacks a scope, or is of the other mode than the path.',
    'No credentials: send Authorization: Bearer <API key or token>.'),
  404: krezyError('No such card or customer (those of other merchants answer the same way).', 'No such card.'),
  422: krezyError('Anything else that cannot be done: an invalid field, an amount with too many decimals, not enough funds, '
    + "a card whose status refuses it, an Idempotency-Key reused with another body…", 'The amount must be positive.'),
  429: krezyError('Rate limited; retry after the Retry-After header.', 'Too many requests; retry in 1 seconds.'),
  503: krezyError('Briefly unavailable (the database cannot be reached): retry after the Retry-After header, with the same '
    + 'Idempotency-Key.', 'The service is briefly unavailable; retry after the time in Retry-After, with the same Idempotency-Key.'),
};

/** Every KrezyPay operation takes a merchant key (its paths are outside /v1, where that is the default). */
export const krezyConfig = { auth: 'merchant' } as const;
/** A POST that only reads (KrezyPay posts its lookups and quotes): the `read` scope is enough, as for a GET. */
export const krezyRead = { auth: 'merchant', scope: 'read' } as const;
/** A mutation: one transaction with the claim of its Idempotency-Key (a retry replays the answer). */
export const krezyIdempotent = { auth: 'merchant', idempotent: true } as const;

/** The `schema` fields every KrezyPay operation shares. */
export const krezyRoute = { tags: ['KrezyPay compatibility'], security: [{ apiKey: [] }], params: ModeParams };

/** KrezyPay's bodies are closed: an unknown field is a 422 naming it. */
export const Body = <T extends TProperties>(properties: T, example: Record<string, unknown>) =>
  Type.Object(properties, { additionalProperties: false, examples: [example] });

export const CardId = Type.String({ minLength: 1, maxLength: 64, description: "Tessera's card id (card_…)." });
export const CustomerId = Type.String({ minLength: 1, maxLength: 64, description: "Tessera's customer id (cus_…)." });

/** KrezyPay sends "3", "3.00" or 3; parsed strictly from its text (parseDecimal) in the card's currency, never rounded. */
export const DecimalAmount = Type.Union([Type.String({ maxLength: 32 }), Type.Number()], {
  description: 'Decimal amount, as a string or a JSON number: "3", "3.5", "3.00", 5000.00 — digits, no leading zeros, optionally a '
    + "dot and 1 to the currency's decimals; positive. No spaces, exponents or extra decimals: anything else is a 422, never rounded.",
});

export const Decimal = (description: string) => Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$', description });

export const CardIdBody = Body({ card_id: CardId }, { card_id: EXAMPLE.cardId });
export const CardAmountBody = Body({ card_id: CardId, amount: DecimalAmount }, { card_id: EXAMPLE.cardId, amount: '3' });

export const KREZYPAY_STATUSES = ['active', 'suspended', 'expired'] as const;
export const KrezyStatusSchema = Type.Enum(KREZYPAY_STATUSES, {
  description: 'active; suspended (frozen, not yet activated, or terminated, closed, archived for good); expired.',
});

/** `{"status": "success", "message": …}` and the fields of the operation. */
export const Success = <T extends TProperties>(properties: T, example: Record<string, unknown>, description: string) =>
  Type.Object({ status: Type.Literal('success'), ...properties }, { description, examples: [{ status: 'success', ...example }] });
