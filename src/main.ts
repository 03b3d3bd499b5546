import { ConfigError } from './config.ts';
import { serve } from './serve.ts';

serve().catch((err: unknown) => {
  const code = (err as { code?: unknown }).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    // A setting to change, not a bug: one line naming it.
    process.stderr.write(`tessera: cannot listen: ${(err as Error).message}; set PORT (and HOST) to a free address\n`);
  } else if (err instanceof ConfigError || (err instanceof Error && /KeyConfigError|DataDirLockedError/.test(err.name))) {
    process.stderr.write(`tessera: ${err.message}\n`);
  } else {
    process.stderr.write(`tessera: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  }
  process.exit(1);
});
