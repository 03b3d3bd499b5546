import type { Mode } from '../merchants/index.ts';

export const KYC_STATUSES = ['NOT_STARTED', 'WAITING_KYC', 'PASSED', 'REJECTED'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

/** Every merchant-owned object belongs to one merchant and one mode; data never crosses either. */
export interface Owner {
  merchantId: string;
  mode: Mode;
}

/**
 * A postal address, in the shape it is stored (jsonb) and shown. It keeps `postal_code`: cards store the same
 * shape as their billing and shipping addresses and take it as their input, and error params name its fields.
 */
export interface Address {
  line1: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
}

export interface CustomerInput {
  firstName: string;
  lastName: string;
  email: string;
  /** The international calling code, digits without +. */
  phonePrefix: string;
  /** The national number, digits only. */
  phoneNumber: string;
  /** ISO 3166-1 alpha-2 of the phone number. */
  phoneCountry: string;
  /** YYYY-MM-DD. */
  dateOfBirth: string;
  address: Address;
}

export type CustomerPatch = Partial<Omit<CustomerInput, 'address'>> & { address?: Partial<Address> };

export interface Customer extends CustomerInput {
  id: string;
  merchantId: string;
  mode: Mode;
  kycStatus: KycStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface CustomerPolicy {
  minAge: number;
}
