import { Type, type Static } from '@fastify/type-provider-typebox';
import { countryCommonName } from '../../lib/countries.ts';
import { formatMinor } from '../../lib/money.ts';
import type { DomainError } from '../../lib/errors.ts';
import { CARD_STATUSES, type Card, type CardBalances, type CardStatus } from '../../cards/index.ts';
import type { Customer, KycStatus } from '../../customers/index.ts';
import { Decimal, EXAMPLE, KrezyStatusSchema, Success } from './schemas.ts';

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
  return `The card is ${state}; ${reason.replace(NATIVE_STATUS, (native) => (isCardStatus(native) ? KREZYPAY_STATUS[native] : native))}`;
}

const isCardStatus = (value: unknown): value is CardStatus => (CARD_STATUSES as readonly unknown[]).includes(value);

/** The `error` of a KrezyPay error body: the module's message, a refused status change in KrezyPay's words. */
export function krezyRefusal(err: DomainError): string {
  const status = err.details?.status;
  const action = err.details?.action;
  if (err.code !== 'invalid_card_status' || !isCardStatus(status)) return err.message;
  return krezyCardStatusRefusal(status, typeof action === 'string' ? action : undefined, err.message);
}

const NATIVE_STATUS = new RegExp(`\\b(${[...CARD_STATUSES].sort((a, b) => b.length - a.length).join('|')})\\b`, 'g');

export const expMMYY = (c: Card) => `${String(c.expMonth).padStart(2, '0')}/${String(c.expYear % 100).padStart(2, '0')}`;

/** Seed 000's example, its masked number written as SPEC §3 shows it (the seed's lost a digit). */
const CARD_EXAMPLE = {
  card_id: EXAMPLE.cardId, card_status: 'active', card_holder: 'Antoine Jeff', card_number: '5323 **** **** 9217', cvv: '***',
  last4: '9217', exp: '10/28', balance: '0.00', authorization_balance: '2.00',
  address: { country: 'United States', state: 'California', city: 'San Francisco', zip_code: '94105', line1: '1088 Roosevelt Street' },
};

const cardProperties = (number: string, cvv: string) => ({
  card_id: Type.String({ description: 'card_…' }),
  card_status: KrezyStatusSchema,
  card_holder: Type.String({ description: "The customer's first and last name." }),
  card_number: Type.String({ description: number }),
  cvv: Type.String({ description: cvv }),
  last4: Type.String(),
  exp: Type.String({ description: 'MM/YY.' }),
  balance: Decimal('Available on the card, in its currency.'),
  authorization_balance: Decimal('Reserved by send_authorization and not yet spent or returned.'),
  address: Type.Object({
    country: Type.String({ description: "The billing country's English name." }),
    state: Type.String(), city: Type.String(), zip_code: Type.String(), line1: Type.String(),
  }, { description: 'The billing address.' }),
});

export const KrezyCardSchema = Success(
  cardProperties('Masked, in groups: the first 4 and last 4 digits.', 'Always ***.'), CARD_EXAMPLE, 'The card, its number masked.');

/** The reveal: the only answer with a full number (a test number in the example). */
export const KrezyCardDetailsSchema = Success(
  cardProperties('The full card number, digits only.', 'The 3-digit CVV.'),
  { ...CARD_EXAMPLE, card_number: '5323000000099217', cvv: '123' }, 'The card with its full number and CVV; never cached (no-store).');

/** The retrieve_card shape, field for field: masked number in groups, CVV hidden, decimal strings for money. */
export function krezyCard(card: Card, customer: Customer, balances: CardBalances, scale: number, number: string, cvv: string) {
  return {
    status: 'success' as const,
    card_id: card.id,
    card_status: KREZYPAY_STATUS[card.status],
    card_holder: `${customer.firstName} ${customer.lastName}`,
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
  } satisfies Static<typeof KrezyCardSchema>;
}

/** The native KYC states in lower case, as KrezyPay writes its states. */
const KREZYPAY_KYC = {
  NOT_STARTED: 'not_started', WAITING_KYC: 'waiting_kyc', PASSED: 'passed', REJECTED: 'rejected',
} as const satisfies Record<KycStatus, string>;

export const KrezyCustomerSchema = Success({
  customer_id: Type.String({ description: 'cus_…' }),
  first_name: Type.String(), last_name: Type.String(), email: Type.String(),
  phone: Type.String({ description: 'E.164: + the calling code and the national number.' }),
  country: Type.String({ description: "The address's ISO 3166-1 alpha-2." }),
  kyc_status: Type.Enum(Object.values(KREZYPAY_KYC)),
  created_at: Type.String({ format: 'date-time' }),
}, {
  customer_id: EXAMPLE.customerId, first_name: 'Antoine', last_name: 'Jeff', email: 'antoine.jeff@example.com', phone: '+14155552671',
  country: 'US', kyc_status: 'not_started', created_at: EXAMPLE.at,
}, 'The customer.');

export function krezyCustomer(c: Customer) {
  return {
    status: 'success' as const, customer_id: c.id, first_name: c.firstName, last_name: c.lastName, email: c.email,
    phone: `+${c.phonePrefix}${c.phoneNumber}`, country: c.address.country, kyc_status: KREZYPAY_KYC[c.kycStatus],
    created_at: c.createdAt.toISOString(),
  } satisfies Static<typeof KrezyCustomerSchema>;
}
