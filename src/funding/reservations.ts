import type { Tx } from '../db/index.ts';
import { DomainError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { toJsonNumber } from '../lib/money.ts';
import type { ActionContext } from '../lib/context.ts';
import { appendEvent } from '../events/index.ts';
import { balance, lookupAccounts } from '../ledger/index.ts';
import { ledgerOf } from '../accounts/index.ts';
import { getCard } from '../cards/index.ts';
import type { Owner } from '../customers/index.ts';
import { authorizationFee, moneySettingsOf } from '../fees/index.ts';
import { recordTransaction, type Transaction } from '../transactions/index.ts';
import { moveMoney } from './ledger.ts';

/** KrezyPay: an authorization balance lasts 10 minutes, or 24 hours on business cards. */
export const RESERVATION_TTL_SECONDS = { standard: 10 * 60, business: 24 * 3600 } as const;
/** Why 1,000: one expiry pass is one transaction; the job runs again soon after. */
const RESERVATION_EXPIRY_BATCH_MAX = 1_000;

export async function estimateReservation(tx: Tx, owner: Owner, cardId: string, amount: bigint) {
  const card = await getCard(tx, owner, cardId);
  const fee = authorizationFee(amount, (await moneySettingsOf(tx, owner.merchantId)).feeSchedule);
  return { card, amount, fee, total: amount + fee };
}

/**
 * Reserve an authorization balance: amount + fee move from available to the
 * card's reserve now, and what is left of it returns at expiry. In `reserve`
 * mode authorizations spend only from there, fee included.
 */
export async function reserve(tx: Tx, owner: Owner, cardId: string, amount: bigint, ctx: ActionContext) {
  const card = await getCard(tx, owner, cardId, { forUpdate: true });
  if (card.status !== 'ACTIVE') {
    throw new DomainError('invalid_card_status', `The card is ${card.status}; only an ACTIVE card can reserve an authorization balance.`, undefined, { status: card.status });
  }
  const fee = authorizationFee(amount, (await moneySettingsOf(tx, owner.merchantId)).feeSchedule);
  const ledger = (await ledgerOf(tx, card.currency))!;
  const id = newId('reservation');
  const txnId = newId('transaction');
  await moveMoney(tx, [{
    id: `${txnId}:main`, debitAccountId: card.availableAccountId, creditAccountId: card.reserveAccountId, amount: amount + fee,
    ledger: ledger.ledger, code: 'reservation', userData: id,
  }], ctx.at, 'the reservation: the card balance is too low');
  const expiresAt = new Date(ctx.at.getTime() + RESERVATION_TTL_SECONDS[card.tier] * 1000);
  await tx.query(
    `INSERT INTO reservations (id, merchant_id, mode, card_id, amount, fee, status, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8)`, [id, owner.merchantId, owner.mode, card.id, amount, fee, expiresAt, ctx.at]);
  const transaction = await recordTransaction(tx, {
    id: txnId, ...owner, cardId: card.id, type: 'reservation', status: 'completed', amount, fee, currency: card.currency, reservationId: id,
  }, ctx.at);
  return { id, card, amount, fee, total: amount + fee, expiresAt, transaction };
}

type DueRow = { id: string; merchant_id: string; mode: Owner['mode']; card_id: string; amount: bigint; fee: bigint };

/**
 * Return what is unused of expired reservations to the card's available
 * balance. What authorizations spent from the reserve counts against the
 * reservations that expire first: the amount returned is what the reserve
 * holds beyond the other reservations still active.
 */
export async function expireReservations(tx: Tx, now: Date, merchantId: string | null = null): Promise<Transaction[]> {
  const { rows } = await tx.query<DueRow>(
    `SELECT id, merchant_id, mode, card_id, amount, fee FROM reservations
     WHERE status = 'active' AND expires_at <= $1 AND ($2::text IS NULL OR merchant_id = $2)
     ORDER BY card_id, expires_at LIMIT $3`, [now, merchantId, RESERVATION_EXPIRY_BATCH_MAX]);
  const out: Transaction[] = [];
  for (const r of rows) {
    const owner = { merchantId: r.merchant_id, mode: r.mode };
    const card = await getCard(tx, owner, r.card_id, { forUpdate: true });
    // Another process may have expired it meanwhile: re-check under the card's lock (card, then reservation, as close does).
    const still = await tx.query("SELECT 1 FROM reservations WHERE id = $1 AND status = 'active' FOR UPDATE", [r.id]);
    if (still.rows.length === 0) continue;
    const [reserveAccount] = await lookupAccounts(tx, [card.reserveAccountId]);
    const others = await tx.query<{ s: bigint | null }>(
      "SELECT sum(amount + fee)::int8 AS s FROM reservations WHERE card_id = $1 AND status = 'active' AND id <> $2", [card.id, r.id]);
    const inReserve = balance(reserveAccount!).available;
    const unused = inReserve - (others.rows[0]!.s ?? 0n);
    const back = unused <= 0n ? 0n : unused < r.amount + r.fee ? unused : r.amount + r.fee;
    const txnId = newId('transaction');
    if (back > 0n) {
      const ledger = (await ledgerOf(tx, card.currency))!;
      await moveMoney(tx, [{
        id: `${txnId}:main`, debitAccountId: card.reserveAccountId, creditAccountId: card.availableAccountId, amount: back,
        ledger: ledger.ledger, code: 'reservation_release', userData: r.id,
      }], now, 'releasing a reservation');
    }
    await tx.query("UPDATE reservations SET status = 'expired', returned = $2 WHERE id = $1", [r.id, back]);
    out.push(await recordTransaction(tx, {
      id: txnId, ...owner, cardId: card.id, type: 'reservation_release', status: 'completed', amount: back, currency: card.currency, reservationId: r.id,
    }, now));
    await appendEvent(tx, {
      ...owner, type: 'reservation.expired', at: now,
      object: { id: r.id, object: 'reservation', card_id: card.id, amount: toJsonNumber(r.amount), fee: toJsonNumber(r.fee), returned: toJsonNumber(back) },
    });
  }
  return out;
}
