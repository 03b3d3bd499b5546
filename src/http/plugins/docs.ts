import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import { transformDocument, transformRoute } from '../openapi/transform.ts';

export const API_DESCRIPTION = `Tessera issues virtual and physical payment cards, funds them, decides their
authorizations in real time and keeps every cent in a double-entry ledger.

**Authentication.** Send \`Authorization: Bearer <key>\` with a merchant API key (\`sk_sandbox_…\`,
\`sk_live_…\`) or with a 15-minute token from \`POST /v1/auth/token\`. The admin API (\`/admin/v1\`) takes the
operator's \`TESSERA_ADMIN_TOKEN\` instead. A key holds scopes (\`read\`, \`write\`, \`cards:reveal\`,
\`keys:write\`); each merchant operation names the one it needs in \`x-scope\` (403 \`insufficient_scope\` otherwise).

**Money** is always an integer number of minor units (cents) with an ISO 4217 currency.

**Errors** share one shape: \`{"error": {"type", "code", "message", "param", "request_id"}}\`. Branch on \`code\`.

**Idempotency.** Every POST, PUT, PATCH and DELETE accepts an \`Idempotency-Key\` header (at most 255
characters, kept 24 hours). A retry with the same key and body replays the first response with
\`Idempotent-Replayed: true\`; the same key with another body, or from another API key, is a 422
\`idempotency_key_reused\`; a retry while the first request is still running is a 409 \`idempotency_key_in_flight\`.

**Pagination.** Lists take \`limit\` (1–100, default 10) and \`starting_after\` (an id) and answer
\`{"object": "list", "data": [...], "has_more": bool}\`, newest first.`;

export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Tessera API', version: '0.1.0', description: API_DESCRIPTION },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'A merchant API key or a token from POST /v1/auth/token.' },
          adminToken: { type: 'http', scheme: 'bearer', description: 'The operator token (TESSERA_ADMIN_TOKEN).' },
        },
      },
      tags: [
        { name: 'System', description: 'Health, readiness and metrics.' },
        { name: 'Authentication', description: 'Tokens and the calling merchant.' },
        { name: 'Customers', description: "Cardholders: a merchant's end users." },
        { name: 'Accounts', description: 'Customer accounts that cards hang off (one currency each).' },
        { name: 'Cards', description: 'Virtual and physical cards: issue, read masked, reveal, freeze, terminate, PIN, activation.' },
        { name: 'Money', description: 'Wallets, funding, withdrawals, authorization balances (reservations), balances, closing cards.' },
        { name: 'Spending controls', description: 'Limits by amount, window, count, merchant category and country, on cards and customers.' },
        { name: 'Real-time decisions', description: 'Let your endpoint approve or decline each authorization.' },
        { name: 'Transactions', description: 'Every money movement and decline; authorizations with their history.' },
        { name: 'KYC', description: 'Identity verification of customers (KazePay fields).' },
        { name: 'Webhooks', description: 'Endpoints that receive events, signed per Standard Webhooks and RFC 9421; delivery attempts.' },
        { name: 'Events', description: 'The stored events of the calling merchant and mode; redelivery.' },
        { name: 'Signatures', description: "RFC 9421 request signatures: merchants' Ed25519 keys, the requirement, and Tessera's own keys." },
        { name: 'Simulation', description: 'Sandbox only: play the network, the operator and the world.' },
        { name: 'Admin: KYC', description: 'The operator reviews identity documents.' },
        { name: 'Admin: cards', description: 'Card stock and activation resets.' },
        { name: 'KrezyPay compatibility', description: 'The KrezyPay card API at /krezypay/v1/{sandbox|live}: decimal amounts, {"status": "success"} bodies, errors 401/404/422 as {"status": "error", "error": "…"}.' },
        { name: 'Kwik compatibility', description: 'The Kwik card-vault API at /kwik: {"status": true, "records"|"results"} envelopes, YYYY-MM-DD HH:mm:ss timestamps.' },
        { name: 'KazePay gateway', description: 'The KazePay physical-card API at POST /kazepay/gateway: signed, encrypted envelopes (RSA-PSS, RSA-OAEP, AES-256-GCM), and PUT /v1/gateway_keys to set it up.' },
        { name: 'Admin: ledger', description: 'The ledger invariant check.' },
        { name: 'Admin: money', description: 'Wallet credits, fee schedules, FX rates.' },
        { name: 'Admin: merchants', description: 'The operator onboards merchants and manages their keys.' },
        { name: 'API keys', description: "The calling merchant's own restricted keys: create (the secret shown once), list, revoke." },
        { name: 'Production access', description: 'A merchant asks the operator for live access.' },
        { name: 'Countries', description: 'Countries and the services (cards, KYC, top-ups, SMS) offered in each.' },
        { name: 'SMS', description: 'Text messages to customers, priced per segment and country.' },
        { name: 'Top-ups', description: 'Mobile airtime and data top-ups paid from a wallet.' },
        { name: 'Admin: audit log', description: 'The hash-chained audit log: read and verify.' },
        { name: 'Admin: production access', description: 'The operator approves or rejects live access requests.' },
        { name: 'Admin: countries', description: 'The services offered per country.' },
        { name: 'Admin: SMS and notifications', description: 'SMS prices, blocked numbers, notification log, provider delivery reports.' },
        { name: 'Admin: top-ups', description: 'The top-up products offered.' },
      ],
    },
    // Security, shared header parameters, response headers, examples, servers and webhooks: see openapi/transform.ts.
    transform: transformRoute as never,
    transformObject: (documents) => transformDocument((documents as { openapiObject: Record<string, unknown> }).openapiObject, { publicUrl: app.deps.config.publicUrl }) as never,
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });
  app.get('/openapi.json', { schema: { hide: true }, config: { auth: 'public' } }, async () => app.swagger());
  await app.register(scalar, {
    routePrefix: '/docs',
    // Everything from the local document and assets: no fonts, telemetry, AI agent, "deploy", hosted client or
    // developer-tools toolbar, each of which would send the reader (and the document) to scalar.com.
    configuration: {
      url: '/openapi.json', withDefaultFonts: false, title: 'Tessera API', pageTitle: 'Tessera API',
      hideClientButton: true, hideTestRequestButton: true, showDeveloperTools: 'never', telemetry: false,
      agent: { disabled: true }, documentDownloadType: 'json',
    },
    hooks: {},
  } as never);
}
