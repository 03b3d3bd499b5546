import { assert } from '../lib/assert.ts';
import type { AccountResultCode, TransferResultCode } from './codes.ts';
import {
  ACCOUNT_CODES, ACCOUNT_FLAGS, AMOUNT_MAX, CODE_LENGTH_MAX, ID_LENGTH_MAX, OWNER_LENGTH_MAX, TIMEOUT_SECONDS_MAX, TRANSFER_FLAGS,
  USER_DATA_LENGTH_MAX, type AccountInput, type TransferInput,
} from './types.ts';

/**
 * Ids are chosen by clients, so they are restricted to characters that are
 * safe in URLs, logs and CSV; `~` is left out so that the expiry job can
 * derive ids (`<pending id>~expired`) that no client can take.
 */
export const ID_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,${ID_LENGTH_MAX - 1}}$`);
export const TRANSFER_CODE_PATTERN = new RegExp(`^[a-z][a-z0-9_]{0,${CODE_LENGTH_MAX - 1}}$`);
export const EXPIRY_ID_SUFFIX = '~expired';

/** Bits of ledger_create_transfers' p_flags. */
export const FLAG_BITS = { linked: 1, pending: 2, post_pending_transfer: 4, void_pending_transfer: 8, expiry: 16 } as const;

export function transferFlagBits(flags: readonly string[] | undefined): number {
  let bits = 0;
  for (const f of flags ?? []) {
    assert((TRANSFER_FLAGS as readonly string[]).includes(f), `unknown transfer flag ${JSON.stringify(f)}`);
    bits |= FLAG_BITS[f as keyof typeof FLAG_BITS];
  }
  return bits;
}

const isSafeInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n);

/** The stateless checks, in precedence order (codes.ts); null when all pass. */
export function validateTransfer(t: TransferInput): TransferResultCode | null {
  if (typeof t.id !== 'string' || !ID_PATTERN.test(t.id)) return 'id_invalid';
  const bits = transferFlagBits(t.flags);
  const pending = (bits & FLAG_BITS.pending) !== 0;
  const post = (bits & FLAG_BITS.post_pending_transfer) !== 0;
  const voids = (bits & FLAG_BITS.void_pending_transfer) !== 0;
  if (Number(pending) + Number(post) + Number(voids) > 1) return 'flags_are_mutually_exclusive';
  const resolves = post || voids;
  const pendingId = t.pendingId ?? null;
  if (!resolves && pendingId !== null) return 'pending_id_must_not_be_set';
  if (resolves && (pendingId === null || pendingId === '')) return 'pending_id_must_be_set';
  if (resolves && pendingId === t.id) return 'pending_id_must_be_different';
  const timeout = t.timeout ?? 0;
  if (!pending && timeout !== 0) return 'timeout_reserved_for_pending_transfer';
  if (!isSafeInt(timeout) || timeout < 0 || timeout > TIMEOUT_SECONDS_MAX) return 'timeout_invalid';
  const amount = t.amount ?? 0n;
  assert(typeof amount === 'bigint', 'transfer amounts are bigint');
  if (resolves ? amount < 0n : amount <= 0n) return 'amount_must_be_positive';
  if (amount > AMOUNT_MAX) return 'amount_too_large';
  if (!resolves && t.debitAccountId != null && t.debitAccountId === t.creditAccountId) return 'accounts_must_be_different';
  const code = t.code ?? null;
  if (code === null ? !resolves : typeof code !== 'string' || !TRANSFER_CODE_PATTERN.test(code)) return 'code_invalid';
  if (t.userData != null && (typeof t.userData !== 'string' || t.userData.length > USER_DATA_LENGTH_MAX)) return 'user_data_too_long';
  return null;
}

export function validateAccount(a: AccountInput): AccountResultCode | null {
  if (typeof a.id !== 'string' || !ID_PATTERN.test(a.id)) return 'id_invalid';
  const flags = a.flags ?? [];
  for (const f of flags) assert((ACCOUNT_FLAGS as readonly string[]).includes(f), `unknown account flag ${JSON.stringify(f)}`);
  if (flags.includes('debits_must_not_exceed_credits') && flags.includes('credits_must_not_exceed_debits')) {
    return 'flags_are_mutually_exclusive';
  }
  if (!(ACCOUNT_CODES as readonly string[]).includes(a.code)) return 'code_invalid';
  const tooLong = (s: string | null | undefined) => s != null && (typeof s !== 'string' || s.length > OWNER_LENGTH_MAX);
  if (tooLong(a.ownerMerchantId) || tooLong(a.ownerId)) return 'owner_too_long';
  return null;
}

/** A ledger number as the database takes it: -1 stands for "given but impossible", so it never matches. */
export function ledgerParam(ledger: number | null | undefined): number | null {
  if (ledger == null) return null;
  return isSafeInt(ledger) && ledger >= 1 && ledger <= 999 ? ledger : -1;
}
