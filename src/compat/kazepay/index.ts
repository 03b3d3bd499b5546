import type { FastifyInstance } from 'fastify';
import { typed } from '../../http/route.ts';
import { gatewayRoute } from './routes/gateway.ts';
import { registerGatewayKeyRoute } from './routes/register-gateway-key.ts';
import { retrieveGatewayKeyRoute } from './routes/retrieve-gateway-key.ts';

/**
 * The KazePay facade (seed 003): POST /kazepay/gateway and the native PUT/GET /v1/gateway_keys that set it up, on
 * the root context (the key routes answer in the native error shape; the gateway has its own error handler). The
 * merchant's side of the envelope is in @tessera/sdk (packages/sdk/src/kazepay.ts), which the tests use against it.
 */
export function kazepayRoutes(app: FastifyInstance): void {
  gatewayRoute(app);
  const api = typed(app);
  registerGatewayKeyRoute(api);
  retrieveGatewayKeyRoute(api);
}

export { GATEWAY_BODY_LIMIT } from './routes/gateway.ts';
