import type { Customer } from './types.ts';

/**
 * The customer in the native wire shape: the object of its `customer.*` events, written in the same transaction
 * as the change (so the domain module builds it); the API's presenter shows the same and is checked against its schema.
 */
export function customerPayload(c: Customer) {
  return {
    id: c.id, object: 'customer' as const, first_name: c.firstName, last_name: c.lastName, email: c.email,
    phone_prefix: c.phonePrefix, phone_number: c.phoneNumber, phone_country: c.phoneCountry,
    date_of_birth: c.dateOfBirth, address: c.address, kyc_status: c.kycStatus, livemode: c.mode === 'live',
    created_at: c.createdAt.toISOString(), updated_at: c.updatedAt.toISOString(),
  };
}
