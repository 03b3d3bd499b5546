import { Type } from '@fastify/type-provider-typebox';
import { PAGE_LIMIT_DEFAULT, toPage } from '../../../lib/pagination.ts';
import { listNotificationsForOperator, NOTIFICATION_ATTEMPTS_MAX } from '../../../notifications/index.ts';
import { errorResponses, listOf, PageQuery } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { NotificationSchema, presentNotification } from './admin-schemas.ts';
import { smsAdmin } from './shared.ts';

export const NotificationsQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(Type.Union([
    Type.Literal('stored'), Type.Literal('queued'), Type.Literal('sent'), Type.Literal('delivered'), Type.Literal('failed'),
  ])),
  channel: Type.Optional(Type.Union([Type.Literal('sms'), Type.Literal('email')])),
}, { additionalProperties: false });

export function adminListNotificationsRoute(app: TypedApp): void {
  app.get('/admin/v1/notifications', {
    config: smsAdmin.config,
    schema: {
      ...smsAdmin.schema, operationId: 'admin.notifications.list', summary: 'Messages the channel sends',
      description: "Every merchant's notifications (activation codes, KYC results, SMS), newest first, without their bodies: "
        + '`status=failed` lists the sends that gave up (refused by the provider, or '
        + `${NOTIFICATION_ATTEMPTS_MAX} attempts failed), \`status=queued\` those waiting for a retry, with the last error and the next attempt.`,
      querystring: NotificationsQuery,
      response: { 200: { ...listOf(NotificationSchema), description: 'A page of notifications.' }, ...errorResponses(404) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, status = null, channel = null } = request.query;
    // The notifications module reads limit + 1 rows; the extra one only says that there is more.
    const page = toPage(await listNotificationsForOperator(app.deps.db, { status, channel }, limit + 1, startingAfter), limit);
    return { object: 'list' as const, data: page.data.map(presentNotification), has_more: page.hasMore };
  });
}
