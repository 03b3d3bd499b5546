import type { Queryable, Tx } from '../db/index.ts';
import { DEFAULT_BINS, SERVICE_CODE, checkPin, expiryYYMM, maskPan, newCardToken, type KeyProvider, type PinOffset } from '../crypto/index.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { isId, newId } from '../lib/ids.ts';
import type { ActionContext } from '../lib/context.ts';
import { EMBOSSED_NAME_LENGTH_MAX, embossedName } from '../lib/embossing.ts';
import { appendAudit } from '../audit/index.ts';
import { appendEvent } from '../events/index.ts';
import { checkAddress, getCustomer, type Address, type Owner } from '../customers/index.ts';
import { getAccount } from '../accounts/index.ts';
import { requireCountryEnabled } from '../countries/index.ts';
import { customerPhone, sendNotification } from '../notifications/index.ts';
import * as store from './store.ts';
import { createCardLedgerAccounts, readCardBalances } from './balances.ts';
import { activationCodeHash, expiryFrom, monthsUntilExpiry, newActivationCode, newUniquePan, sameHash } from './issue.ts';
import { nextStatus, type CardAction } from './state.ts';
import type { Brand, Card, CardBalances, CardFilter, CardInput, ShipmentStatus, Tier } from './types.ts';
import { presentCard } from './present.ts';

export * from './types.ts';
export * from './state.ts';
export { presentCard, type PresentedCard } from './present.ts';
/** The authorization batch's reads of many cards in one statement. */
export { cardAccountIdsSql, cardHolderPairsSql, cardHoldersSql, cardsJsonSql, lockCardsSql, type BatchCardRow } from './batch.ts';
export { readCardBalances, readManyCardBalances } from './balances.ts';
export { monthsUntilExpiry, expiryFrom, CARD_VALIDITY_MONTHS } from './issue.ts';
export { importCardStock, assignFromStock, type StockAssignment, type StockItem } from './stock.ts';

/** Why 5: the activation code is 8 digits; five tries keep a guess hopeless, and the operator can reset. */
export const ACTIVATION_TRIES_MAX = 5;
/** Why 3: the card-industry norm for PIN tries before the PIN is blocked. */
export const PIN_TRIES_MAX = 3;

export interface CardContext extends ActionContext {
  keys: KeyProvider;
  /** The configured BIN per brand (TESSERA_BIN_VISA, TESSERA_BIN_MASTERCARD); the crypto defaults otherwise. */
  bins?: Readonly<Record<Brand, string>>;
}

/**
 * The card whose number has this fingerprint (`keys.fingerprint(pan)`: the number itself is never in a query)
 * in this mode; null when there is none. For the ISO 8583 link, which knows a card only by its PAN.
 */
export async function findCardByFingerprint(q: Queryable, fingerprint: string, mode: Owner['mode']): Promise<Card | null> {
  const { rows } = await q.query<store.CardRow>('SELECT * FROM cards WHERE pan_fingerprint = $1 AND mode = $2', [fingerprint, mode]);
  return rows[0] ? store.toCard(rows[0]) : null;
}

export async function getCard(q: Queryable, owner: Owner, id: string, options: { forUpdate?: boolean } = {}): Promise<Card> {
  const row = isId('card', id) ? await store.selectCardRow(q, owner, id, options.forUpdate) : null;
  if (!row) throw notFound('card', 'cardId');
  return store.toCard(row);
}

async function emit(tx: Tx, card: Card, balances: CardBalances | null, type: 'card.created' | 'card.updated' | 'card.terminated', at: Date, previous?: Record<string, unknown>) {
  const object = presentCard(card, balances ?? (await readCardBalances(tx, card)), at);
  await appendEvent(tx, { merchantId: card.merchantId, mode: card.mode, type, object, previous, at });
}

/** Issue a card on an account: a fresh PAN (sealed), its ledger accounts, and for physical cards an order and an activation code. */
export async function createCard(tx: Tx, owner: Owner, accountId: string, input: CardInput, ctx: CardContext): Promise<Card> {
  return issueCard(tx, owner, accountId, input, ctx, null);
}

/** A pre-printed card taken from stock instead of a fresh number. */
export interface StockSource {
  pan: string;
  fingerprint: string;
  expMonth: number;
  expYear: number;
  autoActivate: boolean;
}

export async function issueCard(
  tx: Tx, owner: Owner, accountId: string, input: CardInput, ctx: CardContext, stock: StockSource | null,
): Promise<Card> {
  const account = await getAccount(tx, owner, accountId, { forUpdate: true }); // serializes issuance per account
  const customer = await getCustomer(tx, owner, account.customerId);
  // The cardholder's country (the customer's address), not the billing address sent for this card: the operator
  // switches a country off for the people who live there, whatever address a card is billed to.
  await requireCountryEnabled(tx, customer.address.country, 'cards');
  if (input.type === 'physical' && !input.shippingAddress && !stock) {
    throw new DomainError('parameter_missing', 'A physical card needs a `shipping_address`.', 'shipping_address');
  }
  if (stock && customer.kycStatus !== 'PASSED') {
    throw new DomainError('kyc_not_passed', `The cardholder's KYC is ${customer.kycStatus}; stock cards are assigned only after it has PASSED.`);
  }
  const billing: Address = input.billingAddress ?? customer.address;
  checkAddress(billing, 'billing_address');
  if (input.shippingAddress) checkAddress(input.shippingAddress, 'shipping_address');
  const holder = embossedName(customer.firstName, customer.lastName);
  if (holder.length > EMBOSSED_NAME_LENGTH_MAX) {
    throw new DomainError('cardholder_name_invalid', `The cardholder name "${holder}" is longer than ${EMBOSSED_NAME_LENGTH_MAX} characters; shorten the customer's names first.`);
  }
  const limit = (await tx.query<{ n: number }>('SELECT cards_per_type_per_account AS n FROM merchants WHERE id = $1', [owner.merchantId])).rows[0]!.n;
  if ((await store.countLiveCards(tx, account.id, input.type)) >= limit) {
    throw new DomainError('card_limit_reached', `This account already has ${limit} ${input.type} card${limit > 1 ? 's' : ''} that ${limit > 1 ? 'are' : 'is'} not terminated.`);
  }
  const id = newId('card');
  const brand = input.brand ?? 'VISA';
  const { pan, fingerprint } = stock ?? (await newUniquePan(tx, ctx.keys, (ctx.bins ?? DEFAULT_BINS)[brand]));
  const exp = stock ? { month: stock.expMonth, year: stock.expYear } : expiryFrom(ctx.at);
  const ledgerIds = await createCardLedgerAccounts(tx, owner, id, account.currency, ctx.at);
  const physical = input.type === 'physical';
  const active = !physical || (stock?.autoActivate ?? false);
  const code = active ? null : newActivationCode();
  const card = await store.insertCard(tx, {
    id, merchant_id: owner.merchantId, mode: owner.mode, account_id: account.id, customer_id: customer.id, type: input.type, brand,
    status: active ? 'ACTIVE' : 'PENDING_ACTIVATION', tier: input.tier ?? 'standard', currency: account.currency,
    pan_sealed: await ctx.keys.encryptPan(pan, id), pan_fingerprint: fingerprint, bin: pan.slice(0, 6), last4: pan.slice(-4),
    exp_month: exp.month, exp_year: exp.year, nickname: input.nickname ?? null, card_token: newCardToken(),
    billing_address: billing, shipping_address: input.shippingAddress ?? null,
    shipment_status: physical && !stock ? 'ordered' : null, from_stock: stock !== null,
    activation_code_hash: code ? activationCodeHash(ctx.keys, id, code) : null,
    available_account_id: ledgerIds.available, reserve_account_id: ledgerIds.reserve, created_at: ctx.at,
  });
  if (code) await sendActivationCode(tx, ctx.keys, card, customerPhone(customer), code, ctx.at);
  await emit(tx, card, { available: 0n, authorizationBalance: 0n }, 'card.created', ctx.at);
  return card;
}

/** To the cardholder's phone (E.164): the sandbox outbox, or live through the SMS provider. */
async function sendActivationCode(tx: Tx, keys: KeyProvider, card: Card, phone: string, code: string, at: Date) {
  await sendNotification(tx, keys, {
    merchantId: card.merchantId, mode: card.mode, customerId: card.customerId, channel: 'sms', recipient: phone,
    kind: 'card.activation_code', at,
    body: `Your card ending ${card.last4} is on its way. Activation code: ${code}. It works once; never share it.`,
  });
}

export async function listCards(q: Queryable, owner: Owner, filter: CardFilter, page: { limit: number; startingAfter: string | null }, now: Date) {
  let bound: { year: number; month: number } | null = null;
  if (filter.expireInMonths !== undefined) {
    const total = now.getUTCFullYear() * 12 + now.getUTCMonth() + filter.expireInMonths;
    bound = { year: Math.floor(total / 12), month: (total % 12) + 1 };
  }
  const rows = await store.selectCards(q, owner, filter, bound, page.limit + 1, page.startingAfter);
  return { data: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

export interface CardPatch {
  nickname?: string | null;
  isDefault?: boolean;
  isRecurring?: boolean;
  tier?: Tier;
  authorizationMode?: 'direct' | 'reserve' | null;
}

/** Only the fields sent change; `is_default: true` clears the flag on the customer's other cards. */
export async function updateCard(tx: Tx, owner: Owner, id: string, patch: CardPatch, ctx: ActionContext): Promise<Card> {
  const card = await getCard(tx, owner, id, { forUpdate: true });
  const set: Record<string, unknown> = {};
  if (patch.nickname !== undefined) set.nickname = patch.nickname;
  if (patch.isDefault !== undefined) set.is_default = patch.isDefault;
  if (patch.isRecurring !== undefined) set.is_recurring = patch.isRecurring;
  if (patch.tier !== undefined) set.tier = patch.tier;
  if (patch.authorizationMode !== undefined) set.authorization_mode = patch.authorizationMode;
  if (patch.isDefault === true) {
    await tx.query('UPDATE cards SET is_default = false, updated_at = $3 WHERE customer_id = $1 AND id <> $2 AND is_default', [card.customerId, card.id, ctx.at]);
  }
  const before: Record<string, unknown> = {
    nickname: card.nickname, is_default: card.isDefault, is_recurring: card.isRecurring, tier: card.tier, authorization_mode: card.authorizationMode,
  };
  const changed = Object.keys(set).filter((k) => set[k] !== before[k]);
  if (changed.length === 0) return card;
  const updated = await store.updateCard(tx, card.id, set, ctx.at);
  await emit(tx, updated, null, 'card.updated', ctx.at, Object.fromEntries(changed.map((k) => [k, before[k]])));
  return updated;
}

/** Apply a state-machine action (deactivate, activate, terminate, archive, expire); audited; writes its event. */
export async function changeCardStatus(tx: Tx, owner: Owner, id: string, action: CardAction, ctx: ActionContext): Promise<Card> {
  const card = await getCard(tx, owner, id, { forUpdate: true });
  return applyStatus(tx, card, action, ctx);
}

export async function applyStatus(tx: Tx, card: Card, action: CardAction, ctx: ActionContext): Promise<Card> {
  const status = nextStatus(card.status, action);
  const updated = await store.updateCard(tx, card.id, { status, ...(status === 'TERMINATED' ? { terminated_at: ctx.at } : {}) }, ctx.at);
  await appendAudit(tx, { ...ctx, action: `card.${action}`, target: card.id, result: 'success', details: { from: card.status, to: status } });
  await emit(tx, updated, null, status === 'TERMINATED' ? 'card.terminated' : 'card.updated', ctx.at, { status: card.status });
  return updated;
}

/** The full number and CVV2 for a key with `cards:reveal`: decrypted, computed, audited. Never stored or logged. */
export async function revealCard(tx: Tx, owner: Owner, id: string, ctx: CardContext) {
  const row = isId('card', id) ? await store.selectCardRow(tx, owner, id) : null;
  if (!row) throw notFound('card', 'cardId');
  const pan = await ctx.keys.decryptPan(row.pan_sealed, row.id);
  const cvv = await ctx.keys.cvv(pan, expiryYYMM(row.exp_year, row.exp_month), SERVICE_CODE.CVV2);
  await appendAudit(tx, { ...ctx, action: 'card.reveal', target: row.id, result: 'success', details: {} });
  return { card: store.toCard(row), number: pan, cvv, masked: maskPan(pan) };
}

/** The masked number, from the sealed PAN (the API shows it masked; KrezyPay groups it). */
export async function maskedNumber(q: Queryable, keys: KeyProvider, card: Card): Promise<string> {
  const { rows } = await q.query<{ pan_sealed: Buffer }>('SELECT pan_sealed FROM cards WHERE id = $1', [card.id]);
  return maskPan(await keys.decryptPan(rows[0]!.pan_sealed, card.id));
}

/** Sandbox: move a physical card's shipment forward (ordered → shipped → delivered). */
export async function advanceShipment(tx: Tx, owner: Owner, id: string, to: Exclude<ShipmentStatus, 'ordered'>, ctx: ActionContext): Promise<Card> {
  const card = await getCard(tx, owner, id, { forUpdate: true });
  if (card.type !== 'physical' || card.shipmentStatus === null) throw new DomainError('conflict', 'Only an ordered physical card has a shipment.');
  const order: ShipmentStatus[] = ['ordered', 'shipped', 'delivered'];
  if (order.indexOf(to) !== order.indexOf(card.shipmentStatus) + 1) {
    throw new DomainError('conflict', `The shipment is ${card.shipmentStatus}; it can only move to the next step.`);
  }
  const updated = await store.updateCard(tx, card.id, {
    shipment_status: to, shipment_tracking: card.shipmentTracking ?? `TRK${card.id.slice(-12).toUpperCase()}`,
  }, ctx.at);
  await emit(tx, updated, null, 'card.updated', ctx.at, { shipping: { status: card.shipmentStatus } });
  return updated;
}

/**
 * Activate a physical card with the one-time code sent to the cardholder.
 * The customer's KYC must have PASSED; five wrong codes lock activation until the operator resets it.
 */
export async function activatePhysical(
  tx: Tx, owner: Owner, id: string, code: string, ctx: CardContext,
): Promise<{ card: Card } | { failure: DomainError }> {
  const row = isId('card', id) ? await store.selectCardRow(tx, owner, id, true) : null;
  if (!row) throw notFound('card', 'cardId');
  const card = store.toCard(row);
  if (card.type !== 'physical') throw new DomainError('conflict', 'Only a physical card is activated with a code.');
  nextStatus(card.status, 'activate_physical');
  const customer = await getCustomer(tx, owner, card.customerId);
  if (customer.kycStatus !== 'PASSED') {
    throw new DomainError('kyc_not_passed', `The cardholder's KYC is ${customer.kycStatus}; a physical card can be activated only after it has PASSED.`);
  }
  if (row.activation_locked || row.activation_code_hash === null) {
    throw new DomainError('activation_locked', 'Activation is locked after too many wrong codes; the operator can reset it.');
  }
  if (!sameHash(row.activation_code_hash, activationCodeHash(ctx.keys, card.id, code))) {
    const tries = row.activation_tries + 1;
    await store.updateCard(tx, card.id, { activation_tries: tries, activation_locked: tries >= ACTIVATION_TRIES_MAX }, ctx.at);
    await appendAudit(tx, { ...ctx, action: 'card.activate_physical', target: card.id, result: 'failure', details: { tries } });
    // A failure that must commit (the try is counted): returned, not thrown, so the transaction is kept.
    return { failure: new DomainError('activation_code_invalid',
      tries >= ACTIVATION_TRIES_MAX ? 'Wrong activation code; activation is now locked.' : `Wrong activation code; ${ACTIVATION_TRIES_MAX - tries} tries left.`) };
  }
  await store.updateCard(tx, card.id, { activation_code_hash: null, activation_tries: 0 }, ctx.at);
  return { card: await applyStatus(tx, card, 'activate_physical', ctx) };
}

/** Operator: unlock activation after too many wrong codes, with a fresh code sent to the cardholder. */
export async function resetActivation(tx: Tx, cardId: string, ctx: CardContext): Promise<Card> {
  const { rows } = await tx.query<store.CardRow>('SELECT * FROM cards WHERE id = $1 FOR UPDATE', [cardId]);
  if (!rows[0]) throw notFound('card', 'cardId');
  const card = store.toCard(rows[0]);
  if (card.status !== 'PENDING_ACTIVATION' || card.type !== 'physical') throw new DomainError('conflict', 'Only a physical card awaiting activation can be reset.');
  const code = newActivationCode();
  const updated = await store.updateCard(tx, card.id, { activation_code_hash: activationCodeHash(ctx.keys, card.id, code), activation_tries: 0, activation_locked: false }, ctx.at);
  const customer = await getCustomer(tx, { merchantId: card.merchantId, mode: card.mode }, card.customerId);
  await sendActivationCode(tx, ctx.keys, updated, customerPhone(customer), code, ctx.at);
  await appendAudit(tx, { ...ctx, action: 'card.activation_reset', target: card.id, result: 'success' });
  return updated;
}

/** Set or change the PIN: 6 digits, not trivial; only its IBM 3624 offset is kept. Audited. */
export async function setPin(tx: Tx, owner: Owner, id: string, pin: string, ctx: CardContext): Promise<Card> {
  const check = checkPin(pin);
  if (check !== 'ok') {
    throw new DomainError('parameter_invalid', check === 'trivial'
      ? 'The PIN is too easy to guess (one repeated digit or a straight sequence).' : 'The PIN must be exactly 6 digits.', 'pin');
  }
  const row = isId('card', id) ? await store.selectCardRow(tx, owner, id, true) : null;
  if (!row) throw notFound('card', 'cardId');
  if (['TERMINATED', 'CLOSED', 'ARCHIVED', 'EXPIRED'].includes(row.status)) {
    throw new DomainError('invalid_card_status', `The card is ${row.status}; its PIN cannot be set.`);
  }
  const pan = await ctx.keys.decryptPan(row.pan_sealed, row.id);
  const offset = await ctx.keys.pinOffset(pan, pin);
  const updated = await store.updateCard(tx, row.id, { pin_offset: offset.offset, pin_pvki: offset.pvki, pin_tries: 0, pin_blocked: false }, ctx.at);
  await appendAudit(tx, { ...ctx, action: 'card.pin.set', target: row.id, result: 'success' });
  return updated;
}

export type PinVerification = 'ok' | 'wrong' | 'blocked' | 'not_set';

/** For the authorization engine: check a PIN, counting wrong tries (3 → blocked). Runs in the caller's transaction. */
export async function verifyPin(tx: Tx, keys: KeyProvider, cardId: string, pin: string, at: Date): Promise<PinVerification> {
  const result = await countPinTry(tx, keys, cardId, at, async (pan, stored) => /^\d{6}$/.test(pin) && (await keys.verifyPin(pan, pin, stored)));
  return result === 'unreadable' ? 'wrong' : result;
}

/**
 * For the ISO 8583 link: check a PIN block (DE 52, under the zone PIN key) through the key provider, counting
 * wrong tries as verifyPin does. A block that does not decode (`unreadable`: another key or PAN) counts no try:
 * a key set up wrong on one side must not block every card that crosses the link.
 */
export async function verifyPinBlock(tx: Tx, keys: KeyProvider, cardId: string, pinBlock: Buffer, at: Date): Promise<PinVerification | 'unreadable'> {
  return countPinTry(tx, keys, cardId, at, async (pan, stored) => {
    const v = await keys.verifyPinBlock(pan, pinBlock, stored);
    return v === 'format_error' ? 'unreadable' : v === 'ok';
  });
}

async function countPinTry(
  tx: Tx, keys: KeyProvider, cardId: string, at: Date, check: (pan: string, stored: PinOffset) => Promise<boolean | 'unreadable'>,
): Promise<PinVerification | 'unreadable'> {
  const { rows } = await tx.query<store.CardRow>('SELECT * FROM cards WHERE id = $1 FOR UPDATE', [cardId]);
  const row = rows[0];
  if (!row) throw notFound('card', 'cardId');
  if (row.pin_offset === null || row.pin_pvki === null) return 'not_set';
  if (row.pin_blocked) return 'blocked';
  const pan = await keys.decryptPan(row.pan_sealed, row.id);
  const ok = await check(pan, { offset: row.pin_offset, pvki: row.pin_pvki });
  if (ok === 'unreadable') return 'unreadable';
  if (ok) {
    if (row.pin_tries > 0) await store.updateCard(tx, row.id, { pin_tries: 0 }, at);
    return 'ok';
  }
  const tries = row.pin_tries + 1;
  await store.updateCard(tx, row.id, { pin_tries: tries, pin_blocked: tries >= PIN_TRIES_MAX }, at);
  return tries >= PIN_TRIES_MAX ? 'blocked' : 'wrong';
}

/** The job: cards past the end of their expiry month become EXPIRED. Returns how many. */
export async function expireCards(tx: Tx, now: Date, limit = 1000): Promise<number> {
  const { rows } = await tx.query<store.CardRow>(
    `SELECT * FROM cards WHERE status IN ('PENDING_ACTIVATION', 'ACTIVE', 'INACTIVE') AND (exp_year * 12 + exp_month) < $1
     ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`, [now.getUTCFullYear() * 12 + now.getUTCMonth() + 1, limit]);
  for (const row of rows) await applyStatus(tx, store.toCard(row), 'expire', { actor: 'system', origin: null, at: now });
  return rows.length;
}

export function isExpired(card: Card, now: Date): boolean {
  return monthsUntilExpiry(card.expYear, card.expMonth, now) < 0;
}
