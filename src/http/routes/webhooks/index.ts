import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import {
  assertWebhookUrl, createEndpoint, deleteEndpoint, getEndpoint, listAttempts, listEndpoints, presentAttempt, presentEndpoint,
  rotateSecret, updateEndpoint, type EndpointInput, type EndpointPatch,
} from '../../../webhooks/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import { AttemptSchema, EndpointInputSchema, EndpointPatchSchema, EndpointSchema, EndpointWithSecretSchema } from './schemas.ts';

const tags = ['Webhooks'];
const security = [{ apiKey: [] }];
const IdParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'we_…' }) });
type Page = { limit?: number; starting_after?: string };

export function webhookEndpointRoutes(app: FastifyInstance): void {
  const urlPolicy = () => ({ allowPrivate: app.deps.config.webhooksAllowPrivate });
  // Real time, not the sandbox test clock: deliveries and secret overlaps run on the dispatcher's clock.
  const ctx = (request: Parameters<typeof actionContext>[0]) => {
    const now = app.deps.clock.now();
    return { ...actionContext(request, now), at: now };
  };

  app.post('/v1/webhook_endpoints', {
    schema: {
      tags, security, summary: 'Create a webhook endpoint',
      description: 'Registers an HTTPS URL to receive events signed per Standard Webhooks (and RFC 9421 with Tessera\'s key). The URL must not resolve to a private, loopback or link-local address. The `secret` is shown only in this response.',
      body: EndpointInputSchema,
      response: { 201: EndpointWithSecretSchema, ...errorResponses(403, 409) },
    },
  }, async (request, reply) => {
    const typed = request.body as EndpointInput;
    // Before the transaction: the check may wait on DNS.
    const input = { ...typed, url: await assertWebhookUrl(typed.url, urlPolicy()) };
    return mutation(request, reply, async (tx) => {
      const { endpoint, secret } = await createEndpoint(tx, app.deps.keys, ownerOf(request), input, ctx(request));
      return { status: 201, body: { ...presentEndpoint(endpoint), secret } };
    }, { secret: true });
  });

  app.get('/v1/webhook_endpoints', {
    schema: {
      tags, security, summary: 'List webhook endpoints', description: 'Newest first.',
      querystring: PageQuery, response: { 200: listOf(EndpointSchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const q = request.query as Page;
    const page = await listEndpoints(app.deps.db, ownerOf(request), { limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null });
    return { object: 'list' as const, data: page.data.map(presentEndpoint), has_more: page.hasMore };
  });

  app.get('/v1/webhook_endpoints/:id', {
    schema: {
      tags, security, summary: 'Retrieve a webhook endpoint', description: 'Without its secret.',
      params: IdParams, response: { 200: EndpointSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => presentEndpoint(await getEndpoint(app.deps.db, ownerOf(request), (request.params as { id: string }).id)));

  app.patch('/v1/webhook_endpoints/:id', {
    schema: {
      tags, security, summary: 'Update a webhook endpoint',
      description: 'Change `url`, `events`, `description`, or `enabled`. Disabling cancels pending deliveries; enabling a disabled endpoint restarts its failure clock.',
      params: IdParams, body: EndpointPatchSchema, response: { 200: EndpointSchema, ...errorResponses(403, 404) },
    },
  }, async (request, reply) => {
    const typed = request.body as EndpointPatch;
    const patch = typed.url === undefined ? typed : { ...typed, url: await assertWebhookUrl(typed.url, urlPolicy()) };
    return mutation(request, reply, async (tx) => {
      const endpoint = await updateEndpoint(tx, ownerOf(request), (request.params as { id: string }).id, patch, ctx(request));
      return { status: 200, body: presentEndpoint(endpoint) };
    });
  });

  app.delete('/v1/webhook_endpoints/:id', {
    schema: {
      tags, security, summary: 'Delete a webhook endpoint', description: 'Stops deliveries at once; pending ones are cancelled.',
      params: IdParams,
      response: { 200: Type.Object({ id: Type.String(), object: Type.Literal('webhook_endpoint'), deleted: Type.Literal(true) }), ...errorResponses(403, 404) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const endpoint = await deleteEndpoint(tx, ownerOf(request), (request.params as { id: string }).id, ctx(request));
      return { status: 200, body: { id: endpoint.id, object: 'webhook_endpoint' as const, deleted: true as const } };
    }));

  app.post('/v1/webhook_endpoints/:id/rotate_secret', {
    schema: {
      tags, security, summary: 'Rotate the signing secret',
      description: 'Returns a new secret (shown only here). For 24 hours deliveries carry two signatures in `webhook-signature`, one per secret, so receivers can switch without losing events.',
      params: IdParams, response: { 200: EndpointWithSecretSchema, ...errorResponses(403, 404) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const { endpoint, secret } = await rotateSecret(tx, app.deps.keys, ownerOf(request), (request.params as { id: string }).id, ctx(request));
      return { status: 200, body: { ...presentEndpoint(endpoint), secret } };
    }, { secret: true }));

  app.get('/v1/webhook_endpoints/:id/deliveries', {
    schema: {
      tags, security, summary: 'List delivery attempts',
      description: 'Every attempt to this endpoint, newest first: when, the HTTP status, the latency, and the first 1 KiB of the response. Filter by `event_id`.',
      params: IdParams,
      querystring: Type.Object({ ...PageQuery.properties, event_id: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
      response: { 200: listOf(AttemptSchema), ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const q = request.query as Page & { event_id?: string };
    const page = await listAttempts(app.deps.db, ownerOf(request), (request.params as { id: string }).id, { eventId: q.event_id },
      { limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null });
    return { object: 'list' as const, data: page.data.map(presentAttempt), has_more: page.hasMore };
  });
}
