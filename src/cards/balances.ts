import type { Queryable, Tx } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import { balance, createAccounts, lookupAccounts } from '../ledger/index.ts';
import { ledgerOf } from '../accounts/index.ts';
import type { Owner } from '../customers/index.ts';
import type { Card, CardBalances } from './types.ts';

/** The card's two ledger accounts: what it can spend, and its authorization balance (reserve). Both can never go negative. */
export async function createCardLedgerAccounts(tx: Tx, owner: Owner, cardId: string, currency: string, now: Date) {
  const ledger = await ledgerOf(tx, currency);
  assert(ledger, `ledger for ${currency}`);
  const ids = { available: `${cardId}:available`, reserve: `${cardId}:reserve` };
  const results = await createAccounts(tx, [
    { id: ids.available, ledger: ledger.ledger, code: 'card_available', flags: ['debits_must_not_exceed_credits'], ownerMerchantId: owner.merchantId, ownerId: cardId },
    { id: ids.reserve, ledger: ledger.ledger, code: 'card_reserve', flags: ['debits_must_not_exceed_credits'], ownerMerchantId: owner.merchantId, ownerId: cardId },
  ], { now });
  for (const r of results) assert(r.result === 'ok', `card ledger account: ${r.result}`);
  return ids;
}

export async function readCardBalances(q: Queryable, card: Pick<Card, 'availableAccountId' | 'reserveAccountId'>): Promise<CardBalances> {
  const accounts = await lookupAccounts(q, [card.availableAccountId, card.reserveAccountId]);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const available = byId.get(card.availableAccountId);
  const reserve = byId.get(card.reserveAccountId);
  assert(available && reserve, 'a card always has its ledger accounts');
  return { available: balance(available).available, authorizationBalance: balance(reserve).available };
}

/** Balances of many cards with one ledger lookup (lists). */
export async function readManyCardBalances(q: Queryable, cards: readonly Card[]): Promise<Map<string, CardBalances>> {
  const accounts = await lookupAccounts(q, cards.flatMap((c) => [c.availableAccountId, c.reserveAccountId]));
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const out = new Map<string, CardBalances>();
  for (const c of cards) {
    const available = byId.get(c.availableAccountId);
    const reserve = byId.get(c.reserveAccountId);
    assert(available && reserve, 'a card always has its ledger accounts');
    out.set(c.id, { available: balance(available).available, authorizationBalance: balance(reserve).available });
  }
  return out;
}
