import type { Queryable, Tx } from '../db/index.ts';
import type { KeyProvider } from '../crypto/index.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { parseCalendarDate, isoDate } from '../lib/dates.ts';
import type { ActionContext } from '../lib/context.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';
import { appendAudit } from '../audit/index.ts';
import { getCustomer, setKycStatus, type Customer, type Owner } from '../customers/index.ts';
import { requireCountryEnabled } from '../countries/index.ts';
import { sendNotification } from '../notifications/index.ts';
import { decodeImage, type DecodedImage } from './images.ts';
import * as store from './store.ts';
import type { DocumentSide, KycDecisionStatus, KycQueueEntry, KycRecord, KycSubmission } from './types.ts';

export * from './types.ts';
export { KYC_IMAGE_BYTES_MAX } from './images.ts';

const aad = (customerId: string, what: string) => `kyc:v1:${customerId}:${what}`;

function checkSubmission(s: KycSubmission, now: Date): Record<DocumentSide, DecodedImage | null> {
  if (!/^[A-Za-z0-9-]{4,40}$/.test(s.identificationNumber)) {
    throw new DomainError('parameter_invalid', '`identification_number` must be 4 to 40 letters, digits or hyphens.', 'identification_number');
  }
  if (!parseCalendarDate(s.identificationExpiryDate)) {
    throw new DomainError('parameter_invalid', '`identification_expiry_date` must be a real date written YYYY-MM-DD.', 'identification_expiry_date');
  }
  if (s.identificationExpiryDate < isoDate(now)) {
    throw new DomainError('parameter_invalid', 'The identity document has expired.', 'identification_expiry_date');
  }
  if (s.identificationType === 'ID_CARD' && !s.backImage) {
    throw new DomainError('parameter_missing', '`back_image` is required for an ID_CARD.', 'back_image');
  }
  return {
    front: decodeImage(s.frontImage, 'front_image'),
    back: s.backImage ? decodeImage(s.backImage, 'back_image') : null,
    handheld: decodeImage(s.handheldImage, 'handheld_image'),
  };
}

/** Submit (or, after a rejection, resubmit) KYC: images and the document number are sealed; status WAITING_KYC. */
export async function submitKyc(
  tx: Tx, keys: KeyProvider, owner: Owner, customerId: string, s: KycSubmission, ctx: ActionContext,
): Promise<{ customer: Customer; record: KycRecord }> {
  const images = checkSubmission(s, ctx.at);
  const customer = await getCustomer(tx, owner, customerId, { forUpdate: true });
  // The customer's country of residence (its address): where the operator can verify identities.
  await requireCountryEnabled(tx, customer.address.country, 'kyc');
  if (customer.kycStatus === 'WAITING_KYC' || customer.kycStatus === 'PASSED') {
    throw new DomainError('conflict', `KYC cannot be submitted while its status is ${customer.kycStatus}.`);
  }
  const record = await store.upsertSubmission(tx, {
    customerId, type: s.identificationType, sealedNumber: await keys.seal(Buffer.from(s.identificationNumber), aad(customerId, 'number')),
    last4: s.identificationNumber.slice(-4), expiry: s.identificationExpiryDate, at: ctx.at,
  });
  for (const side of ['front', 'back', 'handheld'] as const) {
    const img = images[side];
    if (img) await store.insertDocument(tx, customerId, side, img.contentType, img.bytes.length, await keys.seal(img.bytes, aad(customerId, side)));
  }
  const updated = await setKycStatus(tx, customer, 'WAITING_KYC', null, ctx.at);
  return { customer: updated, record };
}

export async function getKyc(q: Queryable, owner: Owner, customerId: string): Promise<{ customer: Customer; record: KycRecord | null }> {
  const customer = await getCustomer(q, owner, customerId);
  return { customer, record: await store.selectSubmission(q, customerId) };
}

/** The operator's (or the sandbox simulator's) decision on a waiting submission; audited, and e-mailed to the customer. */
export async function decideKyc(
  tx: Tx, customerId: string, decision: 'PASSED' | 'REJECTED', reason: string | null, ctx: ActionContext & { keys: KeyProvider },
  owner?: Owner,
): Promise<{ customer: Customer; record: KycRecord }> {
  const record = await store.selectSubmission(tx, customerId);
  const customer = record ? await findCustomerAnyOwner(tx, customerId, owner) : null;
  if (!record || !customer) throw notFound('KYC submission', 'customerId');
  if (customer.kycStatus !== 'WAITING_KYC') {
    throw new DomainError('conflict', `Only a submission that is WAITING_KYC can be decided; this one is ${customer.kycStatus}.`);
  }
  const decided = await store.decide(tx, customerId, decision, reason, ctx.actor, ctx.at);
  const updated = await setKycStatus(tx, customer, decision, reason, ctx.at);
  await appendAudit(tx, { ...ctx, action: `kyc.${decision === 'PASSED' ? 'approve' : 'reject'}`, target: customerId, result: 'success', details: { reason } });
  await sendKycResult(tx, ctx.keys, updated, decision, reason, ctx.at);
  return { customer: updated, record: decided };
}

/** The result by e-mail (SPEC §9): the sandbox outbox keeps it; live, the e-mail provider sends it. */
async function sendKycResult(tx: Tx, keys: KeyProvider, customer: Customer, decision: 'PASSED' | 'REJECTED', reason: string | null, at: Date) {
  const passed = decision === 'PASSED';
  await sendNotification(tx, keys, {
    merchantId: customer.merchantId, mode: customer.mode, customerId: customer.id, channel: 'email', recipient: customer.email,
    kind: 'kyc.result', at,
    subject: passed ? 'Your identity is verified' : 'We could not verify your identity',
    body: passed
      ? `Hello ${customer.firstName},\n\nYour identity has been verified. Your cards can now be activated and used.`
      : `Hello ${customer.firstName},\n\nWe could not verify your identity${reason ? `: ${reason}` : '.'}\n\nYou can submit your documents again.`,
  });
}

async function findCustomerAnyOwner(q: Queryable, customerId: string, owner?: Owner): Promise<Customer | null> {
  if (owner) return getCustomer(q, owner, customerId, { forUpdate: true }).catch(() => null);
  const { rows } = await q.query<{ merchant_id: string; mode: 'sandbox' | 'live' }>('SELECT merchant_id, mode FROM customers WHERE id = $1', [customerId]);
  const r = rows[0];
  return r ? getCustomer(q, { merchantId: r.merchant_id, mode: r.mode }, customerId, { forUpdate: true }) : null;
}

/** The submissions in a status, oldest first (by customer id) across merchants. */
export async function kycQueue(q: Queryable, status: KycDecisionStatus, page: PageRequest): Promise<Page<KycQueueEntry>> {
  return toPage(await store.selectQueue(q, status, page.limit + 1, page.startingAfter), page.limit);
}

/** One submission as the review queue shows it, whatever its status and merchant (the operator's view). */
export async function getKycSubmission(q: Queryable, customerId: string): Promise<KycQueueEntry> {
  const entry = await store.selectQueueEntry(q, customerId);
  if (!entry) throw notFound('KYC submission', 'customerId');
  return entry;
}

/** A document image for the operator's review; every view is audited. */
export async function readDocument(
  tx: Tx, keys: KeyProvider, customerId: string, side: DocumentSide, ctx: ActionContext,
): Promise<{ contentType: string; bytes: Buffer }> {
  const doc = await store.selectDocument(tx, customerId, side);
  if (!doc) throw notFound('document', 'side');
  const bytes = await keys.open(doc.sealed, aad(customerId, side));
  await appendAudit(tx, { ...ctx, action: 'kyc.document.view', target: customerId, result: 'success', details: { side } });
  return { contentType: doc.content_type, bytes };
}
