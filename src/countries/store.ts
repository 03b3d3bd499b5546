import type { Queryable, Tx } from '../db/index.ts';
import type { CountryService } from './index.ts';

/** The operator's exceptions only: a (country, service) without a row is enabled. */
export async function selectAvailability(
  q: Queryable, countries: readonly string[] | null,
): Promise<{ country: string; service: CountryService; enabled: boolean; updatedAt: Date }[]> {
  const { rows } = await q.query<{ country: string; service: CountryService; enabled: boolean; updated_at: Date }>(
    `SELECT country, service, enabled, updated_at FROM country_availability
     WHERE $1::text[] IS NULL OR country = ANY($1::text[]) ORDER BY country, service`, [countries]);
  return rows.map((r) => ({ country: r.country, service: r.service, enabled: r.enabled, updatedAt: r.updated_at }));
}

export async function isEnabled(q: Queryable, country: string, service: CountryService): Promise<boolean> {
  const { rows } = await q.query<{ enabled: boolean }>(
    'SELECT enabled FROM country_availability WHERE country = $1 AND service = $2', [country, service]);
  return rows[0]?.enabled ?? true;
}

export async function upsertAvailability(tx: Tx, country: string, service: CountryService, enabled: boolean, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO country_availability (country, service, enabled, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (country, service) DO UPDATE SET enabled = $3, updated_at = $4`, [country, service, enabled, at]);
}
