import { Type } from '@fastify/type-provider-typebox';
import { KYC_STATUSES } from '../../customers/index.ts';
import { Timestamp } from '../schemas.ts';

const text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });

export const AddressSchema = Type.Object({
  line1: text(140, 'Street address; letters, digits, spaces and . , \' / # -'),
  city: text(60),
  state: text(60),
  postal_code: text(16),
  country: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2, e.g. FR.' }),
}, { additionalProperties: false });

export const CustomerInputSchema = Type.Object({
  first_name: text(26, 'Letters A–Z, space, - \' . only (embossed on cards).'),
  last_name: text(26, 'Letters A–Z, space, - \' . only (embossed on cards).'),
  email: Type.String({ format: 'email', maxLength: 254 }),
  phone_prefix: Type.String({ pattern: '^[0-9]{1,4}$', description: 'International calling code without +, e.g. 33.' }),
  phone_number: Type.String({ pattern: '^[0-9]{4,15}$', description: 'National number, digits only.' }),
  phone_country: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2 of the phone number.' }),
  date_of_birth: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD; the customer must be an adult.' }),
  address: AddressSchema,
}, { additionalProperties: false });

export const CustomerPatchSchema = Type.Object({
  ...Type.Partial(Type.Omit(CustomerInputSchema, ['address'])).properties,
  address: Type.Optional(Type.Partial(AddressSchema)),
}, { additionalProperties: false, minProperties: 1 });

export const CustomerSchema = Type.Object({
  id: Type.String({ description: 'cus_…' }),
  object: Type.Literal('customer'),
  ...Type.Omit(CustomerInputSchema, ['address']).properties,
  address: Type.Object(AddressSchema.properties),
  kyc_status: Type.Union(KYC_STATUSES.map((s) => Type.Literal(s))),
  livemode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
