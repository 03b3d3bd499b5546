import { Statement, type Db, type Tx } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import { isId, newId } from '../lib/ids.ts';
import { appendEventsSql, type EventInput } from '../events/index.ts';
import { accountCountersJsonSql, balanceOf, createTransfersSql, ledgersJsonSql, type AccountCountersJson, type TransferInput, type TransferResult } from '../ledger/index.ts';
import { fxRatesJsonSql, moneySettingsJsonSql, parseMoneySettingsJson } from '../fees/index.ts';
import { chainFailure } from '../funding/index.ts';
import { createdEvent, insertTransactionsSql } from '../transactions/index.ts';
import { cardAccountIdsSql, cardHolderPairsSql, cardHoldersSql, cardsJsonSql, lockCardsSql, type BatchCardRow } from '../cards/index.ts';
import { lockCustomersSql } from '../customers/index.ts';
import {
  claimKey, idempotencyLockId, parseStoredAnswersJson, storeAnswersSql, storedAnswersJsonSql, type IdempotencyClaim, type StoredAnswer,
} from '../idempotency/index.ts';
import { controlledCustomersSql, controlsJsonSql, parseSpendJson, spendJsonSql, type SpendJson, type SpendWindow } from './controls.ts';
import { decideBatch, spendKey, type BatchSnapshot, type CardSnapshot, type PreparedAuthorization } from './decide-batch.ts';
import { insertAuthorizationsSql, presentAuthorization, type Authorization, type PresentedAuthorization } from './store.ts';
import { DECLINE_CODES, type SpendingControls } from './types.ts';

export { HOLD_TTL_MS, holdIds, holdTransfers, type PreparedAuthorization } from './decide-batch.ts';

/** One item of a batch: a prepared authorization, and the idempotency key it claims, if any. */
export interface BatchItem extends PreparedAuthorization {
  idempotency: IdempotencyClaim | null;
}

export type ItemOutcome =
  | { kind: 'authorized'; authorization: PresentedAuthorization }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'reused' };

/**
 * The ledger refused a hold the batch had approved on its own reading of the
 * balances. Card accounts are read under the cards' row locks, so this means
 * something moved a card's money without its lock; the batch reruns with the
 * ledger first (and the refused items declined), never half-applied.
 */
export class LedgerRefusedHold extends Error {
  override name = 'LedgerRefusedHold';
}

/**
 * The batch's first round trip, sent with BEGIN: the locks, in one fixed
 * order so racing batches (other lanes, other processes) queue instead of
 * deadlocking: idempotency keys, then customers with spending controls
 * (their spend spans cards in other lanes), then the cards, each by id.
 */
export function batchPrelude(items: readonly BatchItem[]): string {
  const statements: string[] = [];
  const lockIds = [...new Set(items.filter((i) => i.idempotency).map((i) => idempotencyLockId(i.idempotency!)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (lockIds.length > 0) {
    statements.push(`SELECT pg_advisory_xact_lock(k) FROM (SELECT k FROM (VALUES ${lockIds.map((k) => `(${k.toString()}::int8)`).join(', ')}) v(k) ORDER BY k OFFSET 0) s`);
  }
  const cardIds = batchCardIds(items);
  if (cardIds.length > 0) {
    statements.push(lockCustomersSql(controlledCustomersSql(cardHoldersSql(cardIds))), lockCardsSql(cardIds));
  }
  return statements.join('; ');
}

/** The ids that can name a card (anything else is declined as card_not_found without a lookup), sorted. */
function batchCardIds(items: readonly PreparedAuthorization[]): string[] {
  return [...new Set(items.map((i) => i.request.cardId).filter((id) => isId('card', id)))].sort();
}

interface BatchRead {
  snapshot: BatchSnapshot;
  stored: Map<string, StoredAnswer>;
}

/** The second round trip: everything the decision needs, read after the locks (a fresh snapshot), each part by the module that owns it. */
async function readBatch(tx: Tx, items: readonly BatchItem[]): Promise<BatchRead> {
  const cardIds = batchCardIds(items);
  const claims = items.flatMap((i) => (i.idempotency ? [i.idempotency] : []));
  const windows: SpendWindow[] = [...new Map(items.filter((i) => isId('card', i.request.cardId))
    .map((i) => [spendKey(i.request.cardId, i.now), { key: spendKey(i.request.cardId, i.now), ownerId: i.request.cardId, now: i.now }])).values()];
  const s = new Statement();
  const holders = cardHolderPairsSql(s, cardIds);
  const sql = `SELECT ${cardsJsonSql(s, cardIds)} AS cards,
      ${accountCountersJsonSql(cardAccountIdsSql(s, cardIds))} AS accounts,
      ${controlsJsonSql(s, cardIds, `SELECT customer_id FROM (${holders}) h`)} AS controls,
      ${spendJsonSql(s, 'card', windows)} AS card_spend,
      ${spendJsonSql(s, 'customer', windows, holders)} AS customer_spend,
      ${moneySettingsJsonSql(s, [...new Set(items.map((i) => i.owner.merchantId))])} AS settings,
      ${ledgersJsonSql()} AS ledgers, ${fxRatesJsonSql()} AS rates,
      ${claims.length > 0 ? storedAnswersJsonSql(s, claims) : `'[]'::json`} AS stored`;
  const { rows } = await tx.query<{
    cards: BatchCardRow[]; accounts: AccountCountersJson[]; controls: { owner_type: 'card' | 'customer'; owner_id: string; controls: SpendingControls }[];
    card_spend: SpendJson[]; customer_spend: SpendJson[]; settings: Parameters<typeof parseMoneySettingsJson>[0];
    ledgers: { currency: string; ledger: number; scale: number }[]; rates: { k: string; rate: string }[];
    stored: Parameters<typeof parseStoredAnswersJson>[0];
  }>(sql, s.params, { prepare: true });
  const r = rows[0]!;
  const cards = new Map<string, CardSnapshot>(r.cards.map((c) => [c.id, {
    id: c.id, merchantId: c.merchant_id, mode: c.mode, customerId: c.customer_id, status: c.status, expYear: c.exp_year, expMonth: c.exp_month,
    currency: c.currency, availableAccountId: c.available_account_id, reserveAccountId: c.reserve_account_id, authorizationMode: c.authorization_mode,
  }]));
  // Card accounts are credit-normal and debit-limited: spendable = credits posted − debits posted − debits pending.
  const funds = new Map(r.accounts.map((a) => [a.id, balanceOf({
    debitsPending: BigInt(a.dp), debitsPosted: BigInt(a.dpo), creditsPending: BigInt(a.cp), creditsPosted: BigInt(a.cpo),
  }, 'credit').available]));
  const controls = { card: new Map<string, SpendingControls>(), customer: new Map<string, SpendingControls>() };
  for (const c of r.controls) controls[c.owner_type].set(c.owner_id, c.controls);
  const rate = (x: string) => (x.includes('.') ? x.replace(/0+$/, '').replace(/\.$/, '') : x);
  return {
    snapshot: {
      cards, funds, controls, spend: { card: parseSpendJson(r.card_spend), customer: parseSpendJson(r.customer_spend) },
      settings: parseMoneySettingsJson(r.settings), ledgers: new Map(r.ledgers.map((l) => [l.currency, l])),
      rates: new Map(r.rates.map((x) => [x.k, rate(x.rate)])),
    },
    stored: parseStoredAnswersJson(r.stored, claims, items[0]?.now ?? new Date()),
  };
}

/**
 * Items whose `now` lies within a second of each other share one ledger call
 * (its timestamp): in live mode that is the whole batch; sandbox merchants
 * whose test clocks run ahead get calls of their own, at their own time.
 */
function ledgerGroups(items: readonly BatchItem[], chains: readonly TransferInput[][]): { now: Date; transfers: TransferInput[]; items: number[] }[] {
  const groups = new Map<number, { now: Date; transfers: TransferInput[]; items: number[] }>();
  const origin = items[0]?.now.getTime() ?? 0;
  chains.forEach((chain, i) => {
    if (chain.length === 0) return;
    const key = Math.round((items[i]!.now.getTime() - origin) / 1000);
    const g = groups.get(key) ?? { now: items[i]!.now, transfers: [], items: [] };
    g.transfers.push(...chain);
    g.items.push(i);
    groups.set(key, g);
  });
  return [...groups.values()];
}

/** Which items' chains the ledger refused (by item index), from each group's results. */
function refusedItems(groups: ReturnType<typeof ledgerGroups>, chains: readonly TransferInput[][], results: TransferResult[][]): Set<number> {
  const refused = new Set<number>();
  groups.forEach((g, gi) => {
    let offset = 0;
    for (const i of g.items) {
      const n = chains[i]!.length;
      const failure = chainFailure(results[gi]!.slice(offset, offset + n));
      offset += n;
      if (failure !== null) {
        assert(failure === 'exceeds_credits', `authorization hold refused: ${failure}`);
        refused.add(i);
      }
    }
  });
  return refused;
}

function declineForFunds(a: Authorization): void {
  Object.assign(a, {
    status: 'declined', approvedAmount: 0n, heldAmount: 0n, feeHeld: 0n, declineReason: 'insufficient_funds',
    responseCode: DECLINE_CODES.insufficient_funds, holdSeq: 0, expiresAt: null,
  });
}

/**
 * Decide and apply one batch in the caller's transaction (opened with
 * batchPrelude's locks). Round trips after the prelude: one read; one write
 * that inserts the authorizations, their transactions and events and the
 * idempotency answers, and applies the holds (`optimistic`: the ledger call
 * rides in the same statement, and a refusal throws LedgerRefusedHold so the
 * caller reruns `ledgerFirst`, where the ledger answers before the inserts).
 */
export async function authorizeBatch(tx: Tx, items: readonly BatchItem[], mode: 'optimistic' | 'ledgerFirst' = 'optimistic'): Promise<ItemOutcome[]> {
  const { snapshot, stored } = await readBatch(tx, items);
  const outcomes: (ItemOutcome | null)[] = items.map((i) => {
    const answer = i.idempotency ? stored.get(claimKey(i.idempotency)) : undefined;
    if (answer?.kind === 'replay') return { kind: 'replay', status: answer.status, body: answer.body };
    if (answer?.kind === 'reused') return { kind: 'reused' };
    return null;
  });
  const fresh = items.filter((_, i) => outcomes[i] === null);
  if (fresh.length === 0) return outcomes as ItemOutcome[];
  const { authorizations, chains } = decideBatch(fresh, snapshot, () => newId('authorization'));
  const groups = ledgerGroups(fresh, chains);

  if (mode === 'ledgerFirst') {
    const results: TransferResult[][] = [];
    for (const g of groups) {
      const s = new Statement();
      const call = createTransfersSql(s, g.transfers, g.now);
      const { rows } = await tx.query<{ r: string[] }>(`SELECT ${call.expr} AS r`, s.params, { prepare: true });
      results.push(call.decode(rows[0]!.r));
    }
    for (const i of refusedItems(groups, chains, results)) declineForFunds(authorizations[i]!);
  }

  const presented = authorizations.map(presentAuthorization);
  const s = new Statement();
  const writes: string[] = [insertAuthorizationsSql(s, authorizations)];
  const txns = insertTransactionsSql(s, authorizations.map((a) => ({
    merchantId: a.merchantId, mode: a.mode, cardId: a.cardId, type: 'authorization' as const, status: a.status === 'pending' ? 'pending' as const : 'declined' as const,
    amount: a.approvedAmount || a.requestedAmount, currency: a.currency, merchantAmount: a.merchantAmount, merchantCurrency: a.merchantCurrency,
    fee: a.feeHeld, merchant: a.merchant, responseCode: a.responseCode, declineReason: a.declineReason, authorizationId: a.id, network: a.network,
  })), authorizations.map((a) => a.createdAt));
  writes.push(txns.sql);
  const events: EventInput[] = [
    ...authorizations.map((a, i) => ({
      merchantId: a.merchantId, mode: a.mode, type: a.status === 'pending' ? 'authorization.approved' as const : 'authorization.declined' as const,
      object: presented[i]!, at: a.createdAt,
    })),
    ...txns.transactions.map(createdEvent),
  ];
  writes.push(appendEventsSql(s, events).sql);
  const answers = fresh.flatMap((item, i) => (item.idempotency ? [{ claim: item.idempotency, status: 200, body: presented[i], at: item.now }] : []));
  if (answers.length > 0) writes.push(storeAnswersSql(s, answers));
  const calls = mode === 'optimistic' ? groups.map((g) => createTransfersSql(s, g.transfers, g.now)) : [];
  // Each ledger call is a column of its own (their result arrays differ in length).
  const sql = `WITH ${writes.map((w, i) => `w${i} AS (${w})`).join(', ')}
    SELECT ${calls.length > 0 ? calls.map((c, i) => `${c.expr} AS r${i}`).join(', ') : '1 AS done'}`;
  const { rows } = await tx.query<Record<string, string[]>>(sql, s.params, { prepare: true });
  if (calls.length > 0) {
    const results = calls.map((c, i) => c.decode(rows[0]![`r${i}`]!));
    if (refusedItems(groups, chains, results).size > 0) throw new LedgerRefusedHold('the ledger refused a hold the batch approved');
  }
  let next = 0;
  return outcomes.map((o) => o ?? { kind: 'authorized', authorization: presented[next++]! });
}

/** Run a batch: optimistic first, then, if the ledger refused a hold, once more with the ledger first. */
export async function runBatch(db: Db, items: readonly BatchItem[]): Promise<ItemOutcome[]> {
  const prelude = batchPrelude(items);
  try {
    return await db.transaction((tx) => authorizeBatch(tx, items, 'optimistic'), { prelude });
  } catch (err) {
    if (!(err instanceof LedgerRefusedHold)) throw err;
    return db.transaction((tx) => authorizeBatch(tx, items, 'ledgerFirst'), { prelude });
  }
}
