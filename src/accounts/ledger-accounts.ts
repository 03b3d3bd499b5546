import type { Queryable, Tx } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import { createAccounts, type AccountInput, type Ledger } from '../ledger/index.ts';
import type { Owner } from '../customers/index.ts';
import { shardOf } from '../lib/hash.ts';

/** The merchant-level ledger accounts of one mode and currency (SPEC §2). */
export type MerchantAccountKind = 'wallet' | 'external_funding' | 'network_settlement' | 'fee_revenue' | 'fx' | 'provider_settlement';

/** Deterministic ids, so that any code path can name them without a lookup. */
export function merchantAccountId(owner: Owner, currency: string, kind: MerchantAccountKind): string {
  return `${owner.merchantId}:${owner.mode}:${currency}:${kind}`;
}

/**
 * Why 8 shards: every authorization hold credits the merchant's network
 * settlement and fee revenue accounts, so one row per merchant would make
 * concurrent batches queue on it (its lock is held until commit). A card's
 * money always goes to the same shard of each (shardOf its id), and with up
 * to 8 authorization lanes (shard mod lanes = lane) no two lanes ever share one. The
 * merchant's settlement or revenue is the sum of its shards; shard 0 keeps
 * the unsuffixed id.
 */
export const SETTLEMENT_SHARDS = 8;

/** The shard of the merchant's settlement or fee revenue account that a card's money goes to. */
export function cardSettlementAccountId(owner: Owner, currency: string, kind: 'network_settlement' | 'fee_revenue', cardId: string): string {
  const shard = shardOf(cardId, SETTLEMENT_SHARDS);
  const id = merchantAccountId(owner, currency, kind);
  return shard === 0 ? id : `${id}:${shard}`;
}

export async function ledgerOf(q: Queryable, currency: string): Promise<Ledger | null> {
  const { rows } = await q.query<{ ledger: number; currency: string; scale: number }>('SELECT ledger, currency, scale FROM ledgers WHERE currency = $1', [currency]);
  return rows[0] ?? null;
}

/** Create (idempotently: `exists` is fine) the merchant's accounts for a currency. */
export async function ensureMerchantLedgerAccounts(tx: Tx, owner: Owner, currency: string, now: Date): Promise<void> {
  const ledger = await ledgerOf(tx, currency);
  assert(ledger, `ledger for ${currency} must exist before its accounts`);
  const account = (kind: MerchantAccountKind, code: AccountInput['code'], flags: AccountInput['flags']): AccountInput => ({
    id: merchantAccountId(owner, currency, kind), ledger: ledger.ledger, code, flags, ownerMerchantId: owner.merchantId, ownerId: null,
  });
  const batch: AccountInput[] = [
    // The wallet can never go below zero; the outside world and settlement are unbounded.
    account('wallet', 'merchant_wallet', ['debits_must_not_exceed_credits']),
    account('external_funding', 'external_funding', []),
    account('network_settlement', 'network_settlement', []),
    account('fee_revenue', 'fee_revenue', []),
    account('fx', 'fx', []),
    // What the merchant owes top-up and SMS providers (held, then posted on delivery).
    account('provider_settlement', 'provider_settlement', []),
  ];
  for (let shard = 1; shard < SETTLEMENT_SHARDS; shard++) {
    for (const kind of ['network_settlement', 'fee_revenue'] as const) batch.push({ ...account(kind, kind, []), id: `${merchantAccountId(owner, currency, kind)}:${shard}` });
  }
  const results = await createAccounts(tx, batch, { now });
  for (const r of results) assert(r.result === 'ok' || r.result === 'exists', `merchant ledger account: ${r.result}`);
}
