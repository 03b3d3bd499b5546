import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import type { Queryable, Tx } from '../db/index.ts';
import type { KeyProvider } from '../crypto/index.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { isId, newId } from '../lib/ids.ts';
import type { ActionContext } from '../lib/context.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';
import { appendEvent } from '../events/index.ts';
import { getCustomer } from '../customers/index.ts';
import { requireCountryEnabled } from '../countries/index.ts';
import {
  applyDeliveryReport as applyNotificationReport, customerPhone, failStoredNotification, sendNotification, type StatusChange,
} from '../notifications/index.ts';
import { countSegments, type SegmentCount } from './segments.ts';
import { priceFor } from './pricing.ts';
import { isNumberBlocked } from './blocklist.ts';
import { holdSmsPrice, resolveSmsPrice } from './ledger.ts';
import { presentSms } from './present.ts';
import * as store from './store.ts';
import type { Owner, Sms, SmsInput, SmsPrice, SmsStatus } from './types.ts';

export * from './types.ts';
export { countSegments, GSM7_PART, GSM7_SINGLE, UCS2_PART, UCS2_SINGLE, type SegmentCount } from './segments.ts';
export { listPrices, priceFor, setPrices, smsCountries, SMS_PRICES_MAX, SMS_PRICE_PER_SEGMENT_MAX, type PriceInput } from './pricing.ts';
export { blockNumber, isNumberBlocked, listBlockedNumbers, unblockNumber, BLOCKED_NUMBERS_PAGE_MAX } from './blocklist.ts';
export { presentSms, type PresentedSms } from './present.ts';

/**
 * Merchants' SMS to their customers (issue 14 §2), over the notification
 * channel, charged to the wallet: the price (segments × the operator's price
 * per segment for the destination) is held when the message is accepted,
 * posted when the provider reports it delivered, released when it fails.
 * Sandbox: the sandbox channel delivers at once into the outbox, except to
 * SANDBOX_FAILING_NUMBER, which fails. The text is sealed in its
 * notification; it is never logged, returned or stored in clear.
 */

/**
 * Why 10 segments (1,530 GSM-7 characters, 670 UCS-2 code units): handsets
 * reassemble longer messages unreliably, and providers advise staying under it
 * (Twilio sends at most 10 segments per message).
 */
export const SMS_SEGMENTS_MAX = 10;
/** Why 1,600: Twilio's documented limit on a message body, and a bound on the request before segments are counted. */
export const SMS_TEXT_LENGTH_MAX = 1600;
/** Why 60 a minute: about one a second, a provider's default throughput for one sending number; operators raise it. */
export const SMS_PER_MINUTE_DEFAULT = 60;
/**
 * A fictional number (NANP 555-0100…0199 are reserved for fiction) that the
 * sandbox channel always fails, so that merchants can test the failure path.
 */
export const SANDBOX_FAILING_NUMBER = '+14155550100';
/**
 * Why 72 hours: a provider bills a message it sent whether or not the carrier
 * ever reports delivery, and many carriers never do; after this long without a
 * report the held price is posted and the message stays `sent`.
 */
export const SMS_REPORT_WAIT_MS = 72 * 3_600_000;
/** Messages settled per pass of that job. */
const SILENT_BATCH = 100;

export interface SmsPolicy {
  /** A live SMS provider is configured; without one, live SMS are refused (sandbox needs none). */
  liveProvider: boolean;
  /** Messages per merchant and mode per minute. */
  perMinute: number;
}

const RANK: Record<SmsStatus, number> = { queued: 0, sent: 1, delivered: 2, failed: 2 };

/** The number in E.164 and its country, when it is a mobile number (libphonenumber's mobile metadata). */
function mobileNumber(text: string): { number: string; country: string } | null {
  if (!/^\+[1-9][0-9]{6,14}$/.test(text)) return null;
  const parsed = parsePhoneNumberFromString(text);
  return parsed?.isValid() && parsed.country ? { number: parsed.number, country: parsed.country } : null;
}

async function recipientOf(q: Queryable, owner: Owner, input: SmsInput): Promise<{ to: string; country: string; customerId: string | null }> {
  if ((input.to === undefined) === (input.customerId === undefined)) {
    throw new DomainError('parameter_invalid', 'Send either `to` (E.164) or `customer_id`, not both.', input.to === undefined ? 'to' : 'customer_id');
  }
  if (input.customerId !== undefined) {
    const customer = await getCustomer(q, owner, input.customerId).catch((err: unknown) => {
      throw err instanceof DomainError && err.code === 'resource_not_found' ? notFound('customer', 'customer_id') : err;
    });
    const mobile = mobileNumber(customerPhone(customer));
    if (!mobile) throw new DomainError('parameter_invalid', "The customer's phone number is not a mobile number: it cannot receive SMS.", 'customer_id');
    return { to: mobile.number, country: mobile.country, customerId: customer.id };
  }
  const mobile = mobileNumber(input.to!);
  if (!mobile) {
    throw new DomainError('parameter_invalid',
      '`to` must be a mobile number in E.164: + and the country code, then up to 14 digits, such as +14155552671.', 'to');
  }
  return { to: mobile.number, country: mobile.country, customerId: null };
}

/** The text's segments, or a 400 naming `param` when it is empty or longer than SMS_SEGMENTS_MAX. */
function countedText(text: string, param: string): SegmentCount {
  const count = countSegments(text);
  if (text.length === 0 || count.segments > SMS_SEGMENTS_MAX) {
    throw new DomainError('parameter_invalid', `\`${param}\` must be 1 to ${SMS_SEGMENTS_MAX} segments (up to 1530 GSM-7 characters, `
      + `or 670 UTF-16 code units once it needs UCS-2); this one is ${count.segments} ${count.encoding} segments.`, param);
  }
  return count;
}

/** The price per segment to a country; a 422 country_not_supported when the operator switched SMS off there or set no price. */
async function destinationPrice(q: Queryable, owner: Owner, country: string, param: string): Promise<SmsPrice> {
  await requireCountryEnabled(q, country, 'sms', param);
  const price = await priceFor(q, owner.mode, country);
  if (!price) {
    throw new DomainError('country_not_supported', `SMS to ${country} has no price in ${owner.mode}: see GET /v1/sms/countries.`, param,
      { country, service: 'sms' });
  }
  return price;
}

/** Refuses, with `details.retryAfterSeconds`, a merchant over its rate; holds the merchant's send lock to commit. */
async function checkRate(tx: Tx, owner: Owner, perMinute: number, at: Date): Promise<void> {
  await store.lockMerchantSends(tx, owner);
  const sent = await store.countSince(tx, owner, new Date(at.getTime() - 60_000));
  if (sent >= perMinute) {
    throw new DomainError('rate_limited', `At most ${perMinute} SMS a minute; retry after the time in Retry-After.`, undefined, { retryAfterSeconds: 60 });
  }
}

/**
 * Send an SMS: checks in the order a merchant can act on them (recipient,
 * text, provider, block list, country, price, rate, funds), then holds the
 * price, queues the message and answers it `queued` (live) or already
 * `delivered` / `failed` (sandbox). Nothing is written when a check fails.
 */
export async function sendSms(tx: Tx, keys: KeyProvider, owner: Owner, input: SmsInput, policy: SmsPolicy, ctx: ActionContext): Promise<Sms> {
  const recipient = await recipientOf(tx, owner, input);
  const { encoding, segments } = countedText(input.text, 'text');
  if (owner.mode === 'live' && !policy.liveProvider) {
    throw new DomainError('sms_unavailable', 'Live SMS are not available on this installation: the operator has not configured an SMS provider.');
  }
  const param = recipient.customerId ? 'customer_id' : 'to';
  if (await isNumberBlocked(tx, recipient.to)) throw new DomainError('recipient_blocked', 'The operator does not allow SMS to this number.', param);
  const price = await destinationPrice(tx, owner, recipient.country, param);
  await checkRate(tx, owner, policy.perMinute, ctx.at);

  const id = newId('sms');
  const amount = price.pricePerSegment * BigInt(segments);
  await holdSmsPrice(tx, owner, { id, currency: price.currency, price: amount }, ctx.at);
  const notificationId = await sendNotification(tx, keys, {
    ...owner, customerId: recipient.customerId, channel: 'sms', recipient: recipient.to, kind: 'sms', body: input.text, at: ctx.at,
  });
  const sms: Sms = {
    id, ...owner, customerId: recipient.customerId, notificationId, to: recipient.to, country: recipient.country, encoding, segments,
    price: amount, currency: price.currency, status: 'queued', failureReason: null, settledAt: null, createdAt: ctx.at, updatedAt: ctx.at,
  };
  await store.insertSms(tx, sms);
  if (owner.mode === 'live') return sms;
  // The sandbox channel: the outbox is the handset.
  if (recipient.to === SANDBOX_FAILING_NUMBER) {
    const reason = `the sandbox fails every message to ${SANDBOX_FAILING_NUMBER}`;
    await failStoredNotification(tx, notificationId, reason, ctx.at);
    return moveSms(tx, sms, 'failed', reason, ctx.at);
  }
  return moveSms(tx, sms, 'delivered', null, ctx.at);
}

/** Move a message forward (never back) and its money with it: posted on delivery, released on failure, once. */
async function moveSms(tx: Tx, sms: Sms, status: 'sent' | 'delivered' | 'failed', reason: string | null, at: Date): Promise<Sms> {
  if (RANK[status] <= RANK[sms.status]) return sms;
  const updated: Sms = { ...sms, status, updatedAt: at, failureReason: status === 'failed' ? reason ?? 'the provider reported a failure' : null };
  if (status !== 'sent' && sms.settledAt === null) {
    await resolveSmsPrice(tx, sms, status === 'delivered' ? 'post' : 'void', at);
    updated.settledAt = at;
  }
  await store.updateSms(tx, updated);
  if (status !== 'sent') await appendEvent(tx, { merchantId: sms.merchantId, mode: sms.mode, type: `sms.${status}`, object: presentSms(updated), at });
  return updated;
}

/**
 * The notification dispatcher's status hook: a message the merchant pays for
 * follows its notification. Other messages (activation codes, KYC results)
 * have no SMS row and are left alone.
 */
export async function settleSms(tx: Tx, change: StatusChange): Promise<void> {
  const sms = await store.selectSmsByNotification(tx, change.notificationId);
  if (sms) await moveSms(tx, sms, change.status, change.reason, change.at);
}

/**
 * A provider's delivery report (Twilio's status callback), for any message it
 * took: the notification moves, and an SMS's money with it. False when no
 * message has that provider id.
 */
export async function applyDeliveryReport(
  tx: Tx, provider: string, providerMessageId: string, status: 'sent' | 'delivered' | 'failed', reason: string | null, at: Date,
): Promise<boolean> {
  const change = await applyNotificationReport(tx, provider, providerMessageId, status, reason, at);
  if (change === undefined) return false;
  if (change) await settleSms(tx, change);
  return true;
}

/** Post the held price of messages sent SMS_REPORT_WAIT_MS ago without a report (see there); their status stays `sent`. */
export async function settleSilentSms(tx: Tx, now: Date): Promise<number> {
  const silent = await store.selectSilent(tx, new Date(now.getTime() - SMS_REPORT_WAIT_MS), SILENT_BATCH);
  for (const sms of silent) {
    await resolveSmsPrice(tx, sms, 'post', now);
    await store.updateSms(tx, { ...sms, settledAt: now });
  }
  return silent.length;
}

export interface SmsEstimate {
  /** When a text was given. */
  segments: ReturnType<typeof countSegments> | null;
  /** When a country was given: its price per segment (null when SMS cannot go there in this mode). */
  price: { pricePerSegment: bigint; currency: string } | null;
  /** segments × price, when both are known. */
  total: bigint | null;
}

/** What a text to a country would cost, counted as sendSms counts it; moves nothing. */
export async function estimateSms(q: Queryable, owner: Owner, input: { country?: string; text?: string }): Promise<SmsEstimate> {
  const segments = input.text === undefined ? null : countedText(input.text, 'text');
  let price: SmsEstimate['price'] = null;
  if (input.country !== undefined) {
    const row = await destinationPrice(q, owner, input.country, 'country');
    price = { pricePerSegment: row.pricePerSegment, currency: row.currency };
  }
  return { segments, price, total: segments && price ? price.pricePerSegment * BigInt(segments.segments) : null };
}

export async function getSms(q: Queryable, owner: Owner, id: string): Promise<Sms> {
  const sms = isId('sms', id) ? await store.selectSms(q, owner, id) : null;
  if (!sms) throw notFound('SMS', 'id');
  return sms;
}

export async function listSms(q: Queryable, owner: Owner, status: SmsStatus | null, page: PageRequest): Promise<Page<Sms>> {
  return toPage(await store.selectSmsPage(q, owner, status, page.limit + 1, page.startingAfter), page.limit);
}
