import { countryCommonName } from '../../lib/countries.ts';
import { formatMinor } from '../../lib/money.ts';
import { CARD_STATUSES, type Card, type CardBalances, type CardStatus } from '../../cards/index.ts';
import type { Customer } from '../../customers/index.ts';

/**
 * KrezyPay's three card states (seed 000: "whether the card is active, suspended, or expired") over Tessera's seven.
 * Every state that cannot spend and has not expired is `suspended`: frozen, not yet activated, and gone for good;
 * the native API tells them apart. The README has the table.
 */
export type KrezyPayStatus = 'active' | 'suspended' | 'expired';
export const KREZYPAY_STATUS: Record<CardStatus, KrezyPayStatus> = {
  PENDING_ACTIVATION: 'suspended', ACTIVE: 'active', INACTIVE: 'suspended', EXPIRED: 'expired',
  TERMINATED: 'suspended', CLOSED: 'suspended', ARCHIVED: 'suspended',
};

/** Why a `suspended` card is suspended, in words a KrezyPay user knows (never the native state names). */
const SUSPENDED_BECAUSE: Partial<Record<CardStatus, string>> = {
  PENDING_ACTIVATION: 'it has not been activated yet with the code sent to the cardholder',
  INACTIVE: 'it is frozen',
  TERMINATED: 'it has been terminated for good',
  CLOSED: 'it has been closed for good',
  ARCHIVED: 'it has been archived for good',
};

/**
 * A refused status change, in KrezyPay's words: the message of a 422 for freeze, unfreeze and anything else the
 * card's state refuses. `action` is the state machine's (deactivate = freeze, activate = unfreeze), when known.
 */
export function krezyCardStatusRefusal(status: CardStatus, action: string | undefined, nativeMessage: string): string {
  const word = KREZYPAY_STATUS[status];
  if (action === 'deactivate' && status === 'INACTIVE') return 'The card is already suspended (frozen).';
  if (action === 'activate' && status === 'ACTIVE') return 'The card is already active.';
  const verb = action === 'deactivate' ? 'frozen' : action === 'activate' ? 'unfrozen' : null;
  const because = SUSPENDED_BECAUSE[status];
  const state = word === 'suspended' && because ? `suspended: ${because}` : word;
  if (verb) return `The card is ${state}; it cannot be ${verb}.`;
  // Other refusals keep the module's reason ("money can no longer move onto or off it"), its state names translated.
  const reason = nativeMessage.includes('; ') ? nativeMessage.slice(nativeMessage.indexOf('; ') + 2) : 'this operation needs an active card.';
  return `The card is ${state}; ${reason.replace(NATIVE_STATUS, (native) => KREZYPAY_STATUS[native as CardStatus])}`;
}

const NATIVE_STATUS = new RegExp(`\\b(${[...CARD_STATUSES].sort((a, b) => b.length - a.length).join('|')})\\b`, 'g');

export const expMMYY = (c: Card) => `${String(c.expMonth).padStart(2, '0')}/${String(c.expYear % 100).padStart(2, '0')}`;

/** The retrieve_card shape, field for field: masked number in groups, CVV hidden, decimal strings for money. */
export function krezyCard(card: Card, customer: Customer, balances: CardBalances, scale: number, number: string, cvv: string) {
  return {
    status: 'success',
    card_id: card.id,
    card_status: KREZYPAY_STATUS[card.status],
    card_holder: `${customer.first_name} ${customer.last_name}`,
    card_number: number,
    cvv,
    last4: card.last4,
    exp: expMMYY(card),
    balance: formatMinor(balances.available, scale),
    authorization_balance: formatMinor(balances.authorizationBalance, scale),
    address: {
      country: countryCommonName(card.billingAddress.country) ?? card.billingAddress.country,
      state: card.billingAddress.state,
      city: card.billingAddress.city,
      zip_code: card.billingAddress.postal_code,
      line1: card.billingAddress.line1,
    },
  };
}

export function krezyCustomer(c: Customer) {
  return {
    status: 'success', customer_id: c.id, first_name: c.first_name, last_name: c.last_name, email: c.email,
    phone: `+${c.phone_prefix}${c.phone_number}`, country: c.address.country, kyc_status: c.kycStatus.toLowerCase(),
    created_at: c.createdAt.toISOString(),
  };
}
