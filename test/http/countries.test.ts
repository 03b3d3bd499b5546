import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../harness.ts';
import { requireCountryEnabled, setCountryAvailability, listCountries, isCountryEnabled } from '../../src/countries/index.ts';
import { DomainError } from '../../src/lib/errors.ts';

let t: TestDb;
beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });

const ctx = { actor: 'operator', origin: null, at: new Date('2030-01-01T00:00:00Z') };

describe('country availability (module)', () => {
  it('enables every ISO 3166 country for every service by default', async () => {
    const all = await listCountries(t.db);
    expect(all.length).toBeGreaterThan(240);
    expect(all.every((c) => c.services.cards && c.services.kyc && c.services.topup && c.services.sms)).toBe(true);
    await expect(requireCountryEnabled(t.db, 'CM', 'topup')).resolves.toBeUndefined();
  });

  it('refuses a switched-off service with country_not_supported naming the country and service', async () => {
    await t.db.transaction((tx) => setCountryAvailability(tx, 'KP', { cards: false }, ctx));
    const err = await requireCountryEnabled(t.db, 'KP', 'cards').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('country_not_supported');
    expect((err as DomainError).message).toMatch(/Card issuing.*\(KP\)/);
    expect(await isCountryEnabled(t.db, 'KP', 'kyc')).toBe(true);
  });

  it('refuses a code that is not a country', async () => {
    const err = await requireCountryEnabled(t.db, 'ZZ', 'sms').catch((e: unknown) => e);
    expect((err as DomainError).code).toBe('country_not_supported');
  });
});
