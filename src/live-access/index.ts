import type { Queryable, Tx } from '../db/index.ts';
import { appendAudit } from '../audit/index.ts';
import { appendEvent, type EventType } from '../events/index.ts';
import { isCountryCode } from '../lib/countries.ts';
import type { ActionContext } from '../lib/context.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { isId, newId } from '../lib/ids.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';
import { getMerchant, grantLiveAccess } from '../merchants/index.ts';
import * as store from './store.ts';
import { presentLiveAccessRequest } from './present.ts';
import {
  BUSINESS_NAME_LENGTH_MAX, REJECTION_REASON_LENGTH_MAX, USE_CASE_LENGTH_MAX, WEBSITE_LENGTH_MAX,
  type LiveAccessFilter, type LiveAccessInput, type LiveAccessRequest,
} from './types.ts';

export * from './types.ts';
export { presentLiveAccessRequest, type PresentedLiveAccessRequest } from './present.ts';

/**
 * Production access (issue 14 §4): a merchant asks, with a sandbox key, since
 * its live keys do not work yet; the operator approves, which grants live
 * access exactly as POST /admin/v1/merchants/{id}/live_access does, or
 * rejects with a reason, after which the merchant may ask again. One request
 * waits at a time. Requests belong to the merchant, not to a mode; their
 * events go to the sandbox, the mode the merchant is working in while it waits.
 */

// Control characters would reach the operator's screen and logs as they are; a tab or a line break in a use case is prose.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

function text(value: string, param: string, max: number, multiline = false): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new DomainError('parameter_missing', `\`${param}\` must not be blank.`, param);
  if (trimmed.length > max) throw new DomainError('parameter_invalid', `\`${param}\` is longer than ${max} characters.`, param);
  if (CONTROL.test(trimmed) || (!multiline && /[\t\r\n]/.test(trimmed))) {
    throw new DomainError('parameter_invalid', `\`${param}\` contains control characters.`, param);
  }
  return trimmed;
}

function website(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new DomainError('parameter_invalid', '`website` must be an absolute http or https URL.', 'website');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname.includes('.') || url.username || url.password) {
    throw new DomainError('parameter_invalid', '`website` must be an http or https URL of a public host name, without credentials.', 'website');
  }
  if (url.href.length > WEBSITE_LENGTH_MAX) throw new DomainError('parameter_invalid', `\`website\` is longer than ${WEBSITE_LENGTH_MAX} characters.`, 'website');
  return url.href;
}

function checkInput(input: LiveAccessInput): LiveAccessInput {
  if (!isCountryCode(input.country)) {
    throw new DomainError('parameter_invalid', '`country` must be an ISO 3166-1 alpha-2 code in capitals, e.g. "US".', 'country');
  }
  return {
    businessName: text(input.businessName, 'business_name', BUSINESS_NAME_LENGTH_MAX),
    website: website(input.website),
    country: input.country,
    useCase: text(input.useCase, 'use_case', USE_CASE_LENGTH_MAX, true),
  };
}

async function emit(tx: Tx, request: LiveAccessRequest, type: EventType, at: Date, previous?: Record<string, unknown>): Promise<void> {
  await appendEvent(tx, { merchantId: request.merchantId, mode: 'sandbox', type, object: presentLiveAccessRequest(request), previous, at });
}

/** A merchant asks for production access. 409 while one of its requests waits, or once it has live access. */
export async function requestLiveAccess(tx: Tx, merchantId: string, input: LiveAccessInput, ctx: ActionContext): Promise<LiveAccessRequest> {
  const checked = checkInput(input);
  const merchant = await getMerchant(tx, merchantId);
  if (merchant.liveAccess) throw new DomainError('conflict', 'This merchant already has live access: create a live key instead.');
  const created = await store.insertRequest(tx, newId('liveAccessRequest'), merchantId, checked, ctx.at);
  if (!created) {
    const pending = await store.selectPending(tx, merchantId);
    throw new DomainError('resource_exists', `A request for production access is already waiting for review${pending ? ` (${pending.id})` : ''}.`);
  }
  await appendAudit(tx, {
    ...ctx, action: 'live_access_request.create', target: created.id, result: 'success', details: { merchant_id: merchantId, country: checked.country },
  });
  await emit(tx, created, 'live_access_request.created', ctx.at);
  return created;
}

/** One request; with a merchant id, only that merchant's (another's answers the same 404 as a missing one). */
export async function getLiveAccessRequest(q: Queryable, id: string, merchantId: string | null = null): Promise<LiveAccessRequest> {
  const found = isId('liveAccessRequest', id) ? await store.selectRequest(q, id, merchantId) : null;
  if (!found) throw notFound('live access request', 'id');
  return found;
}

export async function listLiveAccessRequests(q: Queryable, filter: LiveAccessFilter, page: PageRequest): Promise<Page<LiveAccessRequest>> {
  return toPage(await store.selectRequests(q, filter, page.limit + 1, page.startingAfter), page.limit);
}

async function pendingForReview(tx: Tx, id: string): Promise<LiveAccessRequest> {
  const found = isId('liveAccessRequest', id) ? await store.selectRequest(tx, id, null, true) : null;
  if (!found) throw notFound('live access request', 'id');
  if (found.status !== 'PENDING') {
    throw new DomainError('conflict', `This request is ${found.status}; only a PENDING request can be approved or rejected.`);
  }
  return found;
}

/**
 * The operator approves: the request is APPROVED and the merchant gets live
 * access. Changes the merchant's principals: the caller forgets them
 * (PrincipalCache.forget) once this commits.
 */
export async function approveLiveAccess(tx: Tx, id: string, ctx: ActionContext): Promise<LiveAccessRequest> {
  const request = await pendingForReview(tx, id);
  const approved = await store.updateDecision(tx, id, 'APPROVED', null, ctx.at);
  await grantLiveAccess(tx, request.merchantId, ctx);
  await appendAudit(tx, { ...ctx, action: 'live_access_request.approve', target: id, result: 'success', details: { merchant_id: request.merchantId } });
  await emit(tx, approved, 'live_access_request.approved', ctx.at, { status: request.status });
  return approved;
}

/** The operator rejects, saying why (the merchant sees the reason); the merchant may ask again. */
export async function rejectLiveAccess(tx: Tx, id: string, reason: string, ctx: ActionContext): Promise<LiveAccessRequest> {
  const why = text(reason, 'reason', REJECTION_REASON_LENGTH_MAX, true);
  const request = await pendingForReview(tx, id);
  const rejected = await store.updateDecision(tx, id, 'REJECTED', why, ctx.at);
  await appendAudit(tx, {
    ...ctx, action: 'live_access_request.reject', target: id, result: 'success', details: { merchant_id: request.merchantId, reason: why },
  });
  await emit(tx, rejected, 'live_access_request.rejected', ctx.at, { status: request.status, rejection_reason: null });
  return rejected;
}
