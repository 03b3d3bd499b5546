import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { SMS_STATUSES, type SmsStatus } from '../../../sms/index.ts';
import { Timestamp } from '../../schemas.ts';

export const tags = ['SMS'];
export const security = [{ apiKey: [] }];
export const adminTags = ['Admin: SMS and notifications'];
export const adminSecurity = [{ adminToken: [] }];

/** The routes of this folder, typed from their schemas (no casts of request.body). */
export const typed = (app: FastifyInstance) => app.withTypeProvider<TypeBoxTypeProvider>();

/**
 * mutation() answers the work's body or a stored replay of it (JSON, so `unknown` to TypeScript); the route's
 * response schema serializes either.
 */
export const replayable = (answer: Promise<unknown>) => answer as Promise<never>;

/** Written out (a union mapped from a list widens to string); the check below keeps it the domain's list. */
export const SmsStatusSchema = Type.Union([Type.Literal('queued'), Type.Literal('sent'), Type.Literal('delivered'), Type.Literal('failed')]);
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusesMatch: Same<Static<typeof SmsStatusSchema>, SmsStatus> = true;
void statusesMatch;
void SMS_STATUSES;

export const E164 = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164: + and the country code, up to 15 digits (+14155552671).' });

export const SmsSchema = Type.Object({
  id: Type.String({ description: 'sms_…' }),
  object: Type.Literal('sms'),
  to: Type.String({ description: 'E.164.' }),
  customer_id: Type.Union([Type.String(), Type.Null()], { description: 'The customer it was sent to, when sent by `customer_id`.' }),
  country: Type.String({ description: 'The destination, from the number.' }),
  encoding: Type.Union([Type.Literal('GSM-7'), Type.Literal('UCS-2')]),
  segments: Type.Integer({ description: 'Parts the carrier sends: GSM-7 160 characters (153 each once split), UCS-2 70 (67).' }),
  price: Type.Integer({ description: 'segments × the price per segment, minor units of `currency`: held while queued or sent, taken on delivery, returned on failure.' }),
  currency: Type.String(),
  status: Type.Union([SmsStatusSchema], { description: '`queued → sent → delivered | failed`, as the provider reports it.' }),
  failure_reason: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const SmsCountrySchema = Type.Object({
  object: Type.Literal('sms_country'),
  country: Type.String({ description: 'ISO 3166-1 alpha-2.' }),
  name: Type.String(),
  price_per_segment: Type.Integer({ description: 'Minor units of `currency`.' }),
  currency: Type.String(),
});
