/**
 * Why 1,000: the authorization path group-commits concurrent requests into one
 * batch; at 10,000 authorizations/s and a 5 ms window a batch holds ~50 items,
 * so 1,000 leaves 20× headroom. Above that a batch only lengthens the time its
 * account locks are held (about 50 ms per 1,000 items on a 2-core machine) and the latency of
 * every request queued behind it, for no gain in throughput (bench/ledger.ts).
 */
export const TRANSFERS_BATCH_MAX = 1_000;
/** Why 1,000: the same bound as transfers; accounts are created a few per card. */
export const ACCOUNTS_BATCH_MAX = 1_000;
/**
 * Why 10^15 minor units (10 trillion dollars): above any card-programme amount,
 * and small enough that a counter (a signed 64-bit integer) can take 9,000
 * transfers of this size before it could overflow.
 */
export const AMOUNT_MAX = 10n ** 15n;
/**
 * Why 90 days: card networks clear within 30 days (SPEC §3: holds of a
 * terminated card live 30 days); 90 leaves room and still bounds a hold.
 */
export const TIMEOUT_SECONDS_MAX = 90 * 24 * 3600;
/** Why 64: fits every id Tessera makes (typeid + a suffix) and keeps index rows small. */
export const ID_LENGTH_MAX = 64;
/** Why 128: a reference to one or two objects (authorization id, transaction id), not a payload. */
export const USER_DATA_LENGTH_MAX = 128;
/** Why 64: an owner is one id (merchant, card, wallet). */
export const OWNER_LENGTH_MAX = 64;
/** Why 32: a transfer code names a kind of movement (`authorization_fee`), not a description. */
export const CODE_LENGTH_MAX = 32;
/** Why 1,000: lookups answer a screen or a reconciliation step; more belongs to history paging. */
export const LOOKUP_IDS_MAX = 1_000;

export const ACCOUNT_CODES = [
  'external_funding',
  'merchant_wallet',
  'card_available',
  'card_reserve',
  'network_settlement',
  'fee_revenue',
  'fx',
  'provider_settlement',
] as const;
export type AccountCode = (typeof ACCOUNT_CODES)[number];

export const ACCOUNT_FLAGS = ['debits_must_not_exceed_credits', 'credits_must_not_exceed_debits', 'closed'] as const;
export type AccountFlag = (typeof ACCOUNT_FLAGS)[number];

export const TRANSFER_FLAGS = ['linked', 'pending', 'post_pending_transfer', 'void_pending_transfer'] as const;
export type TransferFlag = (typeof TRANSFER_FLAGS)[number];

export interface Ledger {
  /** ISO 4217 numeric code. */
  ledger: number;
  /** ISO 4217 alphabetic code. */
  currency: string;
  /** Digits after the decimal point: amounts are integers of 10^-scale units. */
  scale: number;
}

/** The four counters, in minor units. */
export interface AccountCounters {
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export interface AccountInput {
  id: string;
  ledger: number;
  code: AccountCode;
  flags?: readonly AccountFlag[];
  /** The merchant the account belongs to (null for operator accounts). */
  ownerMerchantId?: string | null;
  /** The object the account belongs to: a card, a wallet… */
  ownerId?: string | null;
}

export interface Account extends AccountCounters {
  id: string;
  ledger: number;
  code: AccountCode;
  /** In ACCOUNT_FLAGS order. */
  flags: AccountFlag[];
  ownerMerchantId: string | null;
  ownerId: string | null;
  createdAt: Date;
}

/**
 * One transfer of a batch. For a post or void, the accounts, ledger and code
 * may be omitted (they are the pending transfer's; if given they must match,
 * except code, which names the resolving event and defaults to the pending
 * transfer's), and amount 0 or omitted means the whole pending amount.
 */
export interface TransferInput {
  id: string;
  debitAccountId?: string | null;
  creditAccountId?: string | null;
  amount?: bigint;
  pendingId?: string | null;
  ledger?: number | null;
  /** The kind of movement, e.g. `deposit`, `authorization`, `fee`: lower snake case, ≤ 32 characters. */
  code?: string | null;
  flags?: readonly TransferFlag[];
  /** Pending transfers only: seconds until the hold expires; 0 or omitted: never. */
  timeout?: number;
  /** A reference to the business object (authorization, transaction…). */
  userData?: string | null;
}

export interface Transfer {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  /** Single or pending: the amount; post: the amount posted; void or expiry: the amount released. */
  amount: bigint;
  pendingId: string | null;
  ledger: number;
  code: string;
  /** In TRANSFER_FLAGS order; a row written by the expiry job has `void_pending_transfer`. */
  flags: TransferFlag[];
  /** True for the void written by expirePendingTransfers. */
  expiry: boolean;
  timeout: number;
  expiresAt: Date | null;
  userData: string | null;
  /** The `now` of the batch that created it. */
  timestamp: Date;
}

export interface BatchOptions {
  /** The time of the batch: transfer timestamps, expiry times and expiry checks use it. */
  now: Date;
}
