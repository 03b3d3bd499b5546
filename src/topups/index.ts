import type { Queryable, Tx } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import type { ActionContext } from '../lib/context.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { isId, newId } from '../lib/ids.ts';
import { isCountryCode } from '../lib/countries.ts';
import { parseRate } from '../lib/money.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';
import type { Mode } from '../merchants/index.ts';
import { ledgerOf } from '../accounts/index.ts';
import { appendAudit } from '../audit/index.ts';
import { requireCountryEnabled } from '../countries/index.ts';
import { holdTopupMoney } from './ledger.ts';
import { mobileNumberOf, phoneFormatOf } from './phone.ts';
import { checkAmount, currencyScale, priceOf } from './pricing.ts';
import type { TopupProviders } from './providers/index.ts';
import * as store from './store.ts';
import type { Owner, PhoneFormat, Topup, TopupEstimate, TopupProduct, TopupProductInput, TopupRequest, TopupStatus } from './types.ts';

/**
 * Airtime top-up (SPEC §9, issue 14 §1): the operator's catalogue of products
 * per country and mobile operator, estimates, and top-ups that hold their
 * price and fee on the merchant wallet until the provider answers (the jobs
 * leader hands them over: process.ts). Wire shapes live in http/ and compat/;
 * presentTopup is the one shape of both the API and the events.
 */

export * from './types.ts';
export { presentTopup, type PresentedTopup } from './present.ts';
export { processDueTopups, TOPUP_JOB_INTERVAL_MS, TOPUP_RESOLVE_DEADLINE_MS, type TopupJobDeps, type TopupJobReport } from './process.ts';
export {
  topupProviders, sandboxProvider, ReloadlyProvider, SANDBOX_FAILING_SUFFIX, SANDBOX_TOPUP_DELAY_MS,
  type ProviderAnswer, type ProviderTopup, type TopupProvider, type TopupProviders,
} from './providers/index.ts';
export { currencyScale } from './pricing.ts';
export { PHONE_TEXT_LENGTH_MAX } from './phone.ts';

/**
 * Why 1,000: a catalogue names each operator of each country once; the
 * largest providers list about 800 operators worldwide.
 */
export const TOPUP_PRODUCTS_MAX = 1_000;
/** Why 50: a product sells a handful of fixed amounts; a longer list is a range. */
export const TOPUP_DENOMINATIONS_MAX = 50;

const invalid = (param: string, message: string) => new DomainError('parameter_invalid', message, param);

export async function listTopupProducts(q: Queryable, mode: Mode | null): Promise<TopupProduct[]> {
  return store.selectProducts(q, { mode });
}

/** Every way a product can be wrong, checked before anything is written. */
async function checkProduct(q: Queryable, p: TopupProductInput, at: string): Promise<void> {
  if (!isCountryCode(p.country)) throw invalid(`${at}.country`, `\`${at}.country\` must be an ISO 3166-1 alpha-2 code in capitals.`);
  if (!/^[\x21-\x7e](?:[\x20-\x7e]{0,62}[\x21-\x7e])?$/.test(p.operator)) {
    throw invalid(`${at}.operator`, `\`${at}.operator\` must be 1 to 64 printable ASCII characters, without leading or trailing spaces.`);
  }
  if (currencyScale(p.currency) === null) throw invalid(`${at}.currency`, `\`${at}.currency\` must be an ISO 4217 code such as XAF.`);
  if (!(await ledgerOf(q, p.walletCurrency))) {
    throw invalid(`${at}.wallet_currency`, `\`${at}.wallet_currency\` ${p.walletCurrency} is not a currency Tessera keeps wallets in.`);
  }
  if (parseRate(p.rate) === null) {
    throw invalid(`${at}.rate`, `\`${at}.rate\` must be a positive decimal with at most 12 digits before and 12 after the point, such as "0.0017".`);
  }
  const range = p.minAmount !== null || p.maxAmount !== null;
  if ((p.denominations === null) === !range) {
    throw invalid(`${at}.denominations`, `\`${at}\` takes either \`denominations\` or both \`min_amount\` and \`max_amount\`.`);
  }
  if (p.denominations !== null) {
    if (p.denominations.length === 0) throw invalid(`${at}.denominations`, `\`${at}.denominations\` must not be empty.`);
    if (p.denominations.some((d, i) => i > 0 && d <= p.denominations![i - 1]!)) {
      throw invalid(`${at}.denominations`, `\`${at}.denominations\` must be ascending, each amount once.`);
    }
  } else if (p.minAmount === null || p.maxAmount === null) {
    throw invalid(`${at}.${p.minAmount === null ? 'min_amount' : 'max_amount'}`, `\`${at}\` takes both \`min_amount\` and \`max_amount\`.`);
  } else if (p.minAmount > p.maxAmount) {
    throw invalid(`${at}.min_amount`, `\`${at}.min_amount\` must not exceed \`max_amount\`.`);
  }
}

/**
 * The operator replaces a mode's whole catalogue (an empty list withdraws
 * top-ups from that mode). Two products for one country and operator are
 * refused; the change is audited.
 */
export async function replaceTopupProducts(tx: Tx, mode: Mode, products: readonly TopupProductInput[], ctx: ActionContext): Promise<TopupProduct[]> {
  const seen = new Set<string>();
  for (const [i, p] of products.entries()) {
    await checkProduct(tx, p, `products.${i}`);
    const key = `${p.country}:${p.operator.toLowerCase()}`;
    if (seen.has(key)) throw invalid(`products.${i}.operator`, `\`products.${i}\` repeats ${p.operator} in ${p.country}.`);
    seen.add(key);
  }
  await store.replaceProducts(tx, mode, products, ctx.at);
  await appendAudit(tx, {
    ...ctx, action: 'topup_products.replace', target: mode, result: 'success',
    details: { mode, products: products.map((p) => `${p.country}:${p.operator}`) },
  });
  return store.selectProducts(tx, { mode });
}

/** What can be bought in a country, and how its numbers are written. */
export async function topupSchema(q: Queryable, owner: Owner, country: string): Promise<{ country: string; products: TopupProduct[]; phoneFormat: PhoneFormat | null }> {
  await requireCountryEnabled(q, country, 'topup', 'country');
  return { country, products: await store.selectProducts(q, { mode: owner.mode, country }), phoneFormat: phoneFormatOf(country) };
}

/** The product a merchant names (operator names compare without case), or a 400 naming the operator. */
export async function findTopupProduct(q: Queryable, owner: Owner, country: string, operator: string): Promise<TopupProduct> {
  await requireCountryEnabled(q, country, 'topup', 'country');
  const product = await store.selectProduct(q, owner.mode, country, operator);
  if (!product) {
    throw invalid('operator', `No top-up product for ${JSON.stringify(operator.slice(0, 64))} in ${country}; GET /v1/topups/schema?country=${country} lists the operators.`);
  }
  return product;
}

/** Price, fee and total of a top-up, checked as sending it would be; moves nothing. */
export async function estimateTopup(q: Queryable, owner: Owner, request: TopupRequest): Promise<TopupEstimate> {
  const product = await findTopupProduct(q, owner, request.country, request.operator);
  checkAmount(product, request.amount);
  const phone = mobileNumberOf(request.phone, product.country);
  const walletLedger = await ledgerOf(q, product.walletCurrency);
  if (!walletLedger) throw new Error(`catalogue wallet currency ${product.walletCurrency} has no ledger`);
  return { product, phone, amount: request.amount, ...priceOf(product, request.amount, walletLedger.scale) };
}

export interface TopupEnv {
  providers: TopupProviders;
  /** The real clock: when the provider is first asked is real time, whatever the merchant's sandbox clock says. */
  clock: Clock;
}

/**
 * Send a top-up: validate and price it, hold price + fee on the wallet
 * (422 insufficient_funds, nothing moved, when it cannot), and record it
 * `pending` for the jobs leader to hand to the provider of the key's mode.
 */
export async function createTopup(tx: Tx, owner: Owner, request: TopupRequest, ctx: ActionContext, env: TopupEnv): Promise<Topup> {
  const provider = owner.mode === 'sandbox' ? env.providers.sandbox : env.providers.live;
  if (!provider) {
    throw new DomainError('topup_unavailable', 'Live top-ups are not available: the operator has not configured a top-up provider.');
  }
  const e = await estimateTopup(tx, owner, request);
  const id = newId('topup');
  await holdTopupMoney(tx, owner, { id, walletCurrency: e.product.walletCurrency, price: e.price, fee: e.fee }, ctx.at);
  return store.insertTopup(tx, {
    id, merchantId: owner.merchantId, mode: owner.mode, country: e.product.country, operator: e.product.operator,
    providerOperatorId: e.product.providerOperatorId, phone: e.phone, amount: e.amount, currency: e.product.currency, price: e.price,
    fee: e.fee, walletCurrency: e.product.walletCurrency, provider: provider.name,
    nextAttemptAt: new Date(env.clock.now().getTime() + provider.firstAttemptDelayMs), createdAt: ctx.at,
  });
}

export async function getTopup(q: Queryable, owner: Owner, id: string): Promise<Topup> {
  const topup = isId('topup', id) ? await store.selectTopup(q, owner, id) : null;
  if (!topup) throw notFound('top-up', 'id');
  return topup;
}

export async function listTopups(q: Queryable, owner: Owner, filter: { status: TopupStatus | null }, page: PageRequest): Promise<Page<Topup>> {
  return toPage(await store.selectTopups(q, owner, filter, page.limit, page.startingAfter), page.limit);
}
