import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { getMerchant } from '../../../merchants/index.ts';
import { getCard } from '../../../cards/index.ts';
import { getCustomer } from '../../../customers/index.ts';
import { listFxRates, moneySettingsOf, setFxRates, setMoneySettings, type FeeSchedule, type MoneySettings } from '../../../fees/index.ts';
import {
  DECISION_TIMEOUT_MS_DEFAULT, DECISION_TIMEOUT_MS_MAX, deleteDecisionEndpoint, getControls, getDecisionEndpoint,
  setControls, setDecisionEndpoint, type SpendingControls,
} from '../../../authorizations/index.ts';
import { DomainError } from '../../../lib/errors.ts';
import { assertWebhookUrl } from '../../../webhooks/index.ts';
import { AMOUNT_MAX, parseRate } from '../../../lib/money.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { ExactInteger } from '../../plugins/number-texts.ts';
import { Currency } from '../../presenters/money.ts';
import { errorResponses, Timestamp } from '../../schemas.ts';

const limit = (what: string) => Type.Optional(ExactInteger({ minimum: 0, maximum: Number(AMOUNT_MAX), description: `${what}, minor units of the card currency.` }));
const ControlsSchema = Type.Object({
  per_authorization: limit('Largest single authorization'),
  daily: limit('Spend per UTC day (from 00:00)'),
  weekly: limit('Spend per ISO week (from Monday 00:00 UTC)'),
  monthly: limit('Spend per calendar month (UTC)'),
  yearly: limit('Spend per calendar year (UTC)'),
  all_time: limit('Spend ever'),
  daily_count: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, description: 'Approved authorizations per UTC day.' })),
  allowed_mccs: Type.Optional(Type.Array(Type.String(), { maxItems: 500, description: 'If set, only these merchant category codes.' })),
  blocked_mccs: Type.Optional(Type.Array(Type.String(), { maxItems: 500 })),
  blocked_countries: Type.Optional(Type.Array(Type.String(), { maxItems: 250, description: 'ISO 3166-1 alpha-2.' })),
}, { additionalProperties: false });
const ControlsResponse = Type.Object({ object: Type.Literal('spending_controls'), owner_type: Type.String(), owner_id: Type.String(), ...ControlsSchema.properties });

const FeeScheduleSchema = Type.Object({
  authorization_fixed: ExactInteger({ minimum: 0, maximum: 1e9, description: 'Minor units.' }), authorization_percent_bps: Type.Integer({ minimum: 0, maximum: 10000 }),
  funding_fixed: ExactInteger({ minimum: 0, maximum: 1e9, description: 'Minor units.' }), funding_percent_bps: Type.Integer({ minimum: 0, maximum: 10000 }),
  fx_percent_bps: Type.Integer({ minimum: 0, maximum: 10000 }),
}, { additionalProperties: false });

const FeeScheduleResponse = Type.Object({
  object: Type.Literal('fee_schedule'), merchant_id: Type.String(), ...FeeScheduleSchema.properties,
  authorization_mode: Type.String(), clearing_tolerance_bps: Type.Integer(),
});
const presentFeeSchedule = (merchantId: string, s: MoneySettings) => ({
  object: 'fee_schedule' as const, merchant_id: merchantId, ...s.feeSchedule, authorization_mode: s.authorizationMode,
  clearing_tolerance_bps: s.clearingToleranceBps,
});

export function moneySettingsRoutes(app: FastifyInstance): void {
  const { db, clock, keys, config } = app.deps;

  for (const ownerType of ['card', 'customer'] as const) {
    const url = ownerType === 'card' ? '/v1/cards/:id/spending_controls' : '/v1/customers/:id/spending_controls';
    const check = (r: FastifyRequest, q: Parameters<typeof getCard>[0]) =>
      ownerType === 'card' ? getCard(q, ownerOf(r), (r.params as { id: string }).id) : getCustomer(q, ownerOf(r), (r.params as { id: string }).id);
    app.put(url, {
      schema: {
        tags: ['Spending controls'], security: [{ apiKey: [] }], summary: `Set a ${ownerType}'s spending controls`,
        description: 'Replaces the controls. Windows are calendar windows in UTC. Limits hold under concurrency (authorizations of one card, and of one customer with controls, are serialized). Declines: 61 amount limit, 65 count, 57 merchant category or country.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }), body: ControlsSchema,
        response: { 200: ControlsResponse, ...errorResponses(403, 404, 409, 422) },
      },
    }, (request, reply) => mutation(request, reply, async (tx) => {
      const owner = await check(request, tx);
      await setControls(tx, ownerOf(request), ownerType, owner.id, request.body as SpendingControls, actionContext(request, clock.now()).at);
      return { status: 200, body: { object: 'spending_controls' as const, owner_type: ownerType, owner_id: owner.id, ...(request.body as SpendingControls) } };
    }));
    app.get(url, {
      schema: {
        tags: ['Spending controls'], security: [{ apiKey: [] }], summary: `A ${ownerType}'s spending controls`, description: 'The controls in force (empty when none).',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: ControlsResponse, ...errorResponses(403, 404) },
      },
    }, async (request) => {
      const owner = await check(request, db);
      return { object: 'spending_controls' as const, owner_type: ownerType, owner_id: owner.id, ...(await getControls(db, ownerType, owner.id)) };
    });
  }

  const EndpointSchema = Type.Object({
    object: Type.Literal('authorization_endpoint'), url: Type.String(), fallback: Type.String(), timeout_ms: Type.Integer(),
    secret: Type.Optional(Type.String({ description: 'whsec_…: shown when the endpoint is first set. Verify our Standard Webhooks signature with it.' })),
  });
  /**
   * The authorization path caches the endpoint (DECISION_ENDPOINT_CACHE_MS): forget it once the change has committed,
   * or after a failure (the commit may have happened), never inside the transaction, where an authorization in
   * between would cache the old endpoint again.
   */
  async function changingEndpoint<T>(owner: { merchantId: string; mode: string }, change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } finally {
      app.authorizations.forgetEndpoint(owner.merchantId, owner.mode);
    }
  }
  app.put('/v1/authorization_endpoint', {
    schema: {
      tags: ['Real-time decisions'], security: [{ apiKey: [] }], summary: 'Set the real-time decision endpoint',
      description: `Tessera POSTs each authorization to \`url\` (signed with Standard Webhooks headers) and applies the answer \`{"approved": bool, "amount"?: int}\` (an amount below the request approves partially). On timeout (\`timeout_ms\`, at most ${DECISION_TIMEOUT_MS_MAX}, default ${DECISION_TIMEOUT_MS_DEFAULT}), error, a bad answer or a bad response signature, \`fallback\` applies and the authorization records \`decision_source: "fallback"\`.`,
      body: Type.Object({
        url: Type.String({ maxLength: 2048 }), fallback: Type.Union([Type.Literal('approve'), Type.Literal('decline')]),
        timeout_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: DECISION_TIMEOUT_MS_MAX })),
      }, { additionalProperties: false }),
      response: { 200: EndpointSchema, ...errorResponses(403, 409, 422) },
    },
  }, async (request, reply) => {
    const body = request.body as { url: string; fallback: 'approve' | 'decline'; timeout_ms?: number };
    // Checked (DNS included) before the transaction: no transaction waits on the network.
    const url = await assertWebhookUrl(body.url, { allowPrivate: config.webhooksAllowPrivate });
    const owner = ownerOf(request);
    return changingEndpoint(owner, () => mutation(request, reply, async (tx) => {
      const { endpoint, created } = await setDecisionEndpoint(tx, keys, owner, { url, fallback: body.fallback, timeoutMs: body.timeout_ms ?? DECISION_TIMEOUT_MS_DEFAULT }, clock.now());
      return { status: 200, body: { object: 'authorization_endpoint' as const, url: endpoint.url, fallback: endpoint.fallback, timeout_ms: endpoint.timeoutMs, ...(created ? { secret: endpoint.secret } : {}) } };
    }, { secret: true }));
  });
  app.get('/v1/authorization_endpoint', {
    schema: { tags: ['Real-time decisions'], security: [{ apiKey: [] }], summary: 'The real-time decision endpoint', description: 'Without its secret.', response: { 200: EndpointSchema, ...errorResponses(403, 404) } },
  }, async (request) => {
    const e = await getDecisionEndpoint(db, keys, ownerOf(request));
    if (!e) throw new DomainError('resource_not_found', 'No real-time decision endpoint is set.');
    return { object: 'authorization_endpoint' as const, url: e.url, fallback: e.fallback, timeout_ms: e.timeoutMs };
  });
  app.delete('/v1/authorization_endpoint', {
    schema: { tags: ['Real-time decisions'], security: [{ apiKey: [] }], summary: 'Remove the real-time decision endpoint', description: 'Tessera decides alone from now on.', response: { 200: Type.Object({ object: Type.Literal('authorization_endpoint'), deleted: Type.Boolean() }), ...errorResponses(403) } },
  }, (request, reply) => {
    const owner = ownerOf(request);
    return changingEndpoint(owner, () => mutation(request, reply, async (tx) => {
      const deleted = await deleteDecisionEndpoint(tx, owner);
      return { status: 200, body: { object: 'authorization_endpoint' as const, deleted } };
    }));
  });

  app.put('/admin/v1/merchants/:id/fee_schedule', {
    config: { auth: 'admin' },
    schema: {
      tags: ['Admin: money'], security: [{ adminToken: [] }], summary: "Set a merchant's fee schedule",
      description: 'Authorization fee = fixed + percent (basis points) of the amount, half-up to the minor unit; optional funding and FX fees. Also the default authorization mode (`direct` or `reserve`) and how far a clearing may exceed its hold (basis points).',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      body: Type.Object({
        ...FeeScheduleSchema.properties,
        authorization_mode: Type.Optional(Type.Union([Type.Literal('direct'), Type.Literal('reserve')])),
        clearing_tolerance_bps: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
      }, { additionalProperties: false }),
      response: { 200: FeeScheduleResponse, ...errorResponses(404) },
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    const merchant = await getMerchant(tx, (request.params as { id: string }).id);
    const { authorization_mode, clearing_tolerance_bps, ...schedule } = request.body as FeeSchedule & { authorization_mode?: 'direct' | 'reserve'; clearing_tolerance_bps?: number };
    const s = await setMoneySettings(tx, merchant.id, { feeSchedule: schedule, authorizationMode: authorization_mode, clearingToleranceBps: clearing_tolerance_bps }, clock.now());
    return { status: 200, body: presentFeeSchedule(merchant.id, s) };
  }));

  app.get('/admin/v1/merchants/:id/fee_schedule', {
    config: { auth: 'admin' },
    schema: {
      tags: ['Admin: money'], security: [{ adminToken: [] }], summary: "A merchant's fee schedule",
      description: 'The fee schedule in force (the default, 1.00 + 1 % per authorization, until the operator sets one), the default authorization mode and the clearing tolerance.',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      response: { 200: FeeScheduleResponse, ...errorResponses(404) },
    },
  }, async (request) => {
    const merchant = await getMerchant(db, (request.params as { id: string }).id);
    return presentFeeSchedule(merchant.id, await moneySettingsOf(db, merchant.id));
  });

  const RateSchema = Type.Object({ from: Currency, to: Currency, rate: Type.String({ pattern: '^[0-9]{1,12}(\\.[0-9]{1,12})?$', description: '1 unit of `from` in units of `to`, as a decimal string.' }) }, { additionalProperties: false });
  app.put('/admin/v1/fx_rates', {
    config: { auth: 'admin' },
    schema: {
      tags: ['Admin: money'], security: [{ adminToken: [] }], summary: 'Set FX rates',
      description: 'Upserts rates. An authorization in another currency than its card is converted at the rate (half-up to the minor unit) and the FX fee applies; both amounts are kept on the transaction.',
      body: Type.Object({ rates: Type.Array(RateSchema, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(RateSchema), has_more: Type.Boolean() }), ...errorResponses(422) },
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    const { rates } = request.body as { rates: { from: string; to: string; rate: string }[] };
    for (const [i, r] of rates.entries()) {
      if (r.from === r.to) throw new DomainError('parameter_invalid', '`from` and `to` must differ.', `rates.${i}.to`);
      if (!parseRate(r.rate)) throw new DomainError('parameter_invalid', 'The rate must be positive.', `rates.${i}.rate`);
      for (const c of [r.from, r.to]) {
        if (!(await tx.query('SELECT 1 FROM ledgers WHERE currency = $1', [c])).rows[0]) throw new DomainError('parameter_invalid', `Currency ${c} is not supported.`, `rates.${i}`);
      }
    }
    await setFxRates(tx, rates, clock.now());
    return { status: 200, body: { object: 'list' as const, data: (await listFxRates(tx)).map(({ from, to, rate }) => ({ from, to, rate })), has_more: false } };
  }));

  app.get('/admin/v1/fx_rates', {
    config: { auth: 'admin' },
    schema: {
      tags: ['Admin: money'], security: [{ adminToken: [] }], summary: 'FX rates',
      description: 'Every rate the operator has set, by `from` then `to`, with when it was last set. A pair without a rate declines authorizations that need it (`currency_not_supported`). The whole table: rates are few, so it is not paged.',
      querystring: Type.Object({}, { additionalProperties: false }),
      response: {
        200: Type.Object({ object: Type.Literal('list'), data: Type.Array(Type.Object({ ...RateSchema.properties, updated_at: Timestamp })), has_more: Type.Boolean() }),
        ...errorResponses(),
      },
    },
  }, async () => ({
    object: 'list' as const, has_more: false,
    data: (await listFxRates(db)).map(({ from, to, rate, updatedAt }) => ({ from, to, rate, updated_at: updatedAt.toISOString() })),
  }));
}
