import { Type, type Static } from '@fastify/type-provider-typebox';
import { customerPayload, KYC_STATUSES, type Customer, type CustomerInput, type CustomerPatch } from '../../customers/index.ts';
import { Timestamp } from '../schemas.ts';

const text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const EMBOSSED = 'Letters A–Z, space, - \' . only (embossed on cards).';

export const ADDRESS_EXAMPLE = { line1: '12 Rue de Rivoli', city: 'Paris', state: 'Ile-de-France', postal_code: '75004', country: 'FR' };

export const AddressSchema = Type.Object({
  line1: text(140, 'Street address; letters, digits, spaces and . , \' / # -'),
  city: text(60),
  state: text(60),
  postal_code: text(16),
  country: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2, e.g. FR.' }),
}, { additionalProperties: false });

const CUSTOMER_INPUT_EXAMPLE = {
  first_name: 'Amelie', last_name: "O'Neil", email: 'amelie.oneil@example.com', phone_prefix: '33', phone_number: '612345678',
  phone_country: 'FR', date_of_birth: '1990-04-17', address: ADDRESS_EXAMPLE,
};

export const CustomerInputSchema = Type.Object({
  first_name: text(26, EMBOSSED),
  last_name: text(26, EMBOSSED),
  email: Type.String({ format: 'email', maxLength: 254 }),
  phone_prefix: Type.String({ pattern: '^[0-9]{1,4}$', description: 'International calling code without +, e.g. 33.' }),
  phone_number: Type.String({ pattern: '^[0-9]{4,15}$', description: 'National number, digits only.' }),
  phone_country: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2 of the phone number.' }),
  date_of_birth: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD; the customer must be an adult.' }),
  address: AddressSchema,
}, { additionalProperties: false, examples: [CUSTOMER_INPUT_EXAMPLE] });
export type CustomerBody = Static<typeof CustomerInputSchema>;

export const CustomerPatchSchema = Type.Object({
  ...Type.Partial(Type.Omit(CustomerInputSchema, ['address'])).properties,
  address: Type.Optional(Type.Partial(AddressSchema)),
}, { additionalProperties: false, minProperties: 1, examples: [{ phone_number: '698765432', address: { line1: '3 Quai de Bourbon' } }] });

export const CustomerSchema = Type.Object({
  id: Type.String({ description: 'cus_…' }),
  object: Type.Literal('customer'),
  ...Type.Omit(CustomerInputSchema, ['address']).properties,
  address: Type.Object(AddressSchema.properties),
  kyc_status: Type.Enum(KYC_STATUSES),
  livemode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
}, {
  examples: [{
    id: 'cus_01jz3q5d8kf2r7w4v9x1b6n3ta', object: 'customer', ...CUSTOMER_INPUT_EXAMPLE, kyc_status: 'NOT_STARTED', livemode: false,
    created_at: '2026-11-04T10:21:37.114Z', updated_at: '2026-11-04T10:21:37.114Z',
  }],
});

/** The wire body → the domain's input (the native route and KrezyPay's customer/create take the same fields). */
export const customerInputOf = (b: CustomerBody): CustomerInput => ({
  firstName: b.first_name, lastName: b.last_name, email: b.email, phonePrefix: b.phone_prefix, phoneNumber: b.phone_number,
  phoneCountry: b.phone_country, dateOfBirth: b.date_of_birth, address: b.address,
});

/** Only the fields sent: the others are undefined, and the domain keeps their current values. */
export const customerPatchOf = (b: Static<typeof CustomerPatchSchema>): CustomerPatch => ({
  firstName: b.first_name, lastName: b.last_name, email: b.email, phonePrefix: b.phone_prefix, phoneNumber: b.phone_number,
  phoneCountry: b.phone_country, dateOfBirth: b.date_of_birth, address: b.address,
});

/** The same object as the `customer.*` events carry (built by the domain module), checked against the schema. */
export const presentCustomer = (c: Customer) => customerPayload(c) satisfies Static<typeof CustomerSchema>;
