import type { Db, Tx } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import { appendEvent } from '../events/index.ts';
import { resolveTopupMoney } from './ledger.ts';
import { presentTopup } from './present.ts';
import * as store from './store.ts';
import type { ProviderAnswer, TopupProvider, TopupProviders } from './providers/index.ts';
import type { Topup } from './types.ts';

/**
 * The top-up job, run by the jobs leader (so it survives restarts and runs
 * once however many processes share the database):
 *
 * 1. Claim the pending top-ups that are due (one transaction, SKIP LOCKED):
 *    each gets a lease, and is marked submitted before any provider call.
 * 2. Outside any transaction, ask the provider: send a new one; for one
 *    submitted before (a crash, a lost answer), look it up first and send it
 *    only if the provider never got it.
 * 3. In one transaction per top-up, under its row lock: delivered → post the
 *    holds, `succeeded`, `topup.succeeded`; refused → void them, `failed`,
 *    `topup.failed`; still processing or no answer → try again later, with
 *    backoff. With no answer at all for TOPUP_RESOLVE_DEADLINE_MS after it
 *    was first handed over, it fails as `provider_unreachable`, so a hold
 *    never lasts for ever.
 */

/** Why 1 s: the sandbox's short delay is 2 s; a top-up should not wait a whole extra interval beyond it. */
export const TOPUP_JOB_INTERVAL_MS = 1_000;
/** Why 32: each claimed top-up is one provider call, made concurrently; a pass stays well inside its lease. */
const TOPUP_CLAIM_MAX = 32;
/** Why 60 s: longer than a provider call can take (10 s timeout, one token renewal), so a lease ends only if its worker died. */
const TOPUP_LEASE_MS = 60_000;
/** Why 5 s doubling to 10 minutes: a provider's brief outage is retried quickly, a long one is not hammered. */
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 10 * 60_000;
/** Why 24 hours: a provider that has not answered for a day will not; the merchant's money comes back and the operator reconciles. */
export const TOPUP_RESOLVE_DEADLINE_MS = 24 * 3600 * 1000;

export interface TopupJobDeps {
  db: Db;
  clock: Clock;
  providers: TopupProviders;
}

export interface TopupJobReport {
  succeeded: number;
  failed: number;
  /** Still pending after this pass (the provider is processing, or did not answer). */
  retrying: number;
}

const retryDelayMs = (attempts: number) => Math.min(RETRY_FIRST_MS * 2 ** Math.max(attempts - 1, 0), RETRY_MAX_MS);

function providerOf(providers: TopupProviders, topup: Topup): TopupProvider | null {
  if (topup.mode === 'sandbox') return providers.sandbox;
  return providers.live?.name === topup.provider ? providers.live : null;
}

async function ask(provider: TopupProvider | null, topup: Topup & { resumed: boolean }): Promise<ProviderAnswer> {
  if (!provider) return { outcome: 'unknown', reason: `the ${topup.provider} provider is not configured` };
  const request = {
    id: topup.id, country: topup.country, operator: topup.operator, providerOperatorId: topup.providerOperatorId, phone: topup.phone,
    amount: topup.amount, currency: topup.currency, reference: topup.providerReference,
  };
  if (topup.resumed) {
    const found = await provider.lookup(request);
    if (found.outcome !== 'not_found') return found;
  }
  return provider.send(request);
}

async function apply(tx: Tx, id: string, answer: ProviderAnswer, now: Date): Promise<keyof TopupJobReport | null> {
  const topup = await store.lockPending(tx, id);
  if (!topup) return null; // another worker resolved it after our lease ran out
  let outcome = answer;
  // From when it was first handed over, in the job's (real) time: created_at is the merchant's, sandbox clock included.
  const since = topup.submittedAt ?? now;
  if (outcome.outcome === 'unknown' && now.getTime() - since.getTime() >= TOPUP_RESOLVE_DEADLINE_MS) {
    outcome = { outcome: 'failed', code: 'provider_unreachable', message: `The provider did not answer within 24 hours (${outcome.reason}).`, reference: null };
  }
  if (outcome.outcome === 'succeeded' || outcome.outcome === 'failed') {
    await resolveTopupMoney(tx, topup, outcome.outcome === 'succeeded' ? 'post' : 'void', now);
    const resolved = await store.markResolved(tx, id,
      outcome.outcome === 'succeeded' ? { status: 'succeeded' } : { status: 'failed', code: outcome.code, message: outcome.message },
      outcome.reference, now);
    await appendEvent(tx, {
      merchantId: resolved.merchantId, mode: resolved.mode, type: outcome.outcome === 'succeeded' ? 'topup.succeeded' : 'topup.failed',
      object: presentTopup(resolved), at: now,
    });
    return outcome.outcome;
  }
  // 'not_found' cannot reach here (ask sends after it); 'pending' and 'unknown' wait.
  const reference = outcome.outcome === 'pending' ? outcome.reference : null;
  await store.reschedule(tx, id, new Date(now.getTime() + retryDelayMs(topup.attempts)), reference, now);
  return 'retrying';
}

/** One pass of the job: every due top-up is asked about once. Tests call it directly with a moved clock. */
export async function processDueTopups(deps: TopupJobDeps): Promise<TopupJobReport> {
  const report: TopupJobReport = { succeeded: 0, failed: 0, retrying: 0 };
  const now = deps.clock.now();
  const claimed = await deps.db.transaction((tx) => store.claimDue(tx, now, new Date(now.getTime() + TOPUP_LEASE_MS), TOPUP_CLAIM_MAX));
  await Promise.all(claimed.map(async (topup) => {
    const answer = await ask(providerOf(deps.providers, topup), topup);
    const counted = await deps.db.transaction((tx) => apply(tx, topup.id, answer, deps.clock.now()));
    if (counted) report[counted] += 1;
  }));
  return report;
}
