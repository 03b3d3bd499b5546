import { DomainError } from '../lib/errors.ts';

/** One internal state machine for every card, used by every path (native API, facades, jobs). */
export const CARD_STATUSES = ['PENDING_ACTIVATION', 'ACTIVE', 'INACTIVE', 'EXPIRED', 'TERMINATED', 'CLOSED', 'ARCHIVED'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export type CardAction = 'activate_physical' | 'activate' | 'deactivate' | 'terminate' | 'close' | 'expire' | 'archive';

/**
 * The whole table of allowed transitions. Everything not listed is refused.
 * - activate_physical: a physical card's first activation (with its code, KYC passed).
 * - activate / deactivate: unfreeze / freeze (seed 004, KrezyPay freeze, KazePay updCardStatus).
 * - terminate: irreversible; pending holds may still clear for 30 days (seed 004 DELETE).
 * - close: money returns to the wallet (KazePay closeCard); also allowed after terminate, to sweep it.
 * - expire: the expiry job, past the card's expiry month.
 * - archive: removed from use and from lists by default (Kwik ARCHIVED); final.
 */
export const TRANSITIONS: Record<CardAction, { from: readonly CardStatus[]; to: CardStatus }> = {
  activate_physical: { from: ['PENDING_ACTIVATION'], to: 'ACTIVE' },
  activate: { from: ['INACTIVE'], to: 'ACTIVE' },
  deactivate: { from: ['ACTIVE'], to: 'INACTIVE' },
  terminate: { from: ['PENDING_ACTIVATION', 'ACTIVE', 'INACTIVE', 'EXPIRED'], to: 'TERMINATED' },
  close: { from: ['PENDING_ACTIVATION', 'ACTIVE', 'INACTIVE', 'EXPIRED', 'TERMINATED'], to: 'CLOSED' },
  expire: { from: ['PENDING_ACTIVATION', 'ACTIVE', 'INACTIVE'], to: 'EXPIRED' },
  archive: { from: ['ACTIVE', 'INACTIVE', 'EXPIRED', 'TERMINATED', 'CLOSED'], to: 'ARCHIVED' },
};

/** Statuses in which a card can still spend (authorizations are also checked for expiry and funds). */
export const SPENDABLE: readonly CardStatus[] = ['ACTIVE'];
/** Statuses that still count against the one-virtual-one-physical policy. */
export const LIVE_STATUSES: readonly CardStatus[] = ['PENDING_ACTIVATION', 'ACTIVE', 'INACTIVE', 'EXPIRED'];

export function canTransition(current: CardStatus, action: CardAction): boolean {
  return TRANSITIONS[action].from.includes(current);
}

/** The next status, or a 409 invalid_card_status that names the current one. */
export function nextStatus(current: CardStatus, action: CardAction): CardStatus {
  if (!canTransition(current, action)) {
    throw new DomainError('invalid_card_status', `The card is ${current}; it cannot ${action.replace('_', ' ')} from that status.`, undefined, { status: current, action });
  }
  return TRANSITIONS[action].to;
}
