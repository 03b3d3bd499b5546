import type { Mode } from '../merchants/index.ts';

export const KYC_STATUSES = ['NOT_STARTED', 'WAITING_KYC', 'PASSED', 'REJECTED'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

/** Every merchant-owned object belongs to one merchant and one mode; data never crosses either. */
export interface Owner {
  merchantId: string;
  mode: Mode;
}

export interface Address {
  line1: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
}

export interface CustomerInput {
  first_name: string;
  last_name: string;
  email: string;
  phone_prefix: string;
  phone_number: string;
  phone_country: string;
  date_of_birth: string;
  address: Address;
}

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
