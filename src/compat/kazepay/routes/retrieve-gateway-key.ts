import { ownerOf } from '../../../http/plugins/auth.ts';
import { errorResponses } from '../../../http/schemas.ts';
import type { TypedApp } from '../../../http/route.ts';
import { getGatewayKey } from '../gateways.ts';
import { GatewayKeySchema, presentGatewayKey } from '../schemas.ts';

export function retrieveGatewayKeyRoute(app: TypedApp): void {
  const { db } = app.deps;
  app.get('/v1/gateway_keys', {
    schema: {
      tags: ['KazePay gateway'], security: [{ apiKey: [] }], operationId: 'kazepay.retrieveGatewayKey',
      summary: 'Retrieve the KazePay gateway key',
      description: "The gateway's `sys_id` and Tessera's RSA public key for this merchant and mode; 404 until PUT /v1/gateway_keys.",
      response: { 200: { ...GatewayKeySchema, description: 'The gateway.' }, ...errorResponses(403, 404) },
    },
  }, async (request) => presentGatewayKey(await getGatewayKey(db, ownerOf(request))));
}
