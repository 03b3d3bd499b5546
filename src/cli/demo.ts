import type { Db } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import { createMerchant } from '../merchants/index.ts';

export interface DemoMerchant {
  id: string;
  name: string;
  sandboxKey: string;
}

/**
 * On first start (no merchant at all) create a demo merchant so that the
 * person who ran `npm start` has a working key. Later starts create nothing,
 * and the key, stored only as a hash, is never shown again.
 */
export async function ensureDemoMerchant(db: Db, clock: Clock): Promise<DemoMerchant | null> {
  return db.transaction(async (tx) => {
    // Two servers starting at once on one PostgreSQL must not both create one.
    await tx.query('SELECT pg_advisory_xact_lock(7402913002)');
    const { rows } = await tx.query('SELECT 1 FROM merchants LIMIT 1');
    if (rows.length > 0) return null;
    const { merchant, sandboxKey } = await createMerchant(tx, 'Demo merchant', { actor: 'system', origin: null, at: clock.now() });
    return { id: merchant.id, name: merchant.name, sandboxKey: sandboxKey.secret };
  });
}
