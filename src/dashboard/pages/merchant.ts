import type { paths } from '@tessera/sdk';
import { messageOf } from '../api.ts';
import { html, type SafeHtml } from '../html.ts';
import { csrfField } from '../layout.ts';
import { checkboxes, dl, errorBox, field, link, mono, money, pager, pick, select, status, table } from '../kit.ts';
import { formatTime, parseAmount } from '../format.ts';
import { many, one, outcome, type ActionResult, type Router } from '../index.ts';
import { toJsonNumber } from '../../lib/money.ts';

/** The merchant console: customers, cards, transactions, webhooks, API keys and the sandbox simulators. */

const enc = encodeURIComponent;
// The choices the forms offer, checked against the API's own enumerations (the SDK's types of its OpenAPI document).
type TxQuery = NonNullable<paths['/v1/transactions']['get']['parameters']['query']>;
type EventType = paths['/v1/webhook_endpoints']['post']['requestBody']['content']['application/json']['events'][number];
type KycStatus = NonNullable<NonNullable<paths['/v1/customers']['get']['parameters']['query']>['kyc_status']>;
type Json<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer T } } } } } ? T : never;
type Customer = Json<'/v1/customers/{id}'>;
type Card = Json<'/v1/cards/{cardId}'>;
type Tx = Json<'/v1/transactions'>['data'][number];
type CardStatus = NonNullable<NonNullable<paths['/v1/cards']['get']['parameters']['query']>['card_status']>;
const SCOPES = ['read', 'write', 'cards:reveal', 'keys:write'] as const;
const TX_TYPES = [
  'deposit', 'funding', 'withdrawal', 'reservation', 'reservation_release', 'authorization', 'clearing', 'reversal', 'refund',
  'force_post', 'fee',
] as const satisfies readonly NonNullable<TxQuery['type']>[];
const TX_STATUSES = ['pending', 'completed', 'declined', 'reversed', 'expired'] as const satisfies readonly NonNullable<TxQuery['status']>[];
const CARD_STATUSES = ['PENDING_ACTIVATION', 'ACTIVE', 'INACTIVE', 'EXPIRED'] as const satisfies readonly CardStatus[];
const KYC_STATUSES = ['NOT_STARTED', 'WAITING_KYC', 'PASSED', 'REJECTED'] as const satisfies readonly KycStatus[];
const EVENT_TYPES = [
  '*', 'card.created', 'card.updated', 'card.terminated', 'authorization.approved', 'authorization.declined', 'transaction.created',
  'transaction.updated', 'customer.created', 'customer.updated', 'kyc.updated',
] as const satisfies readonly EventType[];


const cardColumns = () => [
  { label: 'Card', cell: (c: Card) => link(`/dashboard/cards/${enc(c.id)}`, html`<span class="mono">${c.masked_number}</span>`) },
  { label: 'Id', cell: (c: Card) => mono(c.id) }, { label: 'Type', cell: (c: Card) => `${c.brand} ${c.type}` },
  { label: 'Status', cell: (c: Card) => status(c.status) }, { label: 'Balance', cell: (c: Card) => money(c.balance, c.currency), numeric: true },
  { label: 'Expiry', cell: (c: Card) => `${String(c.exp_month).padStart(2, '0')}/${c.exp_year}` },
];

const txColumns = [
  { label: 'Id', cell: (t: Tx) => mono(t.id) }, { label: 'Type', cell: (t: Tx) => t.type }, { label: 'Status', cell: (t: Tx) => status(t.status) },
  { label: 'Amount', cell: (t: Tx) => money(t.amount, t.currency), numeric: true }, { label: 'Fee', cell: (t: Tx) => money(t.fee, t.currency), numeric: true },
  { label: 'Merchant', cell: (t: Tx) => t.merchant ? `${t.merchant.name} (${t.merchant.mcc}, ${t.merchant.country})` : '—' },
  { label: 'Card', cell: (t: Tx) => t.card_id ? link(`/dashboard/cards/${enc(t.card_id)}`, mono(t.card_id)) : '—' },
  { label: 'Authorization', cell: (t: Tx) => t.authorization_id ? link(`/dashboard/authorizations/${enc(t.authorization_id)}`, mono(t.authorization_id)) : '—' },
  { label: 'Decline reason', cell: (t: Tx) => t.decline_reason ?? '—' }, { label: 'Created', cell: (t: Tx) => formatTime(t.created_at) },
];

/** A date input (YYYY-MM-DD) as the start or end of that UTC day. */
const dayBound = (d: string | undefined, end: boolean) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : undefined);

function amountOf(form: Record<string, string | string[] | undefined>, currency: string): number | string {
  const parsed = parseAmount(one(form, 'amount'), currency);
  return 'error' in parsed ? parsed.error : toJsonNumber(parsed.minor);
}

export function merchantPages(router: Router): void {
  // Customers -----------------------------------------------------------------------------------------------------
  router.page('merchant', '/dashboard/customers', async ({ api, query }) => {
    const q = (query.q ?? '').trim();
    if (/^cus_[A-Za-z0-9_]+$/.test(q)) {
      const one = await api.GET('/v1/customers/{id}', { params: { path: { id: q } } });
      if (one.data) return { title: 'Customers', current: 'Customers', body: html`${searchForm(query)}${customerTable({ data: { data: [one.data] } })}` };
    }
    const list = await api.GET('/v1/customers', { params: { query: { limit: 25, email: q || undefined, kyc_status: pick(KYC_STATUSES, query.kyc_status), starting_after: query.starting_after } } });
    return {
      title: 'Customers', current: 'Customers',
      body: html`${searchForm(query)}${customerTable(list, q ? 'No customer matches this search.' : 'No customers yet.')}${pager('/dashboard/customers', query, list)}`,
    };
  });

  router.page('merchant', '/dashboard/customers/:id', async ({ api, params }) => {
    const id = params.id!;
    const [customer, kyc, accounts, cards] = await Promise.all([
      api.GET('/v1/customers/{id}', { params: { path: { id } } }),
      api.GET('/v1/customers/{id}/kyc', { params: { path: { id } } }),
      api.GET('/v1/customers/{id}/accounts', { params: { path: { id } } }),
      api.GET('/v1/cards', { params: { query: { customer_id: id, limit: 100 } } }),
    ]);
    if (customer.error) return { title: 'Customer', current: 'Customers', status: customer.response.status, body: errorBox(customer) };
    const c = customer.data as Customer;
    return {
      title: `${c.first_name} ${c.last_name}`, current: 'Customers',
      body: html`
      ${dl([['Id', mono(c.id)], ['Email', c.email], ['Phone', `${c.phone_prefix} ${c.phone_number}`], ['Country', c.address.country], ['Created', formatTime(c.created_at)]])}
      <h2>KYC</h2>
      ${kyc.error ? errorBox(kyc) : dl([['Status', status(kyc.data.status)], ['Document', kyc.data.identification_type], ['Reason', kyc.data.reason], ['Decided', formatTime(kyc.data.decided_at)]])}
      <h2>Accounts</h2>
      ${table('Accounts', accounts, [
    { label: 'Id', cell: (a) => mono(a.id) }, { label: 'Currency', cell: (a) => a.currency }, { label: 'Created', cell: (a) => formatTime(a.created_at) },
  ], 'No accounts.')}
      <h2>Cards</h2>
      ${table('Cards', cards, cardColumns(), 'No cards.')}`,
    };
  });

  // Cards ---------------------------------------------------------------------------------------------------------
  router.page('merchant', '/dashboard/cards', async ({ api, query }) => {
    const list = await api.GET('/v1/cards', { params: { query: { limit: 25, card_status: pick(CARD_STATUSES, query.status), customer_id: query.customer_id, starting_after: query.starting_after } } });
    return {
      title: 'Cards', current: 'Cards',
      body: html`
      <form method="get" class="filters">
        ${select('Status', 'status', ['', ...CARD_STATUSES], query.status)}
        ${field('Customer id', 'customer_id', { value: query.customer_id ?? '' })}
        <button type="submit">Filter</button>
      </form>
      ${table('Cards (numbers masked)', list, cardColumns(), 'No cards match these filters.')}
      ${pager('/dashboard/cards', query, list)}`,
    };
  });

  router.page('merchant', '/dashboard/cards/:id', async ({ api, params, session }) => {
    const id = params.id!;
    const [card, balance] = await Promise.all([
      api.GET('/v1/cards/{cardId}', { params: { path: { cardId: id } } }),
      api.GET('/v1/cards/{cardId}/balance', { params: { path: { cardId: id } } }),
    ]);
    if (card.error) return { title: 'Card', current: 'Cards', status: card.response.status, body: errorBox(card) };
    const c = card.data as Card;
    const base = `/dashboard/cards/${enc(id)}`;
    const canReveal = session.scopes.includes('cards:reveal');
    const frozen = c.status === 'INACTIVE';
    return {
      title: `Card ${c.masked_number}`, current: 'Cards',
      body: html`
      <div class="card-face" aria-label="Card ${c.masked_number}">
        <div class="brand-mark">${c.brand}</div>
        <div class="pan mono" data-reveal-target="number">${c.masked_number}</div>
        <div class="row-between"><span>Expires <span class="mono" data-reveal-target="expiry">${String(c.exp_month).padStart(2, '0')}/${c.exp_year}</span></span>
          <span>CVV <span class="mono" data-reveal-target="cvv">•••</span></span></div>
      </div>
      ${canReveal ? html`<form method="post" action="${base}/reveal" class="reveal-form" data-reveal>${csrfField(session)}
        <button type="submit" class="btn-secondary">Reveal</button>
        <span class="muted small" role="status" data-reveal-status>Shows the number, CVV and expiry for 30 seconds; audited.</span></form>` : ''}
      ${dl([['Id', mono(c.id)], ['Status', status(c.status)], ['Type', `${c.brand} ${c.type}`], ['Nickname', c.nickname],
    ['Customer', link(`/dashboard/customers/${enc(c.customer_id)}`, mono(c.customer_id))], ['Account', mono(c.account_id)],
    ['Available', balance.error ? messageOf(balance) : money(balance.data.available, balance.data.currency)],
    ['Held', balance.error ? '—' : money(balance.data.pending_holds, balance.data.currency)], ['Created', formatTime(c.created_at)]])}
      <div class="actions">
        ${c.status === 'ACTIVE' || frozen ? html`<form method="post" action="${base}/${frozen ? 'unfreeze' : 'freeze'}" data-pending="Saving…">${csrfField(session)}
          <button type="submit" class="btn-secondary">${frozen ? 'Unfreeze' : 'Freeze'}</button></form>` : ''}
        <form method="post" action="${base}/terminate" class="inline-form" data-confirm="Terminate this card? This cannot be undone.">${csrfField(session)}
          <label class="check"><input type="checkbox" name="confirm" value="yes" required> I understand terminating cannot be undone</label>
          <button type="submit" class="btn-danger">Terminate</button></form>
      </div>
      <p>${link(`/dashboard/transactions?card_id=${enc(id)}`, 'Transactions of this card')}</p>`,
    };
  });

  router.action('merchant', '/dashboard/cards/:id/freeze', async ({ api, params }) => {
    const cardId = params.id!;
    const res = await api.PATCH('/v1/cards/{cardId}/deactivate', { params: { path: { cardId } } });
    return outcome(res, 'Card frozen: authorizations are declined until it is unfrozen.', `/dashboard/cards/${enc(cardId)}`);
  });
  router.action('merchant', '/dashboard/cards/:id/unfreeze', async ({ api, params }) => {
    const cardId = params.id!;
    return outcome(await api.PATCH('/v1/cards/{cardId}/activate', { params: { path: { cardId } } }), 'Card unfrozen.', `/dashboard/cards/${enc(cardId)}`);
  });
  router.action('merchant', '/dashboard/cards/:id/terminate', async ({ api, params, form }) => {
    const back = `/dashboard/cards/${enc(params.id!)}`;
    if (one(form, 'confirm') !== 'yes') return { redirect: back, flash: { kind: 'error', message: 'Tick the confirmation to terminate the card.' } };
    return outcome(await api.DELETE('/v1/cards/{cardId}', { params: { path: { cardId: params.id! } } }), 'Card terminated.', back);
  });

  // Reveal answers JSON to the page's script only, never cached; the API audits and rate-limits it.
  router.raw('merchant', 'POST', '/dashboard/cards/:id/reveal', async ({ api, params, reply, session }) => {
    if (!session.scopes.includes('cards:reveal')) {
      await reply.code(403).send({ error: 'This API key lacks the cards:reveal scope.' });
      return;
    }
    const res = await api.GET('/v1/cards/{cardId}/details', { params: { path: { cardId: params.id! } } });
    if (res.error) {
      await reply.code(res.response.status).send({ error: messageOf(res) });
      return;
    }
    const d = res.data;
    await reply.header('cache-control', 'no-store').send({ number: d.number, cvv: d.cvv, expiry: `${String(d.exp_month).padStart(2, '0')}/${d.exp_year}` });
  });

  // Transactions --------------------------------------------------------------------------------------------------
  router.page('merchant', '/dashboard/transactions', async ({ api, query }) => {
    const list = await api.GET('/v1/transactions', {
      params: { query: { limit: 25, card_id: query.card_id, type: pick(TX_TYPES, query.type), status: pick(TX_STATUSES, query.status), created_gte: dayBound(query.from, false), created_lte: dayBound(query.to, true), starting_after: query.starting_after } },
    });
    return {
      title: 'Transactions', current: 'Transactions',
      body: html`
      <form method="get" class="filters">
        ${field('Card id', 'card_id', { value: query.card_id ?? '' })}
        ${select('Type', 'type', ['', ...TX_TYPES], query.type)}${select('Status', 'status', ['', ...TX_STATUSES], query.status)}
        ${field('From', 'from', { type: 'date', value: query.from ?? '' })}${field('To', 'to', { type: 'date', value: query.to ?? '' })}
        <button type="submit">Filter</button>
      </form>
      ${table('Transactions', list, txColumns, 'No transactions match these filters.')}
      ${pager('/dashboard/transactions', query, list)}`,
    };
  });

  router.page('merchant', '/dashboard/authorizations/:id', async ({ api, params }) => {
    const res = await api.GET('/v1/authorizations/{id}', { params: { path: { id: params.id! } } });
    if (res.error) return { title: 'Authorization', current: 'Transactions', status: res.response.status, body: errorBox(res) };
    const a = res.data;
    return {
      title: `Authorization at ${a.merchant.name}`, current: 'Transactions',
      body: html`
      ${dl([['Id', mono(a.id)], ['Status', status(a.status)], ['Amount', money(a.amount, a.currency)], ['Approved', money(a.approved_amount, a.currency)],
    ['Held', money(a.held_amount, a.currency)], ['Cleared', money(a.cleared_amount, a.currency)], ['Refunded', money(a.refunded_amount, a.currency)],
    ['Fee', money(a.fee, a.currency)], ['Response code', a.response_code], ['Decline reason', a.decline_reason],
    ['Card', a.card_id ? link(`/dashboard/cards/${enc(a.card_id)}`, mono(a.card_id)) : '—'], ['Created', formatTime(a.created_at)]])}
      <h2>History</h2>
      ${a.history.length === 0 ? html`<p class="empty">No history yet.</p>` : html`<ol class="timeline">
        ${a.history.map((t) => html`<li><span class="when">${formatTime(t.created_at)}</span> <strong>${t.type}</strong> ${status(t.status)} ${money(t.amount, t.currency)} ${mono(t.id)}</li>`)}
      </ol>`}`,
    };
  });

  // Webhooks ------------------------------------------------------------------------------------------------------
  router.page('merchant', '/dashboard/webhooks', async ({ api, session }) => {
    const list = await api.GET('/v1/webhook_endpoints', { params: { query: { limit: 100 } } });
    return {
      title: 'Webhooks', current: 'Webhooks',
      body: html`
      ${table('Webhook endpoints', list, [
    { label: 'URL', cell: (e) => link(`/dashboard/webhooks/${enc(e.id)}`, html`<span class="mono">${e.url}</span>`) }, { label: 'Id', cell: (e) => mono(e.id) },
    { label: 'Events', cell: (e) => e.events.join(', '), wrap: true }, { label: 'Enabled', cell: (e) => status(e.enabled ? 'enabled' : `disabled${e.disabled_reason ? ` (${e.disabled_reason})` : ''}`) },
    { label: 'Created', cell: (e) => formatTime(e.created_at) },
  ], 'No webhook endpoints yet.')}
      <section class="card" aria-labelledby="wh-h"><h2 id="wh-h">Add an endpoint</h2>
        <form method="post" action="/dashboard/webhooks" data-pending="Creating…">${csrfField(session)}
          ${field('Endpoint URL', 'url', { type: 'url', required: true, placeholder: 'https://example.com/webhooks/tessera' })}
          ${field('Description', 'description')}
          ${checkboxes('Events', 'events', EVENT_TYPES, ['*'])}
          <button type="submit">Create endpoint</button>
        </form>
      </section>`,
    };
  });
  router.action('merchant', '/dashboard/webhooks', async ({ api, form }) => {
    const description = one(form, 'description').trim();
    const events = many(form, 'events').flatMap((e) => pick(EVENT_TYPES, e) ?? []);
    const res = await api.POST('/v1/webhook_endpoints', { body: { url: one(form, 'url').trim(), events: events.includes('*') ? ['*'] : events, ...(description ? { description } : {}) } });
    if (res.error) return outcome(res, '', '/dashboard/webhooks');
    return { redirect: `/dashboard/webhooks/${enc(res.data.id)}`, flash: { kind: 'success', message: 'Endpoint created. Its signing secret:', secret: res.data.secret } };
  });

  router.page('merchant', '/dashboard/webhooks/:id', async ({ api, params, session, query }) => {
    const id = params.id!;
    const [endpoint, deliveries] = await Promise.all([
      api.GET('/v1/webhook_endpoints/{id}', { params: { path: { id } } }),
      api.GET('/v1/webhook_endpoints/{id}/deliveries', { params: { path: { id }, query: { limit: 50, starting_after: query.starting_after } } }),
    ]);
    if (endpoint.error) return { title: 'Webhook endpoint', current: 'Webhooks', status: endpoint.response.status, body: errorBox(endpoint) };
    const e = endpoint.data;
    const base = `/dashboard/webhooks/${enc(id)}`;
    return {
      title: 'Webhook endpoint', current: 'Webhooks',
      body: html`
      ${dl([['URL', html`<span class="mono">${e.url}</span>`], ['Id', mono(e.id)], ['Description', e.description], ['Events', e.events.join(', ')],
    ['Enabled', status(e.enabled ? 'enabled' : `disabled${e.disabled_reason ? ` (${e.disabled_reason})` : ''}`)]])}
      <div class="actions">
        <form method="post" action="${base}/${e.enabled ? 'disable' : 'enable'}" data-pending="Saving…">${csrfField(session)}<button type="submit" class="btn-secondary">${e.enabled ? 'Disable' : 'Enable'}</button></form>
        <form method="post" action="${base}/rotate" data-confirm="Rotate the signing secret? The old one stops working.">${csrfField(session)}<button type="submit" class="btn-secondary">Rotate secret</button></form>
        <form method="post" action="${base}/delete" data-confirm="Delete this endpoint?">${csrfField(session)}<button type="submit" class="btn-danger">Delete</button></form>
      </div>
      <h2>Delivery attempts</h2>
      ${table('Delivery attempts', deliveries, [
    { label: 'Event', cell: (d) => html`${d.event_type}<br>${mono(d.event_id)}` }, { label: 'Attempt', cell: (d) => String(d.attempt), numeric: true },
    { label: 'At', cell: (d) => formatTime(d.attempted_at) }, { label: 'Result', cell: (d) => status(d.succeeded ? 'succeeded' : 'failed') },
    { label: 'HTTP', cell: (d) => d.status_code === null ? '—' : String(d.status_code) }, { label: 'Latency', cell: (d) => `${d.latency_ms} ms`, numeric: true },
    { label: 'Response', cell: (d) => html`<code class="details">${(d.response_body ?? d.error ?? '').slice(0, 120)}</code>`, wrap: true },
    { label: 'Replay', cell: (d) => html`<form method="post" action="${base}/replay" data-pending="Replaying…">${csrfField(session)}<input type="hidden" name="event_id" value="${d.event_id}"><button type="submit" class="btn-secondary small">Replay</button></form>` },
  ], 'No deliveries yet: events are sent here as they happen.')}
      ${pager(base, query, deliveries)}`,
    };
  });
  const endpointBack = (id: string) => `/dashboard/webhooks/${enc(id)}`;
  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    router.action('merchant', `/dashboard/webhooks/:id/${verb}`, async ({ api, params }) =>
      outcome(await api.PATCH('/v1/webhook_endpoints/{id}', { params: { path: { id: params.id! } }, body: { enabled } }), enabled ? 'Endpoint enabled.' : 'Endpoint disabled.', endpointBack(params.id!)));
  }
  router.action('merchant', '/dashboard/webhooks/:id/rotate', async ({ api, params }) => {
    const res = await api.POST('/v1/webhook_endpoints/{id}/rotate_secret', { params: { path: { id: params.id! } } });
    if (res.error) return outcome(res, '', endpointBack(params.id!));
    return { redirect: endpointBack(params.id!), flash: { kind: 'success', message: 'Secret rotated. The new signing secret:', secret: res.data.secret } };
  });
  router.action('merchant', '/dashboard/webhooks/:id/delete', async ({ api, params }) => {
    const res = await api.DELETE('/v1/webhook_endpoints/{id}', { params: { path: { id: params.id! } } });
    return outcome(res, 'Endpoint deleted.', res.error ? endpointBack(params.id!) : '/dashboard/webhooks');
  });
  router.action('merchant', '/dashboard/webhooks/:id/replay', async ({ api, params, form }) => {
    const res = await api.POST('/v1/events/{id}/redeliver', { params: { path: { id: one(form, 'event_id') } }, body: { endpoint_id: params.id! } });
    return outcome(res, 'Replay queued: a new delivery of this event is on its way.', endpointBack(params.id!));
  });

  // API keys ------------------------------------------------------------------------------------------------------
  router.page('merchant', '/dashboard/api-keys', async ({ api, session, query }) => {
    const list = await api.GET('/v1/api_keys', { params: { query: { limit: 100, starting_after: query.starting_after } } });
    return {
      title: 'API keys', current: 'API keys',
      body: html`
      ${table('API keys', list, [
    { label: 'Name', cell: (k) => k.name ?? '—' }, { label: 'Prefix', cell: (k) => mono(k.prefix) }, { label: 'Id', cell: (k) => mono(k.id) },
    { label: 'Scopes', cell: (k) => k.scopes.join(', ') }, { label: 'Created', cell: (k) => formatTime(k.created_at) },
    {
      label: 'Revoked', cell: (k) => k.revoked_at ? formatTime(k.revoked_at)
        : html`<form method="post" action="/dashboard/api-keys/${enc(k.id)}/revoke" data-confirm="Revoke this key? Requests with it fail at once.">${csrfField(session)}<button type="submit" class="btn-danger small">Revoke</button></form>`,
    },
  ], 'No keys.')}
      ${pager('/dashboard/api-keys', query, list)}
      <section class="card" aria-labelledby="key-h"><h2 id="key-h">Create a restricted key</h2>
        <form method="post" action="/dashboard/api-keys" data-pending="Creating…">${csrfField(session)}
          ${field('Key name', 'name', { required: true, placeholder: 'support desk' })}
          ${checkboxes('Scopes', 'scopes', SCOPES.filter((s) => session.scopes.includes(s)), ['read'])}
          <button type="submit">Create key</button>
        </form>
      </section>`,
    };
  });
  router.action('merchant', '/dashboard/api-keys', async ({ api, form }) => {
    const res = await api.POST('/v1/api_keys', { body: { name: one(form, 'name').trim(), scopes: many(form, 'scopes').flatMap((s) => pick(SCOPES, s) ?? []) } });
    if (res.error) return outcome(res, '', '/dashboard/api-keys');
    return { redirect: '/dashboard/api-keys', flash: { kind: 'success', message: `Key “${res.data.name}” created with ${res.data.scopes.join(', ')}.`, secret: res.data.api_key } };
  });
  router.action('merchant', '/dashboard/api-keys/:id/revoke', async ({ api, params }) =>
    outcome(await api.DELETE('/v1/api_keys/{id}', { params: { path: { id: params.id! } } }), 'Key revoked.', '/dashboard/api-keys'));

  // Sandbox -------------------------------------------------------------------------------------------------------
  router.page('merchant', '/dashboard/sandbox', async ({ api, session }) => {
    if (session.mode !== 'sandbox') return { title: 'Sandbox', current: 'Sandbox', status: 404, body: html`<p class="empty">The simulators exist in sandbox mode only.</p>` };
    const [notifications, cards] = await Promise.all([
      api.GET('/v1/simulate/notifications', { params: { query: { limit: 25 } } }),
      api.GET('/v1/cards', { params: { query: { limit: 100, card_status: 'ACTIVE' } } }),
    ]);
    const cardChoices = cards.data ? (cards.data.data as Card[]).map((c) => [c.id, `${c.masked_number} (${c.currency})`] as const) : [];
    const sim = (action: string, title: string, body: SafeHtml, button: string) => html`<section class="card" aria-labelledby="sim-${action}"><h2 id="sim-${action}">${title}</h2>
      <form method="post" action="/dashboard/sandbox/${action}" class="grid" data-pending="Working…">${csrfField(session)}${body}<button type="submit">${button}</button></form></section>`;
    return {
      title: 'Sandbox', current: 'Sandbox',
      body: html`<div class="sim-grid">
      ${sim('authorize', 'Simulate an authorization', html`
        ${cardChoices.length ? select('Card', 'card_id', cardChoices, undefined, 'sim-card') : field('Card id', 'card_id', { required: true, id: 'sim-card' })}
        ${field('Amount', 'amount', { required: true, placeholder: '12.50', id: 'sim-amount' })}${field('Currency', 'currency', { value: 'USD', required: true, id: 'sim-currency' })}
        ${field('Merchant name', 'merchant_name', { value: 'Corner Coffee', required: true })}${field('MCC', 'mcc', { value: '5814', required: true })}${field('Country', 'country', { value: 'US', required: true })}`, 'Authorize')}
      ${sim('settle', 'Clear, reverse or refund', html`
        ${field('Authorization id', 'authorization_id', { required: true, id: 'settle-auth' })}
        ${select('Action', 'action', [['clear', 'Clear'], ['reverse', 'Reverse'], ['refund', 'Refund']], 'clear', 'settle-action')}
        ${field('Amount', 'amount', { required: true, placeholder: '12.50', id: 'settle-amount' })}${field('Currency', 'currency', { value: 'USD', required: true, id: 'settle-currency' })}`, 'Apply')}
      ${sim('clock', 'Advance the test clock', field('Seconds', 'seconds', { required: true, value: '3600', pattern: '[0-9]+' }), 'Advance')}
      ${sim('deposit', 'Deposit into the wallet', html`${field('Amount', 'amount', { required: true, placeholder: '1000.00', id: 'dep-amount' })}${field('Currency', 'currency', { value: 'USD', required: true, id: 'dep-currency' })}`, 'Deposit')}
      </div>
      <h2>Notification outbox</h2>
      ${table('Notifications (activation codes)', notifications, [
    { label: 'Id', cell: (n) => mono(n.id) }, { label: 'Channel', cell: (n) => n.channel }, { label: 'Recipient', cell: (n) => n.recipient }, { label: 'Kind', cell: (n) => n.kind },
    { label: 'Message', cell: (n) => n.body, wrap: true }, { label: 'Status', cell: (n) => status(n.status) }, { label: 'Created', cell: (n) => formatTime(n.created_at) },
  ], 'The outbox is empty.')}`,
    };
  });

  const sandboxBack = (message: string, result?: { error?: unknown; response: Response }): ActionResult =>
    result ? outcome(result, message, '/dashboard/sandbox') : { redirect: '/dashboard/sandbox', flash: { kind: 'error', message } };
  router.action('merchant', '/dashboard/sandbox/authorize', async ({ api, form }) => {
    const currency = one(form, 'currency').trim().toUpperCase();
    const amount = amountOf(form, currency);
    if (typeof amount === 'string') return sandboxBack(amount);
    const res = await api.POST('/v1/simulate/authorizations', {
      body: { card_id: one(form, 'card_id'), amount, currency, merchant: { name: one(form, 'merchant_name'), mcc: one(form, 'mcc'), country: one(form, 'country').toUpperCase() } },
    });
    if (res.error) return sandboxBack('', res);
    const a = res.data;
    return { redirect: `/dashboard/authorizations/${enc(a.id)}`, flash: { kind: a.status === 'declined' ? 'error' : 'success', message: `Authorization ${a.status}${a.decline_reason ? `: ${a.decline_reason}` : ''}.` } };
  });
  router.action('merchant', '/dashboard/sandbox/settle', async ({ api, form }) => {
    const currency = one(form, 'currency').trim().toUpperCase();
    const amount = amountOf(form, currency);
    if (typeof amount === 'string') return sandboxBack(amount);
    const id = one(form, 'authorization_id').trim();
    const action = one(form, 'action');
    let res;
    if (action === 'refund') {
      const auth = await api.GET('/v1/authorizations/{id}', { params: { path: { id } } });
      if (auth.error) return sandboxBack('', auth);
      if (!auth.data.card_id) return sandboxBack('This authorization has no card to refund to.');
      res = await api.POST('/v1/simulate/refunds', { body: { card_id: auth.data.card_id, amount, authorization_id: id } });
    } else if (action === 'reverse') {
      res = await api.POST('/v1/simulate/authorizations/{id}/reverse', { params: { path: { id } }, body: { amount } });
    } else {
      res = await api.POST('/v1/simulate/authorizations/{id}/clear', { params: { path: { id } }, body: { amount } });
    }
    if (res.error) return sandboxBack('', res);
    return { redirect: `/dashboard/authorizations/${enc(id)}`, flash: { kind: 'success', message: `${action[0]!.toUpperCase()}${action.slice(1)} applied.` } };
  });
  router.action('merchant', '/dashboard/sandbox/clock', async ({ api, form }) => {
    const seconds = one(form, 'seconds').trim();
    if (!/^\d{1,9}$/.test(seconds)) return sandboxBack('Seconds must be a whole number.');
    const res = await api.POST('/v1/simulate/clock/advance', { body: { seconds: Number(seconds) } });
    return sandboxBack(res.data ? `The test clock is now ${formatTime(res.data.now)}.` : '', res);
  });
  router.action('merchant', '/dashboard/sandbox/deposit', async ({ api, form }) => {
    const currency = one(form, 'currency').trim().toUpperCase();
    const amount = amountOf(form, currency);
    if (typeof amount === 'string') return sandboxBack(amount);
    const res = await api.POST('/v1/simulate/wallet_deposits', { body: { currency, amount } });
    return sandboxBack(`Deposited ${one(form, 'amount')} ${currency}.`, res);
  });
}

function searchForm(query: Record<string, string | undefined>): SafeHtml {
  return html`<form method="get" class="filters" role="search">
    ${field('Email or customer id', 'q', { value: query.q ?? '', id: 'customer-search' })}
    ${select('KYC status', 'kyc_status', ['', ...KYC_STATUSES], query.kyc_status)}
    <button type="submit">Search</button></form>`;
}

function customerTable(list: { data?: { data: Customer[] }; error?: unknown; response?: Response }, empty = 'No customers yet.'): SafeHtml {
  return table('Customers', list, [
    { label: 'Name', cell: (c) => link(`/dashboard/customers/${enc(c.id)}`, `${c.first_name} ${c.last_name}`) }, { label: 'Id', cell: (c) => mono(c.id) },
    { label: 'Email', cell: (c) => c.email }, { label: 'KYC', cell: (c) => status(c.kyc_status) }, { label: 'Created', cell: (c) => formatTime(c.created_at) },
  ], empty);
}

