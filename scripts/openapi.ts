/**
 * Print the OpenAPI document (or write it to the file named by the first
 * argument) as the app generates it, for the linters (npm run lint:openapi)
 * and the SDK generator. Builds the app in-process on an empty in-memory
 * database, as tests do; nothing listens and no request is made.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { SoftwareKeyProvider } from '../src/crypto/keys.ts';
import { openPglite } from '../src/db/index.ts';
import { systemClock } from '../src/lib/clock.ts';

const out = process.argv[2];
// A throwaway token: the document does not depend on it, but the config insists on one.
const config = loadConfig({ TESSERA_ADMIN_TOKEN: crypto.randomBytes(24).toString('hex'), LOG_LEVEL: 'silent' }, process.cwd());
const db = openPglite(await PGlite.create(), true);
const app = await buildApp({ config, db, clock: systemClock, keys: new SoftwareKeyProvider(crypto.randomBytes(32)) }, { logger: false });
await app.ready();
const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
await app.close();
await app.authorizations.idle();
await db.close();
if (out) {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
} else {
  process.stdout.write(text);
}
