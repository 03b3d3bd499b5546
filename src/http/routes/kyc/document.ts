import { Type } from '@fastify/type-provider-typebox';
import { DOCUMENT_SIDES, readDocument } from '../../../kyc/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { kycAdmin } from './shared.ts';

/** Bytes, not JSON: Fastify sends a Buffer as it is (the schema documents it; Unsafe types it as what is sent). */
const ImageBytes = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });
const ImageResponse = {
  description: 'The image, as it was uploaded.',
  content: { 'image/jpeg': { schema: ImageBytes }, 'image/png': { schema: ImageBytes } },
};

export function kycDocumentRoute(app: TypedApp): void {
  const { db, keys, clock } = app.deps;
  app.get('/admin/v1/kyc/:customerId/documents/:side', {
    config: kycAdmin.config,
    schema: {
      ...kycAdmin.schema, operationId: 'admin.kyc.retrieveDocument', summary: 'A KYC document image',
      description: 'The decrypted image bytes with their content type, for review (`Cache-Control: no-store`). Every view is audited.',
      params: Type.Object({ customerId: Type.String({ maxLength: 64, description: 'cus_…' }), side: Type.Enum(DOCUMENT_SIDES) }),
      response: { 200: ImageResponse, ...errorResponses(404) },
    },
  }, async (request, reply) => {
    const { customerId, side } = request.params;
    // A read that is audited: one transaction for both, not an idempotent mutation (a GET).
    const doc = await db.transaction((tx) => readDocument(tx, keys, customerId, side, actionContext(request, clock.now())));
    reply.header('cache-control', 'no-store').type(doc.contentType);
    return reply.send(doc.bytes);
  });
}
