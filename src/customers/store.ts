import type { Queryable } from '../db/index.ts';
import type { Mode } from '../merchants/index.ts';
import type { Address, Customer, CustomerInput, KycStatus, Owner } from './types.ts';

type Row = {
  id: string; merchant_id: string; mode: Mode; first_name: string; last_name: string; email: string; phone_prefix: string;
  phone_number: string; phone_country: string; date_of_birth: string; address: Address; kyc_status: KycStatus;
  created_at: Date; updated_at: Date;
};

const toCustomer = (r: Row): Customer => ({
  id: r.id, merchantId: r.merchant_id, mode: r.mode, firstName: r.first_name, lastName: r.last_name, email: r.email,
  phonePrefix: r.phone_prefix, phoneNumber: r.phone_number, phoneCountry: r.phone_country, dateOfBirth: r.date_of_birth,
  address: r.address, kycStatus: r.kyc_status, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** The editable columns, in the order of the statements' parameters. */
const COLUMNS = ['first_name', 'last_name', 'email', 'phone_prefix', 'phone_number', 'phone_country', 'date_of_birth'] as const;
const values = (c: CustomerInput) => [c.firstName, c.lastName, c.email, c.phonePrefix, c.phoneNumber, c.phoneCountry, c.dateOfBirth];

/** Inserts unless the email is taken in this merchant's mode; returns null then. */
export async function insertCustomer(q: Queryable, id: string, owner: Owner, c: CustomerInput, at: Date): Promise<Customer | null> {
  const { rows } = await q.query<Row>(
    `INSERT INTO customers (id, merchant_id, mode, ${COLUMNS.join(', ')}, address, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
     ON CONFLICT (merchant_id, mode, email) DO NOTHING RETURNING *`,
    [id, owner.merchantId, owner.mode, ...values(c), JSON.stringify(c.address), at]);
  return rows[0] ? toCustomer(rows[0]) : null;
}

export async function selectCustomer(q: Queryable, owner: Owner, id: string, forUpdate = false): Promise<Customer | null> {
  const { rows } = await q.query<Row>(
    `SELECT * FROM customers WHERE id = $1 AND merchant_id = $2 AND mode = $3${forUpdate ? ' FOR UPDATE' : ''}`,
    [id, owner.merchantId, owner.mode]);
  return rows[0] ? toCustomer(rows[0]) : null;
}

export async function selectCustomerByEmail(q: Queryable, owner: Owner, email: string): Promise<Customer | null> {
  const { rows } = await q.query<Row>('SELECT * FROM customers WHERE merchant_id = $1 AND mode = $2 AND email = $3', [owner.merchantId, owner.mode, email]);
  return rows[0] ? toCustomer(rows[0]) : null;
}

export async function selectCustomers(
  q: Queryable, owner: Owner, filter: { email?: string; kycStatus?: KycStatus }, limit: number, before: string | null,
): Promise<Customer[]> {
  const { rows } = await q.query<Row>(
    `SELECT * FROM customers WHERE merchant_id = $1 AND mode = $2
       AND ($3::text IS NULL OR email = $3) AND ($4::text IS NULL OR kyc_status = $4) AND ($5::text IS NULL OR id < $5)
     ORDER BY id DESC LIMIT $6`,
    [owner.merchantId, owner.mode, filter.email ?? null, filter.kycStatus ?? null, before, limit]);
  return rows.map(toCustomer);
}

/** Writes every editable field (the caller merged, validated and checked the email is free). */
export async function updateCustomer(q: Queryable, c: Customer, at: Date): Promise<Customer> {
  const { rows } = await q.query<Row>(
    `UPDATE customers SET ${COLUMNS.map((k, i) => `${k} = $${i + 2}`).join(', ')}, address = $9, updated_at = $10
     WHERE id = $1 RETURNING *`,
    [c.id, ...values(c), JSON.stringify(c.address), at]);
  return toCustomer(rows[0]!);
}

export async function updateKycStatus(q: Queryable, id: string, status: KycStatus, at: Date): Promise<Customer> {
  const { rows } = await q.query<Row>('UPDATE customers SET kyc_status = $2, updated_at = $3 WHERE id = $1 RETURNING *', [id, status, at]);
  return toCustomer(rows[0]!);
}
