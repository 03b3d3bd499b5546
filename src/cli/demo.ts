import fs from 'node:fs';
import path from 'node:path';
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

/** Where a first start that is not at a terminal leaves the demo key: in the data directory, owner-only. */
export const DEMO_KEY_FILE = 'demo-merchant-key.txt';

/**
 * The banner lines about the demo merchant. Its key is for the person who ran
 * the server, not for the log pipeline: it is printed only when stdout is a
 * terminal. Otherwise (a service manager, a container, `| tee log`) it is
 * written to DEMO_KEY_FILE in the data directory with mode 0600, and the
 * banner names the file instead.
 */
export function demoMerchantBanner(demo: DemoMerchant, base: string, out: { isTTY: boolean; dataDir: string }): string[] {
  const intro = `A demo merchant "${demo.name}" (${demo.id}) was created.`;
  if (out.isTTY) {
    return [
      `${intro} Its sandbox API key, shown this once:`,
      `  ${demo.sandboxKey}`,
      '',
      `  curl -H "Authorization: Bearer ${demo.sandboxKey}" ${base}/v1/merchant`,
    ];
  }
  const file = writeOwnerOnly(out.dataDir, DEMO_KEY_FILE, `${demo.sandboxKey}\n`);
  return [
    `${intro} Its sandbox API key is in ${file} (readable by this user only; delete it once the key is kept elsewhere).`,
    '',
    `  curl -H "Authorization: Bearer $(cat '${file}')" ${base}/v1/merchant`,
  ];
}

/** Write a new file that only the owner can read, replacing any earlier one (never through a link left in its place). */
function writeOwnerOnly(dir: string, name: string, text: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.resolve(dir, name);
  fs.rmSync(file, { force: true });
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    // The umask only removes bits from 0600, but set it exactly anyway.
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

