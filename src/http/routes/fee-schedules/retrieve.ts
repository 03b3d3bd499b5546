import { moneySettingsOf } from '../../../fees/index.ts';
import { getMerchant } from '../../../merchants/index.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { FeeScheduleResponse, MerchantParams, adminMoneyDoc, presentFeeSchedule } from './schemas.ts';

export function retrieveFeeScheduleRoute(app: TypedApp): void {
  const { db } = app.deps;
  app.get('/admin/v1/merchants/:id/fee_schedule', {
    config: { auth: 'admin' },
    schema: {
      ...adminMoneyDoc, operationId: 'admin.feeSchedules.retrieve', summary: "A merchant's fee schedule",
      description: 'The fee schedule in force (the default, 1.00 + 1 % per authorization, until the operator sets one), the default '
        + 'authorization mode and the clearing tolerance.',
      params: MerchantParams,
      response: { 200: FeeScheduleResponse, ...errorResponses(404) },
    },
  }, async (request) => {
    const merchant = await getMerchant(db, request.params.id);
    return presentFeeSchedule(merchant.id, await moneySettingsOf(db, merchant.id));
  });
}
