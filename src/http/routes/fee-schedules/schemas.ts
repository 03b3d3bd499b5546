import { Type, type Static } from '@fastify/type-provider-typebox';
import type { MoneySettings } from '../../../fees/index.ts';
import { ExactInteger } from '../../plugins/number-texts.ts';

export const adminMoneyDoc = { tags: ['Admin: money'], security: [{ adminToken: [] }] };
export const MerchantParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'mch_…' }) });

const bps = () => Type.Integer({ minimum: 0, maximum: 10000, description: 'Basis points (1/100 of a percent).' });
const fixed = () => ExactInteger({ minimum: 0, maximum: 1e9, description: 'Minor units.' });

const SCHEDULE_EXAMPLE = { authorization_fixed: 100, authorization_percent_bps: 100, funding_fixed: 0, funding_percent_bps: 0, fx_percent_bps: 250 };

export const FeeScheduleSchema = Type.Object({
  authorization_fixed: fixed(), authorization_percent_bps: bps(),
  funding_fixed: fixed(), funding_percent_bps: bps(),
  fx_percent_bps: bps(),
}, { additionalProperties: false });

export const SetFeeScheduleBody = Type.Object({
  ...FeeScheduleSchema.properties,
  authorization_mode: Type.Optional(Type.Enum(['direct', 'reserve'] as const)),
  clearing_tolerance_bps: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
}, { additionalProperties: false, examples: [{ ...SCHEDULE_EXAMPLE, authorization_mode: 'direct', clearing_tolerance_bps: 2000 }] });

export const FeeScheduleResponse = Type.Object({
  object: Type.Literal('fee_schedule'),
  merchant_id: Type.String(),
  ...FeeScheduleSchema.properties,
  authorization_mode: Type.String({ description: '`direct` or `reserve`: the default of cards without their own.' }),
  clearing_tolerance_bps: Type.Integer({ description: 'How far a clearing may exceed its hold, in basis points.' }),
}, {
  examples: [{
    object: 'fee_schedule', merchant_id: 'mch_01jz3k8w2yfq9t6v4x0c5n7m1r', ...SCHEDULE_EXAMPLE, authorization_mode: 'direct',
    clearing_tolerance_bps: 2000,
  }],
});

export const presentFeeSchedule = (merchantId: string, s: MoneySettings) => ({
  object: 'fee_schedule' as const, merchant_id: merchantId, ...s.feeSchedule, authorization_mode: s.authorizationMode,
  clearing_tolerance_bps: s.clearingToleranceBps,
}) satisfies Static<typeof FeeScheduleResponse>;
