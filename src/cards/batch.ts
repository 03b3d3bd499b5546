import { textLiteral, type Statement } from '../db/index.ts';
import type { CardStatus } from './state.ts';

/**
 * The cards' part of the authorization batch's statements (SPEC §12: every
 * query keyed by card). Locks are taken in id order so that racing batches
 * queue per card instead of deadlocking.
 */

/** Lock the cards (by id, in id order); for the batch's prelude, sent without parameters. Ids must be checked card ids. */
export function lockCardsSql(cardIds: readonly string[]): string {
  return `SELECT 1 FROM cards WHERE id IN (${cardIds.map(textLiteral).join(', ')}) ORDER BY id FOR UPDATE`;
}

/** The customers that hold these cards, as a subquery (for locking them, and for their spend), without parameters. */
export function cardHoldersSql(cardIds: readonly string[]): string {
  return `SELECT customer_id FROM cards WHERE id IN (${cardIds.map(textLiteral).join(', ')})`;
}

/** `(card_id, customer_id)` pairs of these cards, as a subquery with a parameter. */
export function cardHolderPairsSql(s: Statement, cardIds: readonly string[]): string {
  return `SELECT id AS card_id, customer_id FROM cards WHERE id = ANY(${s.param(cardIds, 'text[]')})`;
}

/** The cards' account ids (both accounts of each), as a subquery with a parameter. */
export function cardAccountIdsSql(s: Statement, cardIds: readonly string[]): string {
  const ids = s.param(cardIds, 'text[]');
  return `SELECT available_account_id FROM cards WHERE id = ANY(${ids}) UNION ALL SELECT reserve_account_id FROM cards WHERE id = ANY(${ids})`;
}

export interface BatchCardRow {
  id: string; merchant_id: string; mode: string; customer_id: string; status: CardStatus; exp_year: number; exp_month: number;
  currency: string; available_account_id: string; reserve_account_id: string; authorization_mode: 'direct' | 'reserve' | null;
}

/** The cards as one JSON array (a scalar subquery). */
export function cardsJsonSql(s: Statement, cardIds: readonly string[]): string {
  return `(SELECT COALESCE(json_agg(json_build_object('id', id, 'merchant_id', merchant_id, 'mode', mode, 'customer_id', customer_id,
            'status', status, 'exp_year', exp_year, 'exp_month', exp_month, 'currency', currency,
            'available_account_id', available_account_id, 'reserve_account_id', reserve_account_id, 'authorization_mode', authorization_mode)), '[]')
          FROM cards WHERE id = ANY(${s.param(cardIds, 'text[]')}))`;
}
