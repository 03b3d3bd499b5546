import type { Queryable, Tx } from '../../db/index.ts';
import { expiryYYMM } from '../../crypto/index.ts';
import { DomainError } from '../../lib/errors.ts';
import { formatMinor } from '../../lib/money.ts';
import { isId } from '../../lib/ids.ts';
import type { Scope } from '../../merchants/index.ts';
import {
  createCustomer, findCustomerByEmail, getCustomer, updateCustomer, type Customer, type CustomerInput, type CustomerPolicy, type Owner,
} from '../../customers/index.ts';
import { getKyc, submitKyc, type IdentificationType } from '../../kyc/index.ts';
import { ensureAccount, ledgerOf } from '../../accounts/index.ts';
import {
  activatePhysical, assignFromStock, changeCardStatus, getCard, revealCard, setPin, type Card, type CardContext,
} from '../../cards/index.ts';
import { cardBalance, closeCard, fundCard } from '../../funding/index.ts';
import { getTransaction, listTransactions, type Transaction } from '../../transactions/index.ts';
import { PAGE_SIZE_DEFAULT, type ApiCode } from './fields.ts';
import { amountNumber, kazeCardStatus, kazeTransaction, kazeTransactionStatus, parseAmount, parseKazeTime } from './present.ts';

/**
 * Each apiCode of seed 003 as calls to Tessera's modules, inside the
 * transaction that also claims the requestNo. No business rule lives here:
 * the modules validate, move money through the ledger, run the card state
 * machine and write the audit log; this file only translates shapes.
 */

/** What the gateway knows about the caller: the sysId's merchant and mode, and the scopes of the key that registered it. */
export interface GatewayContext extends CardContext {
  owner: Owner;
  scopes: readonly Scope[];
  policy: CustomerPolicy;
}

export type Result = Record<string, unknown> | Record<string, unknown>[];
/** A failure that must still commit (a wrong activation code counts a try): answered FAILED, transaction kept. */
export type Outcome = { result: Result } | { failure: DomainError };

type Fields = Record<string, unknown>;
type Handler = (tx: Tx, g: GatewayContext, f: Fields) => Promise<Outcome>;

const ok = (result: Result): Outcome => ({ result });
const s = (f: Fields, k: string) => f[k] as string;
const opt = (f: Fields, k: string) => f[k] as string | undefined;

async function scaleOf(q: Queryable, currency: string): Promise<number> {
  const ledger = await ledgerOf(q, currency);
  if (!ledger) throw new DomainError('parameter_invalid', `Currency ${currency} is not supported.`, 'currency');
  return ledger.scale;
}

async function customerByEmail(q: Queryable, owner: Owner, email: string): Promise<Customer> {
  const customer = await findCustomerByEmail(q, owner, email);
  if (!customer) throw new DomainError('resource_not_found', 'No customer has this email; send setUcardKyc first.', 'email');
  return customer;
}

/** The card's status in KazePay's words (closed cards with pending holds are still CLOSE_PROCESSING). */
async function statusOf(q: Queryable, owner: Owner, card: Card): Promise<string> {
  const holds = card.status === 'CLOSED' ? (await cardBalance(q, owner, card.id)).pendingHolds : 0n;
  return kazeCardStatus(card.status, holds);
}

function checkCurrency(card: Card, currency: string | undefined): void {
  if (currency !== undefined && currency !== card.currency) {
    throw new DomainError('parameter_invalid', `The card is in ${card.currency}; \`currency\` must be ${card.currency}.`, 'currency');
  }
}

/** KazePay's 18 fields → the native customer (SPEC §1) and KYC submission. */
function customerInput(f: Fields): CustomerInput {
  return {
    firstName: s(f, 'firstName'), lastName: s(f, 'lastName'), email: s(f, 'email'),
    phonePrefix: s(f, 'mobilePrefix'), phoneNumber: s(f, 'mobileNumber'), phoneCountry: s(f, 'mobilePrefixCountry'),
    dateOfBirth: s(f, 'dateOfBirth'),
    address: { line1: s(f, 'addressLine'), city: s(f, 'city'), state: s(f, 'state'), postal_code: s(f, 'postCode'), country: s(f, 'countryCode') },
  };
}

/**
 * setUcardKyc: the customer with this email is created if there is none, or
 * updated with the fields sent while its KYC can still be (re)submitted
 * (NOT_STARTED, REJECTED); then the KYC is submitted. A customer WAITING_KYC
 * or PASSED is left as it is, and submitKyc refuses.
 */
const setUcardKyc: Handler = async (tx, g, f) => {
  const input = customerInput(f);
  let customer = await findCustomerByEmail(tx, g.owner, input.email);
  if (!customer) {
    customer = await createCustomer(tx, g.owner, input, g.policy, g);
  } else if (customer.kycStatus === 'NOT_STARTED' || customer.kycStatus === 'REJECTED') {
    customer = await updateCustomer(tx, g.owner, customer.id, { ...input, email: undefined }, g.policy, g);
  }
  const { customer: submitted } = await submitKyc(tx, g.keys, g.owner, customer.id, {
    identificationType: s(f, 'identificationType') as IdentificationType, identificationNumber: s(f, 'identificationNumber'),
    identificationExpiryDate: s(f, 'identificationExpiryDate'),
    frontImage: s(f, 'frontImgBase64'), ...(opt(f, 'backImgBase64') ? { backImage: s(f, 'backImgBase64') } : {}),
    handheldImage: s(f, 'handheldImgBase64'),
  }, g);
  return ok({ encrypt: 'SUCCESS', status: submitted.kycStatus });
};

/** NOT_STARTED (a customer created through the native API, no KYC yet) is answered as such; SPEC §1 adds it to the document's three. */
const queryUcardKycStatus: Handler = async (tx, g, f) => {
  const customer = await customerByEmail(tx, g.owner, s(f, 'email'));
  const { customer: current } = await getKyc(tx, g.owner, customer.id);
  return ok({ encrypt: 'SUCCESS', status: current.kycStatus });
};

/** The customer's USD account (accounts.ensure: the one KrezyPay and the native API see too), then the stock card by its number. */
const ucardAssign: Handler = async (tx, g, f) => {
  const customer = await customerByEmail(tx, g.owner, s(f, 'email'));
  const account = await ensureAccount(tx, g.owner, customer.id, 'USD', g);
  const card = await assignFromStock(tx, g.owner, { accountId: account.id, cardNumber: s(f, 'cardNumber'), autoActivate: f.autoActive as boolean }, g);
  return ok({ encrypt: 'SUCCESS', cardID: card.id });
};

const ucardActive: Handler = async (tx, g, f) => {
  const outcome = await activatePhysical(tx, g.owner, s(f, 'cardID'), s(f, 'activationCode'), g);
  if ('failure' in outcome) return outcome;
  return ok({ encrypt: 'SUCCESS', cardID: outcome.card.id, status: await statusOf(tx, g.owner, outcome.card) });
};

const cardSetPin: Handler = async (tx, g, f) => {
  await setPin(tx, g.owner, s(f, 'cardID'), s(f, 'pin'), g);
  return ok({ encrypt: 'SUCCESS' });
};

/** A reveal (audited by revealCard, limited per key by the gateway); the CVV only for virtual cards, as the document says. */
const queryCard: Handler = async (tx, g, f) => {
  const { card, number, cvv } = await revealCard(tx, g.owner, s(f, 'cardID'), g);
  const customer = await getCustomer(tx, g.owner, card.customerId);
  return ok({
    encrypt: 'SUCCESS', cardID: card.id, cardNo: number, ...(card.type === 'virtual' ? { cardCvv: cvv } : {}),
    expiryDate: expiryYYMM(card.expYear, card.expMonth), currency: card.currency, userBankCardStatus: await statusOf(tx, g.owner, card),
    cardHolderEmail: customer.email, cardHolderMobileNumber: customer.phoneNumber, cardHolderMobilePrefix: customer.phonePrefix,
    countryCode: card.billingAddress.country, billingState: card.billingAddress.state, billingCity: card.billingAddress.city,
    billingAddress: card.billingAddress.line1, billingZipCode: card.billingAddress.postal_code,
  });
};

/** avaBalance: what the card can spend; blockBalance: what is held (pending authorizations) or reserved (authorization balance). */
const cardBalanceCode: Handler = async (tx, g, f) => {
  const card = await getCard(tx, g.owner, s(f, 'cardID'));
  checkCurrency(card, opt(f, 'currency'));
  const b = await cardBalance(tx, g.owner, card.id);
  const scale = await scaleOf(tx, card.currency);
  return ok({
    encrypt: 'SUCCESS', cardID: card.id, currency: card.currency,
    avaBalance: amountNumber(b.available, scale), blockBalance: amountNumber(b.pendingHolds + b.authorizationBalance, scale),
  });
};

const cardRecharge: Handler = async (tx, g, f) => {
  const card = await getCard(tx, g.owner, s(f, 'cardID'));
  checkCurrency(card, opt(f, 'currency'));
  const scale = await scaleOf(tx, card.currency);
  const amount = parseAmount(s(f, 'amount'), scale);
  const txn = await fundCard(tx, g.owner, card.id, amount, g);
  return ok({
    encrypt: 'SUCCESS', cardID: card.id, currency: card.currency, transactionId: txn.id,
    transactionStatus: kazeTransactionStatus(txn.status), sendAmount: formatAmount(txn.amount, scale),
  });
};

/** The document's decimal strings ("5000.00", "65.22"). */
const formatAmount = (minor: bigint, scale: number) => formatMinor(minor, scale);

/**
 * The card's transactions, newest first. Pages are numbered (pageNum 1–10 of
 * pageSize 1–100): the query skips the earlier pages in SQL (at most 900 rows).
 */
const queryTransactions: Handler = async (tx, g, f) => {
  const card = await getCard(tx, g.owner, s(f, 'cardID'));
  const scale = await scaleOf(tx, card.currency);
  const present = async (t: Transaction) => kazeTransaction(t, scale, t.merchantCurrency ? await scaleOf(tx, t.merchantCurrency) : scale);
  const wanted = opt(f, 'transactionId');
  if (wanted !== undefined) {
    const t = isId('transaction', wanted) ? await getTransaction(tx, g.owner, wanted).catch(() => null) : null;
    return ok(t && t.cardId === card.id ? [await present(t)] : []);
  }
  const time = (field: string) => {
    const text = opt(f, field);
    if (text === undefined) return undefined;
    const d = parseKazeTime(text);
    if (!d) throw new DomainError('parameter_invalid', `\`${field}\` is not a real time (yyyy-MM-dd HH:mm:ss, UTC).`, field);
    return d;
  };
  const size = (f.pageSize as number | undefined) ?? PAGE_SIZE_DEFAULT;
  const num = (f.pageNum as number | undefined) ?? 1;
  const filter = { cardId: card.id, createdGte: time('transactionStartTime'), createdLte: time('transactionEndTime') };
  const page = await listTransactions(tx, g.owner, filter, size, null, size * (num - 1));
  return ok(await Promise.all(page.data.map(present)));
};

const updCardStatus: Handler = async (tx, g, f) => {
  const card = await changeCardStatus(tx, g.owner, s(f, 'cardID'), f.status === 'ACTIVE' ? 'activate' : 'deactivate', g);
  return ok({ encrypt: 'SUCCESS', cardID: card.id, status: await statusOf(tx, g.owner, card) });
};

/** Everything spendable goes back to the merchant's wallet (funding.closeCard); refundAmt as the document's "65.22". */
const closeCardCode: Handler = async (tx, g, f) => {
  const { card, refunded, transaction } = await closeCard(tx, g.owner, s(f, 'cardID'), g);
  const scale = await scaleOf(tx, card.currency);
  return ok({
    encrypt: 'SUCCESS', cardID: card.id, status: await statusOf(tx, g.owner, card), refundAmt: formatAmount(refunded, scale),
    currency: card.currency, txnId: transaction.id,
  });
};

/** Which scope of the registering key each apiCode needs (queryCard is a reveal: SPEC §5). */
export const API: Record<ApiCode, { scope: Scope; run: Handler }> = {
  setUcardKyc: { scope: 'write', run: setUcardKyc },
  queryUcardKycStatus: { scope: 'read', run: queryUcardKycStatus },
  ucardAssign: { scope: 'write', run: ucardAssign },
  ucardActive: { scope: 'write', run: ucardActive },
  cardSetPin: { scope: 'write', run: cardSetPin },
  queryCard: { scope: 'cards:reveal', run: queryCard },
  cardBalance: { scope: 'read', run: cardBalanceCode },
  cardRecharge: { scope: 'write', run: cardRecharge },
  queryTransactions: { scope: 'read', run: queryTransactions },
  updCardStatus: { scope: 'write', run: updCardStatus },
  closeCard: { scope: 'write', run: closeCardCode },
};
