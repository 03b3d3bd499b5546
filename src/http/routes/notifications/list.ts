import { Type, type Static } from '@fastify/type-provider-typebox';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { listNotifications } from '../../../notifications/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { PageQuery, Timestamp, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';

export const NotificationSchema = Type.Object({
  id: Type.String({ description: 'ntf_…' }),
  object: Type.Literal('notification'),
  customer_id: Type.Union([Type.String(), Type.Null()]),
  channel: Type.String(),
  recipient: Type.String(),
  kind: Type.String(),
  body: Type.String(),
  status: Type.String(),
  created_at: Timestamp,
}, {
  examples: [{
    id: 'ntf_01jz3r7t9w1y3a5c7e9g1j3m5p', object: 'notification', customer_id: 'cus_01jz3n9d4fb7c1x3z5v7n9m1k3', channel: 'sms',
    recipient: '+33612345678', kind: 'card.activation_code',
    body: 'Your card ending 4242 is on its way. Activation code: 48201937. It works once; never share it.', status: 'stored',
    created_at: '2026-11-04T10:21:37.204Z',
  }],
});

type Notification = Awaited<ReturnType<typeof listNotifications>>[number];

const presentNotification = (n: Notification) => ({
  id: n.id, object: 'notification' as const, customer_id: n.customerId, channel: n.channel, recipient: n.recipient, kind: n.kind,
  body: n.body, status: n.status, created_at: n.createdAt.toISOString(),
}) satisfies Static<typeof NotificationSchema>;

export function listSandboxNotificationsRoute(app: TypedApp): void {
  const { db, keys } = app.deps;
  app.get('/v1/simulate/notifications', {
    config: { sandboxOnly: true },
    schema: {
      tags: ['Simulation'], security: [{ apiKey: [] }], operationId: 'notifications.listSandbox', summary: 'Sandbox notification outbox',
      description: 'Sandbox only: the messages Tessera sent to cardholders (activation codes, KYC results), newest first, optionally '
        + 'for one customer.',
      querystring: Type.Object({ ...PageQuery.properties, customer_id: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
      response: { 200: listOf(NotificationSchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, customer_id: customerId = null } = request.query;
    const rows = await listNotifications(db, keys, ownerOf(request), customerId, limit + 1, startingAfter);
    return { object: 'list' as const, has_more: rows.length > limit, data: rows.slice(0, limit).map(presentNotification) };
  });
}
