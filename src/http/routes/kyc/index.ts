import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import {
  DOCUMENT_SIDES, IDENTIFICATION_TYPES, KYC_IMAGE_BYTES_MAX, decideKyc, getKyc, kycQueue, presentKyc, readDocument, submitKyc,
  type DocumentSide, type KycSubmission,
} from '../../../kyc/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { actionContext, ownerOf, requireSandbox } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { PageQuery, errorResponses, listOf, Timestamp } from '../../schemas.ts';

/** Three images of at most 5 MiB each, base64-encoded (4/3), plus the other fields. */
const KYC_BODY_LIMIT = Math.ceil((3 * KYC_IMAGE_BYTES_MAX * 4) / 3) + 64 * 1024;

const image = (what: string) => Type.String({ minLength: 8, description: `${what}: base64 or data:image/jpeg|png;base64,… — a real JPEG or PNG of at most 5 MiB.` });
const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const KycSchema = Type.Object({
  object: Type.Literal('kyc'),
  customer_id: Type.String(),
  status: Type.Union(['NOT_STARTED', 'WAITING_KYC', 'PASSED', 'REJECTED'].map((s) => Type.Literal(s))),
  reason: nullable(Type.String()),
  identification_type: nullable(Type.String()),
  identification_number_last4: nullable(Type.String()),
  identification_expiry_date: nullable(Type.String()),
  submitted_at: nullable(Timestamp),
  decided_at: nullable(Timestamp),
});
const CustomerParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const AdminParams = Type.Object({ customerId: Type.String({ maxLength: 64 }) });

export function kycRoutes(app: FastifyInstance): void {
  const { keys, clock } = app.deps;

  app.post('/v1/customers/:id/kyc', {
    bodyLimit: KYC_BODY_LIMIT,
    schema: {
      tags: ['KYC'], security: [{ apiKey: [] }], summary: 'Submit KYC',
      description: 'Submits the identity document and images (KazePay setUcardKyc). Images are checked by their bytes (JPEG or PNG, ≤ 5 MiB), encrypted at rest, and never returned through the merchant API. `back_image` is required for ID_CARD. Status becomes WAITING_KYC; a rejected customer may resubmit. Writes `kyc.updated`.',
      params: CustomerParams,
      body: Type.Object({
        identification_type: Type.Union(IDENTIFICATION_TYPES.map((t) => Type.Literal(t))),
        identification_number: Type.String({ minLength: 1, maxLength: 40 }),
        identification_expiry_date: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, not in the past.' }),
        front_image: image('Front of the document'),
        back_image: Type.Optional(image('Back of the document')),
        handheld_image: image('The customer holding the document'),
      }, { additionalProperties: false }),
      response: { 200: KycSchema, ...errorResponses(403, 404, 409, 413, 422) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const { customer, record } = await submitKyc(tx, keys, ownerOf(request), (request.params as { id: string }).id,
        request.body as KycSubmission, actionContext(request, clock.now()));
      return { status: 200, body: presentKyc(customer, record) };
    }));

  app.get('/v1/customers/:id/kyc', {
    schema: {
      tags: ['KYC'], security: [{ apiKey: [] }], summary: 'KYC status',
      description: 'The status and, after a rejection, the reason. Never the images or the full document number.',
      params: CustomerParams, response: { 200: KycSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const { customer, record } = await getKyc(app.deps.db, ownerOf(request), (request.params as { id: string }).id);
    return presentKyc(customer, record);
  });

  app.post('/v1/simulate/kyc/:id', {
    schema: {
      tags: ['Simulation'], security: [{ apiKey: [] }], summary: 'Simulate a KYC decision',
      description: 'Sandbox only: decides a WAITING_KYC submission as the operator would.',
      params: CustomerParams,
      body: Type.Object({ decision: Type.Union([Type.Literal('PASSED'), Type.Literal('REJECTED')]), reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
      response: { 200: KycSchema, ...errorResponses(403, 404, 409, 422) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      requireSandbox(request);
      const body = request.body as { decision: 'PASSED' | 'REJECTED'; reason?: string };
      const reason = body.decision === 'REJECTED' ? body.reason ?? 'Rejected by the sandbox simulator.' : null;
      const { customer, record } = await decideKyc(tx, (request.params as { id: string }).id, body.decision, reason,
        { ...actionContext(request, clock.now()), keys }, ownerOf(request));
      return { status: 200, body: presentKyc(customer, record) };
    }));

  const admin = { config: { auth: 'admin' as const } };
  const adminSchema = { tags: ['Admin: KYC'], security: [{ adminToken: [] }] };

  app.get('/admin/v1/kyc', {
    ...admin,
    schema: {
      ...adminSchema, summary: 'KYC review queue', description: 'Submissions in a status (default WAITING_KYC), oldest first, across merchants.',
      querystring: Type.Object({
        ...PageQuery.properties,
        status: Type.Optional(Type.Union(['WAITING_KYC', 'PASSED', 'REJECTED'].map((s) => Type.Literal(s)))),
      }, { additionalProperties: false }),
      response: {
        200: listOf(Type.Object({
          customer_id: Type.String(), merchant_id: Type.String(), mode: Type.String(), name: Type.String(), email: Type.String(),
          status: Type.String(), reason: nullable(Type.String()), identification_type: Type.String(), identification_number_last4: Type.String(),
          identification_expiry_date: Type.String(), submitted_at: Timestamp, documents: Type.Array(Type.String()),
        })),
        ...errorResponses(),
      },
    },
  }, async (request) => {
    const q = request.query as { limit?: number; starting_after?: string; status?: 'WAITING_KYC' | 'PASSED' | 'REJECTED' };
    const limit = q.limit ?? PAGE_LIMIT_DEFAULT;
    const rows = await kycQueue(app.deps.db, q.status ?? 'WAITING_KYC', limit + 1, q.starting_after ?? null);
    return {
      object: 'list' as const, has_more: rows.length > limit,
      data: rows.slice(0, limit).map((r) => ({
        customer_id: r.customerId, merchant_id: r.merchantId, mode: r.mode, name: r.name, email: r.email, status: r.status, reason: r.reason,
        identification_type: r.identificationType, identification_number_last4: r.identificationLast4,
        identification_expiry_date: r.identificationExpiryDate, submitted_at: r.submittedAt.toISOString(),
        documents: r.identificationType === 'ID_CARD' ? ['front', 'back', 'handheld'] : ['front', 'handheld'],
      })),
    };
  });

  app.get('/admin/v1/kyc/:customerId/documents/:side', {
    ...admin,
    schema: {
      ...adminSchema, summary: 'A KYC document image', description: 'The decrypted image bytes with their content type, for review. Every view is audited.',
      params: Type.Object({ customerId: Type.String({ maxLength: 64 }), side: Type.Union(DOCUMENT_SIDES.map((s) => Type.Literal(s))) }),
      response: { 200: Type.String({ format: 'binary', description: 'image/jpeg or image/png' }), ...errorResponses(404) },
    },
  }, async (request, reply) => {
    const { customerId, side } = request.params as { customerId: string; side: DocumentSide };
    const doc = await app.deps.db.transaction((tx) => readDocument(tx, keys, customerId, side, actionContext(request, clock.now())));
    reply.header('cache-control', 'no-store').type(doc.contentType);
    return reply.send(doc.bytes);
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/admin/v1/kyc/:customerId/${decision}`, {
      ...admin,
      schema: {
        ...adminSchema, summary: decision === 'approve' ? 'Approve KYC' : 'Reject KYC',
        description: `Decides a WAITING_KYC submission (${decision === 'approve' ? 'PASSED' : 'REJECTED, with a reason the merchant sees'}). Audited; writes \`kyc.updated\`.`,
        params: AdminParams,
        ...(decision === 'reject'
          ? { body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }) }
          : {}),
        response: { 200: KycSchema, ...errorResponses(404, 409, 422) },
      },
    }, (request, reply) =>
      mutation(request, reply, async (tx) => {
        const reason = decision === 'reject' ? (request.body as { reason: string }).reason : null;
        const { customer, record } = await decideKyc(tx, (request.params as { customerId: string }).customerId,
          decision === 'approve' ? 'PASSED' : 'REJECTED', reason, { ...actionContext(request, clock.now()), keys });
        return { status: 200, body: presentKyc(customer, record) };
      }));
  }
}
