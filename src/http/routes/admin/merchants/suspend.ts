import { Type } from '@fastify/type-provider-typebox';
import { suspendMerchant, SUSPENSION_REASON_LENGTH_MAX } from '../../../../merchants/index.ts';
import { MERCHANT_EXAMPLE, MerchantSchema } from '../../../presenters/merchants.ts';
import { errorResponses } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';
import { adminRoute, changingMerchant, MerchantParams } from './schemas.ts';

export const SuspendMerchantBody = Type.Object({
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: SUSPENSION_REASON_LENGTH_MAX, description: "The operator's note." })),
}, { additionalProperties: false, examples: [{ reason: 'Chargeback rate above the agreed limit; under review.' }] });

export function suspendMerchantRoute(app: TypedApp): void {
  app.post('/admin/v1/merchants/:id/suspend', {
    // Not config.idempotent: see changingMerchant().
    config: adminRoute.config,
    // The body is optional: no body suspends without a reason.
    preValidation: async (request) => {
      request.body ??= {};
    },
    schema: {
      ...adminRoute.schema, operationId: 'admin.merchants.suspend', summary: 'Suspend a merchant',
      description: "Stops the merchant: its keys and tokens (every mode, every surface, the KazePay gateway included) answer 403 "
        + '`merchant_suspended`, and authorizations on its cards decline with reason `merchant_suspended` (ISO 8583 `05`), from '
        + 'the next request on this server process and within 1 second on every other. Its data, balances and webhooks stay; '
        + 'pending holds may still clear, reverse or expire. Suspending again keeps the first time and replaces the reason. Audited.',
      params: MerchantParams,
      body: SuspendMerchantBody,
      response: {
        200: Type.Object(MerchantSchema.properties, {
          description: 'The merchant, suspended.',
          examples: [{
            ...MERCHANT_EXAMPLE, live_access: true, suspended: true, suspended_at: '2026-11-20T08:03:41.220Z',
            suspension_reason: 'Chargeback rate above the agreed limit; under review.', updated_at: '2026-11-20T08:03:41.220Z',
          }],
        }),
        ...errorResponses(404, 409, 422),
      },
    },
  }, (request, reply) => {
    const reason = request.body.reason ?? null;
    return changingMerchant(request, reply, request.params.id, (tx, id, ctx) => suspendMerchant(tx, id, reason, ctx));
  });
}
