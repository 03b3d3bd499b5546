import { assert } from '../lib/assert.ts';

/**
 * Result codes of createTransfers, in precedence order: an item gets the first
 * code whose condition holds. The stateless checks (validate.ts) come first,
 * then `exists`, then the checks that need the database (the function
 * ledger_create_transfers in migrations/0002_ledger.sql), which differ for
 * new transfers (single-phase or pending) and for post/void.
 *
 *  1. linked_event_chain_open          the batch ends inside a chain: the chain's last item gets this, the others linked_event_failed
 *  2. linked_event_failed              another item of this item's chain failed
 *  3. id_invalid                       not 1–64 characters of [A-Za-z0-9_.:-] starting with a letter or digit
 *  4. flags_are_mutually_exclusive     more than one of pending, post_pending_transfer, void_pending_transfer
 *  5. pending_id_must_not_be_set       pendingId on a transfer that neither posts nor voids
 *  6. pending_id_must_be_set           post or void without pendingId
 *  7. pending_id_must_be_different     pendingId equals id
 *  8. timeout_reserved_for_pending_transfer  timeout on a transfer that is not pending
 *  9. timeout_invalid                  not an integer from 0 to TIMEOUT_SECONDS_MAX
 * 10. amount_must_be_positive          single/pending: amount ≤ 0; post/void: amount < 0
 * 11. amount_too_large                 over AMOUNT_MAX
 * 12. accounts_must_be_different       debit and credit account are the same
 * 13. code_invalid                     single/pending: missing; any: not lower snake case of ≤ 32 characters
 * 14. user_data_too_long               over USER_DATA_LENGTH_MAX
 * 15. exists                           the id is taken by a transfer with the same fields (nothing changes)
 * 16. exists_with_different_fields     the id is taken by a transfer with other fields
 * single-phase and pending:
 * 17. debit_account_not_found
 * 18. credit_account_not_found
 * 19. ledger_must_match                an account's ledger differs from the transfer's
 * 20. account_closed                   either account is closed
 * 21. exceeds_credits                  the debit account has debits_must_not_exceed_credits and
 *                                      debits_pending + debits_posted + amount > credits_posted
 * 22. exceeds_debits                   the mirror, for a credit account with credits_must_not_exceed_debits
 * post and void:
 * 17. pending_transfer_not_found
 * 18. pending_transfer_not_pending     pendingId names a transfer that is not pending
 * 19. pending_transfer_has_different_accounts  an account id is given and differs from the pending transfer's
 * 20. ledger_must_match                a ledger is given and differs from the pending transfer's
 * 21. pending_transfer_already_posted
 * 22. pending_transfer_already_voided
 * 23. pending_transfer_expired         expired by the job, or its expiry time is ≤ now (the job has not run yet)
 * 24. exceeds_pending_transfer_amount  post: amount > the pending amount
 * 25. pending_transfer_has_different_amount  void: amount is neither 0 nor the pending amount
 * 26. account_closed                   post only: voiding merely releases a hold and stays possible
 * 27. ok
 *
 * Within a chain `exists` counts as success, so resubmitting a committed chain
 * answers `exists` for every item.
 */
export const TRANSFER_RESULTS = [
  'ok',
  'linked_event_chain_open',
  'linked_event_failed',
  'id_invalid',
  'flags_are_mutually_exclusive',
  'pending_id_must_not_be_set',
  'pending_id_must_be_set',
  'pending_id_must_be_different',
  'timeout_reserved_for_pending_transfer',
  'timeout_invalid',
  'amount_must_be_positive',
  'amount_too_large',
  'accounts_must_be_different',
  'code_invalid',
  'user_data_too_long',
  'exists',
  'exists_with_different_fields',
  'debit_account_not_found',
  'credit_account_not_found',
  'ledger_must_match',
  'account_closed',
  'exceeds_credits',
  'exceeds_debits',
  'pending_transfer_not_found',
  'pending_transfer_not_pending',
  'pending_transfer_has_different_accounts',
  'pending_transfer_already_posted',
  'pending_transfer_already_voided',
  'pending_transfer_expired',
  'exceeds_pending_transfer_amount',
  'pending_transfer_has_different_amount',
] as const;
export type TransferResultCode = (typeof TRANSFER_RESULTS)[number];

/**
 * Result codes of createAccounts, in precedence order:
 * id_invalid → flags_are_mutually_exclusive → code_invalid → owner_too_long
 * → exists / exists_with_different_fields → ledger_not_found → ok.
 * Counters always start at zero, so there is nothing else to check.
 */
export const ACCOUNT_RESULTS = [
  'ok',
  'id_invalid',
  'flags_are_mutually_exclusive',
  'code_invalid',
  'owner_too_long',
  'exists',
  'exists_with_different_fields',
  'ledger_not_found',
] as const;
export type AccountResultCode = (typeof ACCOUNT_RESULTS)[number];

export interface TransferResult {
  index: number;
  result: TransferResultCode;
}

export interface AccountResult {
  index: number;
  result: AccountResultCode;
}

/** True when the item's effect is in the ledger: applied now, or by an earlier identical submission. */
export function succeeded(result: TransferResultCode | AccountResultCode): boolean {
  return result === 'ok' || result === 'exists';
}

const KNOWN_RESULTS = new Set<string>(TRANSFER_RESULTS);

/** ledger_create_transfers' answer, one code per item, checked. */
export function decodeResults(codes: string[], size: number): TransferResult[] {
  assert(codes.length === size, `ledger_create_transfers returned ${codes.length} results for ${size} items`);
  return codes.map((result, index) => {
    assert(KNOWN_RESULTS.has(result), `unknown transfer result ${JSON.stringify(result)}`);
    return { index, result: result as TransferResultCode };
  });
}
