import { Statement, type Queryable, type Tx } from '../db/index.ts';
import { notFound } from '../lib/errors.ts';
import { isId, newId } from '../lib/ids.ts';
import { toJsonNumber } from '../lib/money.ts';
import { appendEvent, appendEvents } from '../events/index.ts';
import type { Owner } from '../customers/index.ts';

export const TRANSACTION_TYPES = ['deposit', 'funding', 'withdrawal', 'reservation', 'reservation_release', 'authorization', 'increment',
  'clearing', 'reversal', 'refund', 'force_post', 'fee', 'close_out', 'expiry'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];
export const TRANSACTION_STATUSES = ['pending', 'completed', 'declined', 'reversed', 'expired'] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

export interface MerchantInfo {
  name: string;
  mcc: string;
  country: string;
}

/**
 * The ids of an ISO 8583 message (the network link, docs/iso8583.md), kept on
 * the authorization and the transactions it caused: DE 11, DE 7 (MMDDhhmmss),
 * DE 32, DE 37, DE 41, DE 22, as sent.
 */
export interface NetworkIds {
  stan: string;
  transmitted: string;
  acquirerId: string;
  rrn: string | null;
  terminalId: string | null;
  posEntryMode: string | null;
}

/** The columns NetworkIds fill, in its field order (authorizations and transactions both have them). */
export const NETWORK_COLUMNS = ['network_stan', 'network_transmitted', 'network_acquirer_id', 'network_rrn', 'network_terminal_id', 'network_pos_entry_mode'] as const;

export const networkValues = (n: NetworkIds | null | undefined): (string | null)[] =>
  n ? [n.stan, n.transmitted, n.acquirerId, n.rrn, n.terminalId, n.posEntryMode] : [null, null, null, null, null, null];

export function networkFromRow(r: Partial<Record<(typeof NETWORK_COLUMNS)[number], string | null>>): NetworkIds | null {
  if (!r.network_stan || !r.network_transmitted || !r.network_acquirer_id) return null;
  return {
    stan: r.network_stan, transmitted: r.network_transmitted, acquirerId: r.network_acquirer_id, rrn: r.network_rrn ?? null,
    terminalId: r.network_terminal_id ?? null, posEntryMode: r.network_pos_entry_mode ?? null,
  };
}

/** Every money movement and every decline: one row, amounts in the card's (or wallet's) currency. */
export interface Transaction {
  id: string;
  merchantId: string;
  mode: Owner['mode'];
  cardId: string | null;
  type: TransactionType;
  status: TransactionStatus;
  amount: bigint;
  currency: string;
  merchantAmount: bigint | null;
  merchantCurrency: string | null;
  fee: bigint;
  merchant: MerchantInfo | null;
  responseCode: string | null;
  declineReason: string | null;
  authorizationId: string | null;
  reservationId: string | null;
  /** Set when an ISO 8583 message caused it. */
  network: NetworkIds | null;
  createdAt: Date;
  updatedAt: Date;
}

export type TransactionInput = Omit<Transaction, 'id' | 'createdAt' | 'updatedAt' | 'merchantAmount' | 'merchantCurrency' | 'fee' | 'merchant' | 'responseCode' | 'declineReason' | 'authorizationId' | 'reservationId' | 'network'>
  & Partial<Pick<Transaction, 'merchantAmount' | 'merchantCurrency' | 'fee' | 'merchant' | 'responseCode' | 'declineReason' | 'authorizationId' | 'reservationId' | 'network'>>
  & { id?: string };

type Row = {
  id: string; merchant_id: string; mode: Owner['mode']; card_id: string | null; type: TransactionType; status: TransactionStatus;
  amount: bigint; currency: string; merchant_amount: bigint | null; merchant_currency: string | null; fee: bigint;
  merchant_name: string | null; merchant_mcc: string | null; merchant_country: string | null; response_code: string | null;
  decline_reason: string | null; authorization_id: string | null; reservation_id: string | null; created_at: Date; updated_at: Date;
} & Partial<Record<(typeof NETWORK_COLUMNS)[number], string | null>>;

const toTransaction = (r: Row): Transaction => ({
  id: r.id, merchantId: r.merchant_id, mode: r.mode, cardId: r.card_id, type: r.type, status: r.status, amount: r.amount, currency: r.currency,
  merchantAmount: r.merchant_amount, merchantCurrency: r.merchant_currency, fee: r.fee,
  merchant: r.merchant_name === null ? null : { name: r.merchant_name, mcc: r.merchant_mcc ?? '', country: r.merchant_country ?? '' },
  responseCode: r.response_code, declineReason: r.decline_reason, authorizationId: r.authorization_id, reservationId: r.reservation_id,
  network: networkFromRow(r), createdAt: r.created_at, updatedAt: r.updated_at,
});

export function presentTransaction(t: Transaction) {
  return {
    id: t.id, object: 'transaction' as const, type: t.type, status: t.status, card_id: t.cardId,
    amount: toJsonNumber(t.amount), currency: t.currency,
    merchant_amount: t.merchantAmount === null ? null : toJsonNumber(t.merchantAmount), merchant_currency: t.merchantCurrency,
    fee: toJsonNumber(t.fee), merchant: t.merchant, response_code: t.responseCode, decline_reason: t.declineReason,
    authorization_id: t.authorizationId, reservation_id: t.reservationId, livemode: t.mode === 'live',
    created_at: t.createdAt.toISOString(), updated_at: t.updatedAt.toISOString(),
  };
}

export type PresentedTransaction = ReturnType<typeof presentTransaction>;

const COLS = ['id', 'merchant_id', 'mode', 'card_id', 'type', 'status', 'amount', 'currency', 'merchant_amount', 'merchant_currency', 'fee',
  'merchant_name', 'merchant_mcc', 'merchant_country', 'response_code', 'decline_reason', 'authorization_id', 'reservation_id', 'created_at', 'updated_at',
  ...NETWORK_COLUMNS];

function values(t: TransactionInput, id: string, at: Date): unknown[] {
  return [id, t.merchantId, t.mode, t.cardId, t.type, t.status, t.amount, t.currency, t.merchantAmount ?? null, t.merchantCurrency ?? null,
    t.fee ?? 0n, t.merchant?.name ?? null, t.merchant?.mcc ?? null, t.merchant?.country ?? null, t.responseCode ?? null,
    t.declineReason ?? null, t.authorizationId ?? null, t.reservationId ?? null, at, at, ...networkValues(t.network)];
}

/**
 * Record transactions (one statement for any number) and their
 * `transaction.created` events, in the caller's transaction.
 */
export async function recordTransactions(tx: Tx, items: readonly TransactionInput[], at: Date): Promise<Transaction[]> {
  const recorded = await insertTransactions(tx, items, at);
  await appendEvents(tx, recorded.map(createdEvent));
  return recorded;
}

/** The `transaction.created` event of a recorded transaction (for callers that batch their events). */
export const createdEvent = (t: Transaction) =>
  ({ merchantId: t.merchantId, mode: t.mode, type: 'transaction.created' as const, object: presentTransaction(t), at: t.createdAt });

/** Insert without events: the caller appends `createdEvent` of each with its own events, in one statement. */
export async function insertTransactions(tx: Tx, items: readonly TransactionInput[], at: Date): Promise<Transaction[]> {
  if (items.length === 0) return [];
  const s = new Statement();
  const { sql, transactions } = insertTransactionsSql(s, items, at);
  await tx.query(sql, s.params);
  return transactions;
}

/** The INSERT of many transactions (one statement) for composing with other writes, and the transactions as they are stored. */
export function insertTransactionsSql(s: Statement, items: readonly TransactionInput[], at: Date | readonly Date[]): { sql: string; transactions: Transaction[] } {
  // One time for all, or each its own (the authorization batch: each item at its merchant's time).
  const atOf = (i: number) => (at instanceof Date ? at : at[i]!);
  const transactions = items.map((t, i): Transaction => ({
    id: t.id ?? newId('transaction'), merchantId: t.merchantId, mode: t.mode, cardId: t.cardId, type: t.type, status: t.status, amount: t.amount,
    currency: t.currency, merchantAmount: t.merchantAmount ?? null, merchantCurrency: t.merchantCurrency ?? null, fee: t.fee ?? 0n,
    merchant: t.merchant ?? null, responseCode: t.responseCode ?? null, declineReason: t.declineReason ?? null,
    authorizationId: t.authorizationId ?? null, reservationId: t.reservationId ?? null, network: t.network ?? null, createdAt: atOf(i), updatedAt: atOf(i),
  }));
  const casts = ['text', 'text', 'text', 'text', 'text', 'text', 'int8', 'text', 'int8', 'text', 'int8', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'timestamptz', 'timestamptz',
    ...NETWORK_COLUMNS.map(() => 'text')];
  // One array per column (unnest): the statement's text and plan do not grow with the batch.
  const rows = transactions.map((t) => values(t, t.id, t.createdAt));
  const columns = casts.map((cast, i) => s.param(rows.map((r) => r[i]), `${cast}[]`));
  return { sql: `INSERT INTO transactions (${COLS.join(', ')}) SELECT * FROM unnest(${columns.join(', ')})`, transactions };
}

export async function recordTransaction(tx: Tx, item: TransactionInput, at: Date): Promise<Transaction> {
  return (await recordTransactions(tx, [item], at))[0]!;
}

/** Change a transaction's status (and amount/fee, e.g. when an authorization clears for less); writes `transaction.updated`. */
export async function updateTransaction(
  tx: Tx, id: string, set: Partial<Pick<Transaction, 'status' | 'amount' | 'fee'>>, at: Date,
): Promise<Transaction> {
  const before = await tx.query<Row>('SELECT * FROM transactions WHERE id = $1 FOR UPDATE', [id]);
  const prev = toTransaction(before.rows[0]!);
  const { rows } = await tx.query<Row>(
    'UPDATE transactions SET status = $2, amount = $3, fee = $4, updated_at = $5 WHERE id = $1 RETURNING *',
    [id, set.status ?? prev.status, set.amount ?? prev.amount, set.fee ?? prev.fee, at]);
  const t = toTransaction(rows[0]!);
  const previous: Record<string, unknown> = {};
  if (t.status !== prev.status) previous.status = prev.status;
  if (t.amount !== prev.amount) previous.amount = toJsonNumber(prev.amount);
  if (t.fee !== prev.fee) previous.fee = toJsonNumber(prev.fee);
  await appendEvent(tx, { merchantId: t.merchantId, mode: t.mode, type: 'transaction.updated', object: presentTransaction(t), previous, at });
  return t;
}

/**
 * A transaction of a card that an ISO 8583 message caused, found by the ids
 * DE 90 names (STAN, DE 7, acquirer id zero-filled to 11 digits): the
 * original of a reversal when it was no authorization (a stand-in advice
 * recorded as a force post, or a refund).
 */
export async function findNetworkTransaction(
  q: Queryable, owner: Owner, cardId: string, original: { stan: string; transmitted: string; acquirerId11: string }, types: readonly TransactionType[],
): Promise<Transaction | null> {
  const { rows } = await q.query<Row>(
    `SELECT * FROM transactions WHERE card_id = $1 AND network_stan = $2 AND type = ANY($3::text[]) AND network_transmitted = $4
       AND lpad(network_acquirer_id, 11, '0') = $5 AND merchant_id = $6 AND mode = $7
     ORDER BY id LIMIT 1`,
    [cardId, original.stan, types, original.transmitted, original.acquirerId11, owner.merchantId, owner.mode]);
  return rows[0] ? toTransaction(rows[0]) : null;
}

export async function getTransaction(q: Queryable, owner: Owner, id: string): Promise<Transaction> {
  if (!isId('transaction', id)) throw notFound('transaction', 'id');
  const { rows } = await q.query<Row>('SELECT * FROM transactions WHERE id = $1 AND merchant_id = $2 AND mode = $3', [id, owner.merchantId, owner.mode]);
  if (!rows[0]) throw notFound('transaction', 'id');
  return toTransaction(rows[0]);
}

export interface TransactionFilter {
  cardId?: string;
  type?: TransactionType;
  status?: TransactionStatus;
  authorizationId?: string;
  createdGte?: Date;
  createdLte?: Date;
}

/**
 * Newest first: `limit` after the cursor `before` (an id), or after skipping `offset` rows, for the facades whose
 * documents page by number (KrezyPay `page`, KazePay `pageNum`); their page bounds keep the offset small.
 */
export async function listTransactions(q: Queryable, owner: Owner, f: TransactionFilter, limit: number, before: string | null, offset = 0) {
  const { rows } = await q.query<Row>(
    `SELECT * FROM transactions WHERE merchant_id = $1 AND mode = $2
       AND ($3::text IS NULL OR card_id = $3) AND ($4::text IS NULL OR type = $4) AND ($5::text IS NULL OR status = $5)
       AND ($6::text IS NULL OR authorization_id = $6)
       AND ($7::timestamptz IS NULL OR created_at >= $7) AND ($8::timestamptz IS NULL OR created_at <= $8)
       AND ($9::text IS NULL OR id < $9)
     ORDER BY id DESC LIMIT $10 OFFSET $11`,
    [owner.merchantId, owner.mode, f.cardId ?? null, f.type ?? null, f.status ?? null, f.authorizationId ?? null,
      f.createdGte ?? null, f.createdLte ?? null, before, limit + 1, offset]);
  return { data: rows.slice(0, limit).map(toTransaction), hasMore: rows.length > limit };
}
