import type { FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { assert } from '../../../lib/assert.ts';
import { assertWebhookUrl } from '../../../webhooks/index.ts';
import { actionContext } from '../../plugins/auth.ts';

export const webhookRoute = { schema: { tags: ['Webhooks'], security: [{ apiKey: [] }] } };
export const EndpointParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'we_…' }) });

/**
 * Who acts and from where, at the real time, not the sandbox test clock: deliveries and secret overlaps run on the
 * dispatcher's clock (and signature policies on the server's).
 */
export function realTimeContext(request: FastifyRequest) {
  const now = request.server.deps.clock.now();
  return { ...actionContext(request, now), at: now };
}

/** The URLs checked for a request, as assertWebhookUrl answered them (normalised). */
const checkedUrls = new WeakMap<FastifyRequest, string>();

/**
 * A preHandler: check a webhook URL before the route's transaction opens, since the check may wait on DNS and no
 * transaction should wait on the network. A refusal here is not stored under the Idempotency-Key: a retry checks again.
 */
export async function checkUrlFirst(request: FastifyRequest, url: string | undefined): Promise<void> {
  if (url === undefined) return;
  checkedUrls.set(request, await assertWebhookUrl(url, { allowPrivate: request.server.deps.config.webhooksAllowPrivate }));
}

/** The URL checkUrlFirst answered for this request's body. */
export function checkedUrl(request: FastifyRequest): string {
  const url = checkedUrls.get(request);
  assert(url !== undefined, 'a route with a webhook URL runs checkUrlFirst as its preHandler');
  return url;
}
