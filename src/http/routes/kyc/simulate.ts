import { Type } from '@fastify/type-provider-typebox';
import { decideKyc } from '../../../kyc/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { KycSchema, presentKyc } from '../../presenters/kyc.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { CustomerIdParams } from './shared.ts';

export const SimulateKycBody = Type.Object({
  decision: Type.Union([Type.Literal('PASSED'), Type.Literal('REJECTED')]),
  reason: Type.Optional(Type.String({ maxLength: 500, description: 'For REJECTED; a default reason otherwise.' })),
}, { additionalProperties: false, examples: [{ decision: 'REJECTED', reason: 'The document photo is blurred.' }] });

export function simulateKycRoute(app: TypedApp): void {
  app.post('/v1/simulate/kyc/:id', {
    config: { sandboxOnly: true, idempotent: true },
    schema: {
      tags: ['Simulation'], security: [{ apiKey: [] }], operationId: 'kyc.simulateDecision', summary: 'Simulate a KYC decision',
      description: 'Sandbox only (403 `sandbox_only` with a live key): decides a WAITING_KYC submission as the operator would.',
      params: CustomerIdParams,
      body: SimulateKycBody,
      response: { 200: { ...KycSchema, description: 'The KYC, decided.' }, ...errorResponses(403, 404, 409, 422) },
    },
  }, async (request) => {
    const { decision, reason } = request.body;
    const why = decision === 'REJECTED' ? reason ?? 'Rejected by the sandbox simulator.' : null;
    const { customer, record } = await decideKyc(txOf(request), request.params.id, decision, why,
      { ...actionContext(request, app.deps.clock.now()), keys: app.deps.keys }, ownerOf(request));
    return presentKyc(customer, record);
  });
}
