import type { Config } from '../../config.ts';
import { ReloadlyProvider, type ReloadlyOptions } from './reloadly.ts';
import { sandboxProvider } from './sandbox.ts';
import type { TopupProviders } from './types.ts';

export type { ProviderAnswer, ProviderTopup, TopupProvider, TopupProviders } from './types.ts';
export { ReloadlyProvider, type ReloadlyOptions } from './reloadly.ts';
export { sandboxProvider, SANDBOX_FAILING_SUFFIX, SANDBOX_TOPUP_DELAY_MS } from './sandbox.ts';

/** The providers a configuration gives: the sandbox always; Reloadly for live when its keys are set. */
export function topupProviders(config: Pick<Config, 'reloadly'>, options: ReloadlyOptions = {}): TopupProviders {
  return { sandbox: sandboxProvider, live: config.reloadly ? new ReloadlyProvider(config.reloadly, options) : null };
}
