import { describe, expect, it } from 'vitest';
import { expectExamplesValid } from '../fixtures/schema-examples.ts';
import { decodeImage } from '../../src/kyc/images.ts';

/**
 * The examples of the customer-side schemas (customers, accounts, KYC, countries, production access, events,
 * top-ups, SMS, the top-up catalogue) are valid against their schemas: the OpenAPI document shows them, and the
 * SDK's readers copy them.
 */
describe('customer-side schema examples', () => {
  it('every example validates against its schema', async () => {
    const modules = await Promise.all([
      import('../../src/http/presenters/customers.ts'), import('../../src/http/presenters/accounts.ts'),
      import('../../src/http/presenters/kyc.ts'), import('../../src/http/routes/accounts/create.ts'),
      import('../../src/http/routes/kyc/submit.ts'), import('../../src/http/routes/kyc/simulate.ts'),
      import('../../src/http/routes/kyc/reject.ts'), import('../../src/http/routes/countries/schemas.ts'),
      import('../../src/http/routes/countries/admin-update.ts'), import('../../src/http/routes/live-access/schemas.ts'),
      import('../../src/http/routes/live-access/admin-reject.ts'), import('../../src/http/routes/events/redeliver.ts'),
      import('../../src/http/routes/topups/shared.ts'), import('../../src/http/routes/topups/estimate.ts'),
      import('../../src/http/routes/topups/schema.ts'), import('../../src/http/routes/sms/shared.ts'),
      import('../../src/http/routes/sms/send.ts'), import('../../src/http/routes/sms/admin-schemas.ts'),
      import('../../src/http/routes/sms/admin-prices-replace.ts'), import('../../src/http/routes/sms/admin-block.ts'),
      import('../../src/http/routes/sms/admin-unblock.ts'), import('../../src/http/routes/admin/topup-products/schemas.ts'),
      import('../../src/http/routes/admin/topup-products/replace.ts'),
    ]);
    expect(expectExamplesValid(modules)).toBeGreaterThanOrEqual(30);
  });

  it("the KYC body's example images are real PNGs, as the route checks them", async () => {
    const { SubmitKycBody } = await import('../../src/http/routes/kyc/submit.ts');
    const [example] = (SubmitKycBody as { examples?: { front_image: string; handheld_image: string }[] }).examples ?? [];
    if (!example) throw new Error('SubmitKycBody has no example');
    expect(decodeImage(example.front_image, 'front_image').contentType).toBe('image/png');
    expect(decodeImage(example.handheld_image, 'handheld_image').contentType).toBe('image/png');
  });
});
