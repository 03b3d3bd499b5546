import { countryCommonName } from '../../lib/countries.ts';
import { formatMinor } from '../../lib/money.ts';
import type { Card, CardBalances, CardStatus } from '../../cards/index.ts';
import type { Customer } from '../../customers/index.ts';

/** KrezyPay's lower-case vocabulary for Tessera's card states. */
export const KREZYPAY_STATUS: Record<CardStatus, string> = {
  PENDING_ACTIVATION: 'pending', ACTIVE: 'active', INACTIVE: 'frozen', EXPIRED: 'expired', TERMINATED: 'terminated', CLOSED: 'closed', ARCHIVED: 'archived',
};

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
