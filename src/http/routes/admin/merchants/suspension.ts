import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { resumeMerchant, suspendMerchant, SUSPENSION_REASON_LENGTH_MAX } from '../../../../merchants/index.ts';
import { actionContext, changingPrincipals } from '../../../plugins/auth.ts';
import { mutation } from '../../../plugins/idempotency.ts';
import { MerchantSchema, presentMerchant } from '../../../presenters/merchants.ts';
import { errorResponses } from '../../../schemas.ts';
import { adminRoute, MerchantParams } from './shared.ts';

export function suspensionRoutes(app: FastifyInstance): void {
  app.post('/admin/v1/merchants/:id/suspend', {
    ...adminRoute,
    // The body is optional: no body suspends without a reason.
    preValidation: async (request) => {
      request.body ??= {};
    },
    schema: {
      ...adminRoute.schema, summary: 'Suspend a merchant',
      description: "Stops the merchant: its keys and tokens (every mode, every surface, the KazePay gateway included) answer 403 "
        + '`merchant_suspended`, and authorizations on its cards decline with reason `merchant_suspended` (ISO 8583 `05`), from '
        + 'the next request on this server process and within 1 second on every other. Its data, balances and webhooks stay; '
        + 'pending holds may still clear, reverse or expire. Suspending again keeps the first time and replaces the reason. Audited.',
      params: MerchantParams,
      body: Type.Object({
        reason: Type.Optional(Type.String({ minLength: 1, maxLength: SUSPENSION_REASON_LENGTH_MAX, description: "The operator's note." })),
      }, { additionalProperties: false }),
      response: { 200: MerchantSchema, ...errorResponses(404, 409, 422) },
    },
  }, (request, reply) => {
    const { id } = request.params as { id: string };
    const reason = (request.body as { reason?: string }).reason ?? null;
    return changingPrincipals(request, id, () => mutation(request, reply, async (tx) => {
      const merchant = await suspendMerchant(tx, id, reason, actionContext(request, app.deps.clock.now()));
      return { status: 200, body: presentMerchant(merchant) };
    }));
  });

  app.post('/admin/v1/merchants/:id/resume', {
    ...adminRoute,
    schema: {
      ...adminRoute.schema, summary: 'Resume a suspended merchant',
      description: 'Lifts a suspension: its keys, tokens and cards work again (live keys only with live access). Harmless when '
        + 'the merchant is not suspended. Audited.',
      params: MerchantParams,
      response: { 200: MerchantSchema, ...errorResponses(404, 409, 422) },
    },
  }, (request, reply) => {
    const { id } = request.params as { id: string };
    return changingPrincipals(request, id, () => mutation(request, reply, async (tx) => {
      const merchant = await resumeMerchant(tx, id, actionContext(request, app.deps.clock.now()));
      return { status: 200, body: presentMerchant(merchant) };
    }));
  });
}
