/**
 * The KazePay facade (seed 003): POST /kazepay/gateway and the native
 * PUT/GET /v1/gateway_keys that set it up. The merchant's side of the
 * envelope is in client.ts (no server code), for SDK users.
 */
export { kazepayRoutes, GATEWAY_BODY_LIMIT } from './routes.ts';
export { buildRequest, openResponse, newRequestNo, KazePayClient, KazePayError, type KazePayCredentials } from './client.ts';
