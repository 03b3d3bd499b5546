import type { TopupFailureCode, TopupProviderName } from '../types.ts';

/** What a provider needs to deliver one top-up. */
export interface ProviderTopup {
  /** Tessera's id (`top_…`), sent as the provider's own unique reference (Reloadly `customIdentifier`). */
  id: string;
  country: string;
  operator: string;
  providerOperatorId: string | null;
  /** E.164. */
  phone: string;
  /** Minor units of `currency`, the operator's local currency. */
  amount: bigint;
  currency: string;
  /** The provider's reference from an earlier answer, if any. */
  reference: string | null;
}

/**
 * A provider's answer. `unknown` means nothing can be concluded (a timeout,
 * a 5xx, a broken body): the top-up may or may not have happened, so it is
 * looked up before it is ever sent again. `not_found` comes only from a
 * lookup: the provider never received it, so sending it is safe.
 */
export type ProviderAnswer =
  | { outcome: 'succeeded'; reference: string | null }
  | { outcome: 'failed'; code: TopupFailureCode; message: string; reference: string | null }
  | { outcome: 'pending'; reference: string | null }
  | { outcome: 'unknown'; reason: string }
  | { outcome: 'not_found' };

export interface TopupProvider {
  readonly name: TopupProviderName;
  /** How long after it is created a top-up is first handed over (the sandbox's short delay). */
  readonly firstAttemptDelayMs: number;
  /** Deliver a top-up the provider has not seen. */
  send(topup: ProviderTopup): Promise<Exclude<ProviderAnswer, { outcome: 'not_found' }>>;
  /** The state of a top-up that may have been sent before (by customIdentifier, or the provider's reference). */
  lookup(topup: ProviderTopup): Promise<ProviderAnswer>;
}

/** The provider of each mode: sandbox top-ups never leave the process; live ones need a configured provider. */
export interface TopupProviders {
  sandbox: TopupProvider;
  live: TopupProvider | null;
}
