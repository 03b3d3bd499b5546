import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { overview, OVERVIEW_HOURS } from '../../../reports/overview.ts';
import { errorResponses, Timestamp } from '../../schemas.ts';

const Count = Type.Integer({ minimum: 0 });

export const OverviewSchema = Type.Object({
  object: Type.Literal('overview'),
  merchants: Type.Object({ total: Count, suspended: Count, live_access: Count }),
  cards_by_status: Type.Array(Type.Object({ status: Type.String(), count: Count })),
  authorizations_per_hour: Type.Array(Type.Object({ hour: Timestamp, approved: Count, declined: Count }), {
    description: `The last ${OVERVIEW_HOURS} hours (UTC), oldest first, empty hours included.`,
  }),
  decline_reasons: Type.Array(Type.Object({ reason: Type.String(), count: Count }), { description: 'The most frequent decline reasons in the same window.' }),
  kyc_waiting: Type.Integer({ minimum: 0, description: 'Submissions waiting for review.' }),
}, {
  title: 'Overview',
  examples: [{
    object: 'overview',
    merchants: { total: 12, suspended: 1, live_access: 7 },
    cards_by_status: [{ status: 'ACTIVE', count: 1840 }, { status: 'INACTIVE', count: 52 }, { status: 'TERMINATED', count: 9 }],
    authorizations_per_hour: [
      { hour: '2026-11-29T09:00:00.000Z', approved: 412, declined: 23 },
      { hour: '2026-11-29T10:00:00.000Z', approved: 388, declined: 31 },
    ],
    decline_reasons: [{ reason: 'insufficient_funds', count: 38 }, { reason: 'card_inactive', count: 11 }],
    kyc_waiting: 4,
  }],
});

/** GET /admin/v1/overview: the operator's counts across merchants, for the dashboard's first page. */
export function overviewRoute(app: FastifyInstance): void {
  app.get('/admin/v1/overview', {
    config: { auth: 'admin' },
    schema: {
      operationId: 'admin.overview.retrieve',
      tags: ['Admin: merchants'], security: [{ adminToken: [] }], summary: 'Operator overview',
      description: `Merchants, cards by status, authorizations per hour (approved and declined) over the last ${OVERVIEW_HOURS} hours, the top decline reasons, and the KYC queue length, across every merchant and mode.`,
      response: { 200: OverviewSchema, ...errorResponses() },
    },
  }, async () => {
    const o = await overview(app.deps.db, app.deps.clock.now());
    return {
      object: 'overview' as const,
      merchants: { total: o.merchants.total, suspended: o.merchants.suspended, live_access: o.merchants.liveAccess },
      cards_by_status: o.cardsByStatus,
      authorizations_per_hour: o.authorizationsPerHour.map((h) => ({ hour: h.hour.toISOString(), approved: h.approved, declined: h.declined })),
      decline_reasons: o.declineReasons,
      kyc_waiting: o.kycWaiting,
    };
  });
}
