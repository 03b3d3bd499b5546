import { ConfigError } from './config.ts';
import { serve } from './serve.ts';

serve().catch((err: unknown) => {
  if (err instanceof ConfigError || (err instanceof Error && /KeyConfigError|DataDirLockedError/.test(err.name))) {
    process.stderr.write(`tessera: ${err.message}\n`);
  } else {
    process.stderr.write(`tessera: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  }
  process.exit(1);
});
