import type { TransferResultCode } from '../codes.ts';
import type { AccountFlag, TransferFlag, TransferInput } from '../types.ts';

/**
 * A pure, deliberately naive reference model of the ledger, written from the
 * contract in codes.ts and not from the SQL: maps instead of arrays, and a
 * linked chain is undone by restoring a copy of the whole state. The
 * property test runs random batches through both and demands the same
 * results and counters.
 */
export interface ModelAccount {
  ledger: number;
  flags: AccountFlag[];
  dp: bigint;
  dpo: bigint;
  cp: bigint;
  cpo: bigint;
}

interface ModelTransfer {
  dr: string;
  cr: string;
  amount: bigint;
  pendingId: string | null;
  ledger: number;
  code: string;
  flags: string; // sorted flag names, for comparison
  timeout: number;
  userData: string | null;
  expiresAt: number | null;
}

type PendingState = 'pending' | 'posted' | 'voided' | 'expired';

interface State {
  accounts: Map<string, ModelAccount>;
  transfers: Map<string, ModelTransfer>;
  pending: Map<string, PendingState>;
}

const clone = (s: State): State => ({
  accounts: new Map([...s.accounts].map(([k, v]) => [k, { ...v }])),
  transfers: new Map(s.transfers),
  pending: new Map(s.pending),
});

const AMOUNT_MAX = 10n ** 15n;
const TIMEOUT_MAX = 90 * 24 * 3600;

export class LedgerModel {
  private s: State = { accounts: new Map(), transfers: new Map(), pending: new Map() };

  addAccount(id: string, ledger: number, flags: AccountFlag[]): void {
    this.s.accounts.set(id, { ledger, flags, dp: 0n, dpo: 0n, cp: 0n, cpo: 0n });
  }

  account(id: string): ModelAccount | undefined {
    return this.s.accounts.get(id);
  }

  close(id: string): void {
    const a = this.s.accounts.get(id);
    if (a && !a.flags.includes('closed')) a.flags = [...a.flags, 'closed'];
  }

  transferIds(): string[] {
    return [...this.s.transfers.keys()];
  }

  transfer(id: string): ModelTransfer | undefined {
    return this.s.transfers.get(id);
  }

  /** Apply a batch at time `now` (ms). */
  apply(batch: readonly TransferInput[], now: number): TransferResultCode[] {
    const out: TransferResultCode[] = new Array(batch.length);
    const linked = (i: number) => (batch[i]!.flags ?? []).includes('linked');
    let i = 0;
    while (i < batch.length) {
      let end = i;
      while (end < batch.length && linked(end)) end++;
      if (end === batch.length) {
        for (let k = i; k < batch.length; k++) out[k] = k === batch.length - 1 ? 'linked_event_chain_open' : 'linked_event_failed';
        break;
      }
      const saved = clone(this.s);
      let failed = -1;
      for (let k = i; k <= end; k++) {
        const r = this.one(batch[k]!, now);
        out[k] = r;
        if (r !== 'ok' && r !== 'exists') {
          failed = k;
          break;
        }
      }
      if (failed >= 0 && end > i) {
        this.s = saved;
        for (let k = i; k <= end; k++) if (k !== failed) out[k] = 'linked_event_failed';
      }
      i = end + 1;
    }
    return out;
  }

  /** The expiry job at `now`: ids of the pending transfers it voids. */
  expire(now: number): string[] {
    const ids: string[] = [];
    for (const [id, state] of this.s.pending) {
      const p = this.s.transfers.get(id)!;
      if (state === 'pending' && p.expiresAt !== null && p.expiresAt <= now) {
        this.release(p);
        this.s.pending.set(id, 'expired');
        this.s.transfers.set(`${id}~expired`, { ...p, pendingId: id, flags: 'void_pending_transfer', timeout: 0, userData: null, expiresAt: null });
        ids.push(id);
      }
    }
    return ids;
  }

  private release(p: ModelTransfer): void {
    this.s.accounts.get(p.dr)!.dp -= p.amount;
    this.s.accounts.get(p.cr)!.cp -= p.amount;
  }

  private one(t: TransferInput, now: number): TransferResultCode {
    const flags = new Set<TransferFlag>(t.flags ?? []);
    const isPending = flags.has('pending');
    const isPost = flags.has('post_pending_transfer');
    const isVoid = flags.has('void_pending_transfer');
    const resolves = isPost || isVoid;
    const amount = t.amount ?? 0n;
    const timeout = t.timeout ?? 0;

    if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(t.id)) return 'id_invalid';
    if ([isPending, isPost, isVoid].filter(Boolean).length > 1) return 'flags_are_mutually_exclusive';
    if (!resolves && t.pendingId != null) return 'pending_id_must_not_be_set';
    if (resolves && !t.pendingId) return 'pending_id_must_be_set';
    if (resolves && t.pendingId === t.id) return 'pending_id_must_be_different';
    if (!isPending && timeout !== 0) return 'timeout_reserved_for_pending_transfer';
    if (!Number.isInteger(timeout) || timeout < 0 || timeout > TIMEOUT_MAX) return 'timeout_invalid';
    if (resolves ? amount < 0n : amount <= 0n) return 'amount_must_be_positive';
    if (amount > AMOUNT_MAX) return 'amount_too_large';
    if (!resolves && t.debitAccountId != null && t.debitAccountId === t.creditAccountId) return 'accounts_must_be_different';
    if (t.code == null ? !resolves : !/^[a-z][a-z0-9_]{0,31}$/.test(t.code)) return 'code_invalid';
    if (t.userData != null && t.userData.length > 128) return 'user_data_too_long';

    const pending = resolves ? this.s.transfers.get(t.pendingId!) : undefined;
    const flagKey = [...flags].sort().join(',');
    const resolved: ModelTransfer = resolves
      ? {
          dr: t.debitAccountId ?? pending?.dr ?? '', cr: t.creditAccountId ?? pending?.cr ?? '',
          amount: amount === 0n ? pending?.amount ?? 0n : amount, pendingId: t.pendingId!,
          ledger: t.ledger ?? pending?.ledger ?? -1, code: t.code ?? pending?.code ?? '', flags: flagKey,
          timeout, userData: t.userData ?? null, expiresAt: null,
        }
      : {
          dr: t.debitAccountId ?? '', cr: t.creditAccountId ?? '', amount, pendingId: null, ledger: t.ledger ?? -1,
          code: t.code!, flags: flagKey, timeout, userData: t.userData ?? null,
          expiresAt: isPending && timeout > 0 ? now + timeout * 1000 : null,
        };

    const existing = this.s.transfers.get(t.id);
    if (existing) {
      const same = existing.dr === resolved.dr && existing.cr === resolved.cr && existing.amount === resolved.amount
        && existing.pendingId === resolved.pendingId && existing.ledger === resolved.ledger && existing.code === resolved.code
        && existing.flags === resolved.flags && existing.timeout === resolved.timeout && existing.userData === resolved.userData;
      return same ? 'exists' : 'exists_with_different_fields';
    }

    if (!resolves) {
      const dr = this.s.accounts.get(resolved.dr);
      const cr = this.s.accounts.get(resolved.cr);
      if (!dr) return 'debit_account_not_found';
      if (!cr) return 'credit_account_not_found';
      if (dr.ledger !== resolved.ledger || cr.ledger !== resolved.ledger) return 'ledger_must_match';
      if (dr.flags.includes('closed') || cr.flags.includes('closed')) return 'account_closed';
      if (dr.flags.includes('debits_must_not_exceed_credits') && dr.dp + dr.dpo + amount > dr.cpo) return 'exceeds_credits';
      if (cr.flags.includes('credits_must_not_exceed_debits') && cr.cp + cr.cpo + amount > cr.dpo) return 'exceeds_debits';
      if (isPending) {
        dr.dp += amount;
        cr.cp += amount;
        this.s.pending.set(t.id, 'pending');
      } else {
        dr.dpo += amount;
        cr.cpo += amount;
      }
      this.s.transfers.set(t.id, resolved);
      return 'ok';
    }

    if (!pending) return 'pending_transfer_not_found';
    if (!pending.flags.split(',').includes('pending')) return 'pending_transfer_not_pending';
    if ((t.debitAccountId != null && t.debitAccountId !== pending.dr) || (t.creditAccountId != null && t.creditAccountId !== pending.cr)) {
      return 'pending_transfer_has_different_accounts';
    }
    if (t.ledger != null && t.ledger !== pending.ledger) return 'ledger_must_match';
    const state = this.s.pending.get(t.pendingId!)!;
    if (state === 'posted') return 'pending_transfer_already_posted';
    if (state === 'voided') return 'pending_transfer_already_voided';
    if (state === 'expired' || (pending.expiresAt !== null && pending.expiresAt <= now)) return 'pending_transfer_expired';
    if (isPost && amount > pending.amount) return 'exceeds_pending_transfer_amount';
    if (isVoid && amount !== 0n && amount !== pending.amount) return 'pending_transfer_has_different_amount';
    const dr = this.s.accounts.get(pending.dr)!;
    const cr = this.s.accounts.get(pending.cr)!;
    if (isPost && (dr.flags.includes('closed') || cr.flags.includes('closed'))) return 'account_closed';
    this.release(pending);
    if (isPost) {
      dr.dpo += resolved.amount;
      cr.cpo += resolved.amount;
    }
    this.s.pending.set(t.pendingId!, isPost ? 'posted' : 'voided');
    this.s.transfers.set(t.id, resolved);
    return 'ok';
  }
}
