import type { Tx } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import { DomainError } from '../lib/errors.ts';
import { createTransfers, type TransferInput, type TransferResultCode } from '../ledger/index.ts';

/** Chain transfers with the `linked` flag (all but the last), so they commit or fail as a whole. */
export function linked(transfers: TransferInput[]): TransferInput[] {
  return transfers.map((t, i) => (i < transfers.length - 1 ? { ...t, flags: [...(t.flags ?? []), 'linked'] } : t));
}

/** The first failure of a chain (its own code, not `linked_event_failed`), or null when it applied. */
export function chainFailure(results: readonly { result: TransferResultCode }[]): TransferResultCode | null {
  const own = results.find((r) => r.result !== 'ok' && r.result !== 'exists' && r.result !== 'linked_event_failed');
  if (own) return own.result;
  return results.some((r) => r.result === 'linked_event_failed') ? 'linked_event_failed' : null;
}

/**
 * Move money as one linked chain; not enough money (the ledger's balance
 * flags refused it) is a 422 insufficient_funds with nothing moved. Any
 * other failure is a bug in the caller.
 */
export async function moveMoney(tx: Tx, transfers: TransferInput[], now: Date, what: string): Promise<void> {
  const results = await createTransfers(tx, linked(transfers), { now });
  const failure = chainFailure(results);
  if (failure === null) return;
  if (failure === 'exceeds_credits') throw new DomainError('insufficient_funds', `Not enough money for ${what}.`);
  assert(false, `ledger refused ${what}: ${failure}`);
}
