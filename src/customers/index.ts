import type { Queryable, Tx } from '../db/index.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { isId, newId } from '../lib/ids.ts';
import type { ActionContext } from '../lib/context.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';
import { appendEvent } from '../events/index.ts';
import * as store from './store.ts';
import { checkCustomer, normalizeEmail } from './validate.ts';
import { customerPayload } from './present.ts';
import type { Customer, CustomerInput, CustomerPatch, CustomerPolicy, KycStatus, Owner } from './types.ts';

export * from './types.ts';
export { checkAddress } from './validate.ts';
export { customerPayload } from './present.ts';
/** The authorization batch's lock of many customers in one statement. */
export { lockCustomersSql } from './batch.ts';

const emailTaken = () => new DomainError('resource_exists', 'A customer with this email already exists.', 'email');

export async function createCustomer(tx: Tx, owner: Owner, input: CustomerInput, policy: CustomerPolicy, ctx: ActionContext): Promise<Customer> {
  const c = { ...input, email: normalizeEmail(input.email), address: { ...input.address } };
  checkCustomer(c, policy, ctx.at);
  const customer = await store.insertCustomer(tx, newId('customer'), owner, c, ctx.at);
  if (!customer) throw emailTaken();
  await appendEvent(tx, { ...owner, type: 'customer.created', object: customerPayload(customer), at: ctx.at });
  return customer;
}

export async function getCustomer(q: Queryable, owner: Owner, id: string, options: { forUpdate?: boolean } = {}): Promise<Customer> {
  const customer = isId('customer', id) ? await store.selectCustomer(q, owner, id, options.forUpdate) : null;
  if (!customer) throw notFound('customer', 'id');
  return customer;
}

export async function findCustomerByEmail(q: Queryable, owner: Owner, email: string): Promise<Customer | null> {
  return store.selectCustomerByEmail(q, owner, normalizeEmail(email));
}

export async function listCustomers(
  q: Queryable, owner: Owner, filter: { email?: string; kycStatus?: KycStatus }, page: PageRequest,
): Promise<Page<Customer>> {
  const email = filter.email === undefined ? undefined : normalizeEmail(filter.email);
  return toPage(await store.selectCustomers(q, owner, { ...filter, email }, page.limit + 1, page.startingAfter), page.limit);
}

/** Only the fields sent change; the merged customer is validated as a whole. */
export async function updateCustomer(
  tx: Tx, owner: Owner, id: string, patch: CustomerPatch, policy: CustomerPolicy, ctx: ActionContext,
): Promise<Customer> {
  const current = await getCustomer(tx, owner, id, { forUpdate: true });
  const merged: Customer = {
    ...current, ...Object.fromEntries(Object.entries(patch).filter(([k, v]) => k !== 'address' && v !== undefined)),
    address: { ...current.address, ...(patch.address ?? {}) },
  };
  merged.email = normalizeEmail(merged.email);
  checkCustomer(merged, policy, ctx.at);
  if (merged.email !== current.email && (await store.selectCustomerByEmail(tx, owner, merged.email))) throw emailTaken();
  const updated = await store.updateCustomer(tx, merged, ctx.at);
  const before: Record<string, unknown> = customerPayload(current);
  const after: Record<string, unknown> = customerPayload(updated);
  const previous = Object.fromEntries(
    Object.keys(after).filter((k) => k !== 'updated_at' && JSON.stringify(before[k]) !== JSON.stringify(after[k])).map((k) => [k, before[k]]));
  if (Object.keys(previous).length > 0) {
    await appendEvent(tx, { ...owner, type: 'customer.updated', object: after, previous, at: ctx.at });
  }
  return updated;
}

/** Set the KYC status (the KYC module and the operator's decisions call this); writes kyc.updated. */
export async function setKycStatus(tx: Tx, customer: Customer, status: KycStatus, reason: string | null, at: Date): Promise<Customer> {
  const updated = await store.updateKycStatus(tx, customer.id, status, at);
  await appendEvent(tx, {
    merchantId: customer.merchantId, mode: customer.mode, type: 'kyc.updated',
    object: { customer_id: customer.id, status, reason }, previous: { status: customer.kycStatus }, at,
  });
  return updated;
}
