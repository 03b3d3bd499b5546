import { createTopup, SANDBOX_FAILING_SUFFIX, type TopupProviders } from '../../../topups/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { presentTopupBody, TopupRequestBody, TopupSchema, topupsSchema } from './shared.ts';

export function createTopupRoute(app: TypedApp, providers: TopupProviders): void {
  const { clock } = app.deps;
  app.post('/v1/topups', {
    config: { idempotent: true },
    schema: {
      ...topupsSchema, operationId: 'topups.create', summary: 'Send a top-up',
      description: 'Sends airtime to a mobile number. The total (price + fee) is held on the wallet at once (422 '
        + '`insufficient_funds` when it cannot be, nothing moved) and the top-up answers `pending`; when the provider answers it '
        + 'becomes `succeeded` (the hold is taken: `topup.succeeded`) or `failed` (the hold is released: `topup.failed`). In '
        + `sandbox it completes about 2 seconds later, and a number ending in ${SANDBOX_FAILING_SUFFIX} fails (+1 201 555 `
        + `${SANDBOX_FAILING_SUFFIX}, +237 6 71 00 00 00). Live top-ups need the operator's provider (422 \`topup_unavailable\` otherwise).`,
      body: TopupRequestBody,
      response: { 201: { ...TopupSchema, description: 'The top-up, pending.' }, ...errorResponses(403, 409, 422) },
    },
  }, async (request, reply) => {
    const { country, operator, phone } = request.body;
    const topup = await createTopup(txOf(request), ownerOf(request), { country, operator, phone, amount: amountFrom(request, 'amount') },
      actionContext(request, clock.now()), { providers, clock });
    reply.code(201);
    return presentTopupBody(topup);
  });
}
