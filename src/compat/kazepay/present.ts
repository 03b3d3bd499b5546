import { DomainError } from '../../lib/errors.ts';
import { decimalRefusal, formatMinor, parseDecimal } from '../../lib/money.ts';
import type { CardStatus } from '../../cards/index.ts';
import type { Transaction, TransactionStatus, TransactionType } from '../../transactions/index.ts';

/**
 * KazePay's words for Tessera's states. Seed 003 refers to an appendix
 * (Part 2: card statuses, Part 3: transaction statuses) that the document
 * does not include; this vocabulary is built from the words its examples use
 * (ACTIVE, INACTIVE, ACTIVE_PROCESSING, CLOSE_PROCESSING, PENDING, Pending,
 * Expenditure) and is documented in README "KazePay gateway".
 */

/**
 * Card statuses. Tessera acts synchronously, so ACTIVE_PROCESSING is never
 * answered: ucardActive answers ACTIVE at once. CLOSE_PROCESSING means "can no
 * longer spend, not final yet": a terminated card (its money is still on it
 * until closeCard), or a closed card with authorizations still pending (they
 * may clear for up to 30 days); a closed card with none is CLOSED.
 */
export function kazeCardStatus(status: CardStatus, pendingHolds: bigint): string {
  switch (status) {
    case 'PENDING_ACTIVATION':
      return 'UNACTIVATED';
    case 'ACTIVE':
      return 'ACTIVE';
    case 'INACTIVE':
      return 'INACTIVE';
    case 'EXPIRED':
      return 'EXPIRED';
    case 'TERMINATED':
      return 'CLOSE_PROCESSING';
    case 'CLOSED':
      return pendingHolds > 0n ? 'CLOSE_PROCESSING' : 'CLOSED';
    case 'ARCHIVED':
      return 'CLOSED';
  }
}

/** cardRecharge `transactionStatus` (capitals, as the document's "PENDING"). */
export function kazeTransactionStatus(status: TransactionStatus): string {
  return { pending: 'PENDING', completed: 'SUCCESS', declined: 'FAILED', reversed: 'REVERSED', expired: 'EXPIRED' }[status];
}

/** queryTransactions `transStatus` (capitalised, as the document's "Pending"). */
export function kazeTransStatus(status: TransactionStatus): string {
  return { pending: 'Pending', completed: 'Success', declined: 'Failed', reversed: 'Reversed', expired: 'Expired' }[status];
}

/** queryTransactions `transType` and whether the movement takes money off the card (shown negative). */
const TRANS_TYPES: Record<TransactionType, { word: string; outgoing: boolean }> = {
  authorization: { word: 'Expenditure', outgoing: true },
  increment: { word: 'Expenditure', outgoing: true },
  clearing: { word: 'Expenditure', outgoing: true },
  force_post: { word: 'Expenditure', outgoing: true },
  fee: { word: 'Fee', outgoing: true },
  refund: { word: 'Refund', outgoing: false },
  reversal: { word: 'Reversal', outgoing: false },
  funding: { word: 'Recharge', outgoing: false },
  withdrawal: { word: 'Withdraw', outgoing: true },
  reservation: { word: 'Reservation', outgoing: true },
  reservation_release: { word: 'ReservationRelease', outgoing: false },
  expiry: { word: 'AuthorizationExpiry', outgoing: false },
  close_out: { word: 'CloseCardRefund', outgoing: true },
  deposit: { word: 'Deposit', outgoing: false },
};

/** Minor units → the JSON number the document shows (18506.25): exact, since the text has at most 15 digits. */
export function amountNumber(minor: bigint, scale: number): number {
  return Number(formatMinor(minor, scale));
}

/**
 * A decimal the merchant sent → minor units; never rounds (SPEC §4). `text` is the field as checkFields
 * gives it: a JSON string's value, or a JSON number's own text (5000.00 stays "5000.00").
 */
export function parseAmount(text: string, scale: number, field = 'amount'): bigint {
  const parsed = parseDecimal(text, scale);
  if (typeof parsed === 'bigint') return parsed;
  throw new DomainError('parameter_invalid', `\`${field}\` ${decimalRefusal(parsed, scale)}.`, field);
}

/** yyyy-MM-dd HH:mm:ss, UTC. */
export function kazeTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** yyyy-MM-dd HH:mm:ss read as UTC; null when it is not a real instant. */
export function parseKazeTime(text: string): Date | null {
  const d = new Date(`${text.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) || kazeTime(d) !== text ? null : d;
}

/**
 * ISO 8583 response code (two digits) → the document's six ("000000"): left-padded.
 * Movements that are not network messages (funding, close-out) answer 000000 when completed.
 */
function respCode(t: Transaction): { respCode: string; respCodeDesc: string } {
  if (t.status === 'declined') {
    return { respCode: (t.responseCode ?? '05').padStart(6, '0'), respCodeDesc: (t.declineReason ?? 'declined').toUpperCase() };
  }
  return { respCode: (t.responseCode ?? '00').padStart(6, '0'), respCodeDesc: 'SUCCESS' };
}

/** One row of queryTransactions, exactly the document's 14 fields; money leaving the card is negative. */
export function kazeTransaction(t: Transaction, cardScale: number, transScale: number) {
  const type = TRANS_TYPES[t.type];
  const sign = type.outgoing ? -1n : 1n;
  return {
    cardID: t.cardId ?? '',
    transactionId: t.id,
    transactionTime: kazeTime(t.createdAt),
    cardCurrency: t.currency,
    cardCurrencyAmt: amountNumber(sign * t.amount, cardScale),
    transCurrency: t.merchantCurrency ?? t.currency,
    transCurrencyAmt: amountNumber(sign * (t.merchantAmount ?? t.amount), t.merchantCurrency ? transScale : cardScale),
    feeCurrency: t.currency,
    fee: amountNumber(-t.fee, cardScale),
    transStatus: kazeTransStatus(t.status),
    transType: type.word,
    merchantName: t.merchant?.name ?? '',
    ...respCode(t),
  };
}
