import { Type } from '@fastify/type-provider-typebox';
import { IDENTIFICATION_TYPES, KYC_IMAGE_BYTES_MAX, submitKyc } from '../../../kyc/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { KycSchema, presentKyc } from '../../presenters/kyc.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { CustomerIdParams, kycSchema } from './shared.ts';

/** Three images of at most 5 MiB each, base64-encoded (4/3), plus the other fields. */
const KYC_BODY_LIMIT = Math.ceil((3 * KYC_IMAGE_BYTES_MAX * 4) / 3) + 64 * 1024;

const image = (what: string) => Type.String({
  minLength: 8, description: `${what}: base64 or data:image/jpeg|png;base64,… — a real JPEG or PNG of at most 5 MiB.`,
});
/** The smallest valid PNG (1×1), for the example: real submissions are photographs. */
const PNG_EXAMPLE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

export const SubmitKycBody = Type.Object({
  identification_type: Type.Enum(IDENTIFICATION_TYPES),
  identification_number: Type.String({ minLength: 1, maxLength: 40 }),
  identification_expiry_date: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, not in the past.' }),
  front_image: image('Front of the document'),
  back_image: Type.Optional(image('Back of the document (ID_CARD)')),
  handheld_image: image('The customer holding the document'),
}, {
  additionalProperties: false,
  examples: [{
    identification_type: 'PASSPORT', identification_number: 'A563F186', identification_expiry_date: '2031-05-31',
    front_image: PNG_EXAMPLE, handheld_image: PNG_EXAMPLE,
  }],
});

export function submitKycRoute(app: TypedApp): void {
  app.post('/v1/customers/:id/kyc', {
    bodyLimit: KYC_BODY_LIMIT,
    config: { idempotent: true },
    schema: {
      ...kycSchema, operationId: 'kyc.submit', summary: 'Submit KYC',
      description: 'Submits the identity document and images (KazePay setUcardKyc). Images are checked by their bytes (JPEG or '
        + 'PNG, ≤ 5 MiB), encrypted at rest, and never returned through the merchant API. `back_image` is required for ID_CARD. '
        + 'Status becomes WAITING_KYC; a rejected customer may resubmit. Writes `kyc.updated`.',
      params: CustomerIdParams,
      body: SubmitKycBody,
      response: { 200: { ...KycSchema, description: 'The KYC, WAITING_KYC.' }, ...errorResponses(403, 404, 409, 413, 422) },
    },
  }, async (request) => {
    const b = request.body;
    const submission = {
      identificationType: b.identification_type, identificationNumber: b.identification_number,
      identificationExpiryDate: b.identification_expiry_date, frontImage: b.front_image, backImage: b.back_image,
      handheldImage: b.handheld_image,
    };
    const { customer, record } = await submitKyc(txOf(request), app.deps.keys, ownerOf(request), request.params.id, submission,
      actionContext(request, app.deps.clock.now()));
    return presentKyc(customer, record);
  });
}
