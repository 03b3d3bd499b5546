import { setMoneySettings } from '../../../fees/index.ts';
import { getMerchant } from '../../../merchants/index.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { FeeScheduleResponse, MerchantParams, SetFeeScheduleBody, adminMoneyDoc, presentFeeSchedule } from './schemas.ts';

export function setFeeScheduleRoute(app: TypedApp): void {
  app.put('/admin/v1/merchants/:id/fee_schedule', {
    config: { auth: 'admin', idempotent: true },
    schema: {
      ...adminMoneyDoc, operationId: 'admin.feeSchedules.set', summary: "Set a merchant's fee schedule",
      description: 'Authorization fee = fixed + percent (basis points) of the amount, half-up to the minor unit; optional funding '
        + 'and FX fees. Also the default authorization mode (`direct` or `reserve`) and how far a clearing may exceed its hold '
        + '(basis points).',
      params: MerchantParams,
      body: SetFeeScheduleBody,
      response: { 200: FeeScheduleResponse, ...errorResponses(404) },
    },
  }, async (request) => {
    const tx = txOf(request);
    const merchant = await getMerchant(tx, request.params.id);
    const { authorization_mode: authorizationMode, clearing_tolerance_bps: clearingToleranceBps, ...feeSchedule } = request.body;
    const settings = await setMoneySettings(tx, merchant.id, { feeSchedule, authorizationMode, clearingToleranceBps }, app.deps.clock.now());
    return presentFeeSchedule(merchant.id, settings);
  });
}
