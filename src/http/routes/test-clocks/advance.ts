import { Type } from '@fastify/type-provider-typebox';
import { advanceClock } from '../../../authorizations/index.ts';
import { changingPrincipals, ownerOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { Timestamp, errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';

/** Why 400 days: past a year's card expiry and every hold and reservation lifetime, in one call. */
const ADVANCE_SECONDS_MAX = 400 * 24 * 3600;

export const AdvanceClockBody = Type.Object({
  seconds: Type.Integer({ minimum: 1, maximum: ADVANCE_SECONDS_MAX }),
}, { additionalProperties: false, examples: [{ seconds: 604800 }] });

export const TestClockSchema = Type.Object({
  object: Type.Literal('test_clock'),
  now: Timestamp,
  expired: Type.Object({ reservations: Type.Integer(), authorizations: Type.Integer() }),
}, { examples: [{ object: 'test_clock', now: '2026-11-11T10:30:00.000Z', expired: { reservations: 1, authorizations: 2 } }] });

export function advanceTestClockRoute(app: TypedApp): void {
  app.post('/v1/simulate/clock/advance', {
    // Not config.idempotent: the principals carry the clock offset and are forgotten after the transaction, around mutation().
    config: { sandboxOnly: true },
    schema: {
      tags: ['Simulation'], security: [{ apiKey: [] }], operationId: 'testClock.advance', summary: 'Advance the sandbox clock',
      description: "Moves this sandbox merchant's clock forward and runs the reservation and hold expiry jobs at the new time, so "
        + 'tests see expiries without waiting.',
      body: AdvanceClockBody,
      response: { 200: TestClockSchema, ...errorResponses(403) },
    },
  }, (request, reply) => {
    const { merchantId } = ownerOf(request);
    return changingPrincipals(request, merchantId, () => mutation(request, reply, async (tx) => {
      const r = await advanceClock(tx, merchantId, request.body.seconds, app.deps.clock.now());
      return { status: 200, body: { object: 'test_clock' as const, now: r.now.toISOString(), expired: r.expired } };
    }));
  });
}
