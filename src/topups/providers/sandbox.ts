import type { ProviderAnswer, ProviderTopup, TopupProvider } from './types.ts';

/**
 * Why 2 s: long enough that a client sees `pending` first and polls or waits
 * for the webhook, as with a real provider; short enough for a demo.
 */
export const SANDBOX_TOPUP_DELAY_MS = 2_000;

/**
 * The documented test numbers: a sandbox top-up to a number whose last four
 * digits are 0000 fails (e.g. +1 201 555 0000, +237 6 71 00 00 00); any other
 * valid number succeeds.
 */
export const SANDBOX_FAILING_SUFFIX = '0000';

function answer(topup: ProviderTopup): Exclude<ProviderAnswer, { outcome: 'not_found' }> {
  const reference = `sandbox_${topup.id}`;
  if (topup.phone.endsWith(SANDBOX_FAILING_SUFFIX)) {
    return { outcome: 'failed', code: 'provider_declined', message: `The sandbox declines numbers ending in ${SANDBOX_FAILING_SUFFIX}.`, reference };
  }
  return { outcome: 'succeeded', reference };
}

/**
 * The sandbox provider: no network, a deterministic answer from the number
 * alone, so a lookup after a restart answers what the send did.
 */
export const sandboxProvider: TopupProvider = {
  name: 'sandbox',
  firstAttemptDelayMs: SANDBOX_TOPUP_DELAY_MS,
  send: async (topup) => answer(topup),
  lookup: async (topup) => answer(topup),
};
