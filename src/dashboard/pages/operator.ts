import { html } from '../html.ts';
import { csrfField } from '../layout.ts';
import { checkboxes, dl, errorBox, field, link, mono, pager, pick, select, status, table } from '../kit.ts';
import { formatTime } from '../format.ts';
import { many, one, outcome, type Router } from '../index.ts';
import { overviewPage } from './overview.ts';
import { kycPages } from './kyc.ts';
import { ledgerPage } from './ledger.ts';

/** The operator console: merchants, KYC review, card stock, ledger, audit log, FX rates, fee schedules. */

const SCOPES = ['read', 'write', 'cards:reveal', 'keys:write'] as const;
const MODES = ['sandbox', 'live'] as const;
const STOCK_STATUSES = ['available', 'assigned', 'unowned'] as const;
const BRANDS = ['VISA', 'MASTERCARD'] as const;
const enc = encodeURIComponent;


/** Why 1,000: the API's own maximum per import. */
const STOCK_LINES_MAX = 1000;

const FEE_FIELDS = [
  ['authorization_fixed', 'Authorization fee, fixed (minor units)'],
  ['authorization_percent_bps', 'Authorization fee (basis points)'],
  ['funding_fixed', 'Funding fee, fixed (minor units)'],
  ['funding_percent_bps', 'Funding fee (basis points)'],
  ['fx_percent_bps', 'FX fee (basis points)'],
  ['clearing_tolerance_bps', 'Clearing tolerance (basis points)'],
] as const;

interface StockCard { card_number: string; brand: (typeof BRANDS)[number]; exp_month: number; exp_year: number; currency: string }

/** One card-stock line: "card_number,brand,exp_month,exp_year,currency". */
export function parseStockLine(line: string): StockCard | string {
  const parts = line.split(/[,;\t]/).map((p) => p.trim());
  if (parts.length !== 5) return 'expected 5 fields: card_number,brand,exp_month,exp_year,currency';
  const [number, brandText, month, year, currency] = parts as [string, string, string, string, string];
  if (!/^\d{12,19}$/.test(number)) return 'the card number must be 12 to 19 digits';
  const brand = pick(BRANDS, brandText.toUpperCase());
  if (!brand) return `the brand must be ${BRANDS.join(' or ')}`;
  if (!/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return 'the expiry month and year must be numbers';
  return { card_number: number, brand, exp_month: Number(month), exp_year: Number(year), currency: currency.toUpperCase() };
}

export function operatorPages(router: Router): void {
  router.page('operator', '/dashboard/overview', overviewPage);

  // Merchants -----------------------------------------------------------------------------------------------------
  router.page('operator', '/dashboard/merchants', async ({ api, query, session }) => {
    const list = await api.GET('/admin/v1/merchants', { params: { query: { limit: 25, query: query.q, starting_after: query.starting_after } } });
    return {
      title: 'Merchants', current: 'Merchants',
      body: html`
      <form method="get" class="filters" role="search">
        ${field('Search by name or id', 'q', { value: query.q ?? '' })}
        <button type="submit">Search</button>
      </form>
      ${table('Merchants', list, [
    { label: 'Name', cell: (m) => link(`/dashboard/merchants/${enc(m.id)}`, m.name) },
    { label: 'Id', cell: (m) => mono(m.id) },
    { label: 'Live access', cell: (m) => status(m.live_access ? 'granted' : 'none') },
    { label: 'Status', cell: (m) => status(m.suspended ? 'suspended' : 'active') },
    { label: 'Created', cell: (m) => formatTime(m.created_at) },
  ], query.q ? 'No merchant matches this search.' : 'No merchants yet.')}
      ${pager('/dashboard/merchants', query, list)}
      <section class="card" aria-labelledby="new-merchant"><h2 id="new-merchant">Create a merchant</h2>
        <form method="post" action="/dashboard/merchants" data-pending="Creating…">${csrfField(session)}
          ${field('Merchant name', 'name', { required: true, id: 'new-merchant-name' })}
          <button type="submit">Create merchant</button>
        </form>
      </section>`,
    };
  });

  router.action('operator', '/dashboard/merchants', async ({ api, form }) => {
    const res = await api.POST('/admin/v1/merchants', { body: { name: one(form, 'name') } });
    if (res.error) return outcome(res, '', '/dashboard/merchants');
    return {
      redirect: `/dashboard/merchants/${enc(res.data.id)}`,
      flash: { kind: 'success', message: `Merchant ${res.data.name} created with a sandbox key.`, secret: res.data.sandbox_api_key },
    };
  });

  router.page('operator', '/dashboard/merchants/:id', async ({ api, params, session }) => {
    const id = params.id!;
    const [merchant, keys, fees] = await Promise.all([
      api.GET('/admin/v1/merchants/{id}', { params: { path: { id } } }),
      api.GET('/admin/v1/merchants/{id}/keys', { params: { path: { id } } }),
      api.GET('/admin/v1/merchants/{id}/fee_schedule', { params: { path: { id } } }),
    ]);
    if (merchant.error) return { title: 'Merchant', current: 'Merchants', status: merchant.response.status, body: errorBox(merchant) };
    const m = merchant.data;
    const base = `/dashboard/merchants/${enc(id)}`;
    return {
      title: m.name, current: 'Merchants',
      body: html`
      ${dl([['Id', mono(m.id)], ['Live access', status(m.live_access ? 'granted' : 'none')], ['Status', status(m.suspended ? 'suspended' : 'active')],
    ['Suspension reason', m.suspension_reason], ['Created', formatTime(m.created_at)]])}
      <div class="actions">
        <form method="post" action="${base}/live-access" data-pending="Saving…">${csrfField(session)}
          <input type="hidden" name="grant" value="${m.live_access ? 'no' : 'yes'}">
          <button type="submit" class="btn-secondary">${m.live_access ? 'Revoke live access' : 'Grant live access'}</button>
        </form>
        ${m.suspended
    ? html`<form method="post" action="${base}/resume" data-pending="Resuming…">${csrfField(session)}<button type="submit" class="btn-secondary">Resume merchant</button></form>`
    : html`<form method="post" action="${base}/suspend" class="inline-form" data-pending="Suspending…">${csrfField(session)}
            ${field('Suspension reason', 'reason', { required: true, id: 'suspend-reason' })}
            <button type="submit" class="btn-danger">Suspend merchant</button></form>`}
      </div>
      <h2>API keys</h2>
      ${table('API keys', keys, [
    { label: 'Id', cell: (k) => mono(k.id) }, { label: 'Prefix', cell: (k) => mono(k.prefix) }, { label: 'Mode', cell: (k) => k.mode },
    { label: 'Scopes', cell: (k) => k.scopes.join(', ') }, { label: 'Created', cell: (k) => formatTime(k.created_at) },
    {
      label: 'Revoked', cell: (k) => k.revoked_at ? formatTime(k.revoked_at)
        : html`<form method="post" action="${base}/keys/${enc(k.id)}/revoke" data-confirm="Revoke this key? Requests with it fail at once.">${csrfField(session)}<button type="submit" class="btn-danger small">Revoke</button></form>`,
    },
  ], 'This merchant has no keys.')}
      <section class="card" aria-labelledby="new-key"><h2 id="new-key">Create a key</h2>
        <form method="post" action="${base}/keys" data-pending="Creating…">${csrfField(session)}
          ${select('Mode', 'mode', ['sandbox', 'live'], 'sandbox', 'key-mode')}
          ${checkboxes('Scopes', 'scopes', SCOPES, ['read', 'write'])}
          <button type="submit">Create key</button>
        </form>
      </section>
      <h2>Fee schedule</h2>
      ${fees.error ? errorBox(fees) : dl(FEE_FIELDS.map(([k, label]) => [label, String(fees.data[k])] as [string, string]).concat([['Authorization mode', fees.data.authorization_mode]]))}
      <p>${link(`/dashboard/fee-schedules?merchant_id=${enc(id)}`, 'Edit the fee schedule')}</p>`,
    };
  });

  router.action('operator', '/dashboard/merchants/:id/keys', async ({ api, params, form }) => {
    const back = `/dashboard/merchants/${enc(params.id!)}`;
    const res = await api.POST('/admin/v1/merchants/{id}/keys', { params: { path: { id: params.id! } }, body: { mode: pick(MODES, one(form, 'mode')) ?? 'sandbox', scopes: many(form, 'scopes').flatMap((s) => pick(SCOPES, s) ?? []) } });
    if (res.error) return outcome(res, '', back);
    return { redirect: back, flash: { kind: 'success', message: `Key ${res.data.prefix} created.`, secret: res.data.api_key } };
  });
  router.action('operator', '/dashboard/merchants/:id/keys/:keyId/revoke', async ({ api, params }) =>
    outcome(await api.DELETE('/admin/v1/merchants/{id}/keys/{keyId}', { params: { path: { id: params.id!, keyId: params.keyId! } } }),
      'Key revoked.', `/dashboard/merchants/${enc(params.id!)}`));
  router.action('operator', '/dashboard/merchants/:id/live-access', async ({ api, params, form }) => {
    const grant = one(form, 'grant') === 'yes';
    const opts = { params: { path: { id: params.id! } } };
    const res = grant ? await api.POST('/admin/v1/merchants/{id}/live_access', opts) : await api.DELETE('/admin/v1/merchants/{id}/live_access', opts);
    return outcome(res, grant ? 'Live access granted.' : 'Live access revoked.', `/dashboard/merchants/${enc(params.id!)}`);
  });
  router.action('operator', '/dashboard/merchants/:id/suspend', async ({ api, params, form }) =>
    outcome(await api.POST('/admin/v1/merchants/{id}/suspend', { params: { path: { id: params.id! } }, body: { reason: one(form, 'reason') } }),
      'Merchant suspended.', `/dashboard/merchants/${enc(params.id!)}`));
  router.action('operator', '/dashboard/merchants/:id/resume', async ({ api, params }) =>
    outcome(await api.POST('/admin/v1/merchants/{id}/resume', { params: { path: { id: params.id! } } }), 'Merchant resumed.', `/dashboard/merchants/${enc(params.id!)}`));

  kycPages(router);

  // Card stock ----------------------------------------------------------------------------------------------------
  router.page('operator', '/dashboard/card-stock', async ({ api, query, session }) => {
    const list = await api.GET('/admin/v1/card_stock', {
      params: {
        query: {
          limit: 25, merchant_id: query.merchant_id || undefined, mode: pick(MODES, query.mode), status: pick(STOCK_STATUSES, query.status),
          starting_after: query.starting_after,
        },
      },
    });
    return {
      title: 'Card stock', current: 'Card stock',
      body: html`
      <form method="get" class="filters">
        ${field('Merchant id', 'merchant_id', { value: query.merchant_id ?? '', id: 'filter-merchant' })}
        ${select('Mode', 'mode', ['', ...MODES], query.mode, 'filter-mode')}
        ${select('Status', 'status', ['', ...STOCK_STATUSES], query.status, 'filter-status')}
        <button type="submit">Filter</button>
      </form>
      ${table('Card stock', list, [
    { label: 'Id', cell: (c) => mono(c.id) }, { label: 'Card', cell: (c) => html`<span class="mono">${c.bin}······${c.last4}</span>` },
    { label: 'Brand', cell: (c) => c.brand }, { label: 'Expiry', cell: (c) => `${String(c.exp_month).padStart(2, '0')}/${c.exp_year}` },
    { label: 'Currency', cell: (c) => c.currency }, { label: 'Merchant', cell: (c) => mono(c.merchant_id) }, { label: 'Mode', cell: (c) => c.mode ?? '—' },
    { label: 'Status', cell: (c) => status(c.status) }, { label: 'Card', cell: (c) => mono(c.assigned_card_id) },
  ], 'No stock matches these filters.')}
      ${pager('/dashboard/card-stock', query, list)}
      <section class="card" aria-labelledby="import-h"><h2 id="import-h">Import card numbers</h2>
        <form method="post" action="/dashboard/card-stock" data-pending="Importing…">${csrfField(session)}
          ${field('Merchant id', 'merchant_id', { required: true, id: 'import-merchant', placeholder: 'merchant_…' })}
          ${select('Mode', 'mode', MODES, 'sandbox', 'import-mode')}
          <div class="field"><label for="import-lines">Cards, one a line: card_number,brand,exp_month,exp_year,currency</label>
            <textarea id="import-lines" name="lines" rows="6" required class="mono" placeholder="4242424242424242,VISA,12,2030,USD"></textarea></div>
          <div class="field"><label for="import-file">Or load a CSV file into the box</label>
            <input id="import-file" type="file" accept=".csv,.txt,text/csv,text/plain" data-fills="import-lines"></div>
          <button type="submit">Import</button>
        </form>
      </section>`,
    };
  });

  router.action('operator', '/dashboard/card-stock', async ({ api, form }) => {
    const lines = one(form, 'lines').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    if (lines.length === 0) return { redirect: '/dashboard/card-stock', flash: { kind: 'error', message: 'Paste at least one card line.' } };
    if (lines.length > STOCK_LINES_MAX) return { redirect: '/dashboard/card-stock', flash: { kind: 'error', message: `At most ${STOCK_LINES_MAX} cards per import.` } };
    const cards = [];
    for (const [i, line] of lines.entries()) {
      const card = parseStockLine(line);
      // Never echo the line itself: it holds a card number.
      if (typeof card === 'string') return { redirect: '/dashboard/card-stock', flash: { kind: 'error', message: `Line ${i + 1}: ${card}.` } };
      cards.push(card);
    }
    const body = { merchant_id: one(form, 'merchant_id').trim(), mode: pick(MODES, one(form, 'mode')) ?? 'sandbox', cards };
    const res = await api.POST('/admin/v1/card_stock', { body });
    return outcome(res, `Imported ${res.data?.imported ?? 0} cards.`, '/dashboard/card-stock');
  });

  ledgerPage(router);

  // Audit log -----------------------------------------------------------------------------------------------------
  router.page('operator', '/dashboard/audit-log', async ({ api, query }) => {
    const iso = (d: string | undefined, end: boolean) => (d ? `${d}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : undefined);
    const [list, verify] = await Promise.all([
      api.GET('/admin/v1/audit_log', { params: { query: { limit: 50, actor: query.actor, action: query.action, target: query.target, from: iso(query.from, false), to: iso(query.to, true), starting_after: query.starting_after } } }),
      api.GET('/admin/v1/audit_log/verify'),
    ]);
    return {
      title: 'Audit log', current: 'Audit log',
      body: html`
      ${verify.error ? errorBox(verify) : html`<p class="verdict ${verify.data.ok ? 'ok' : 'bad'}">${verify.data.ok
    ? `Hash chain intact over ${verify.data.entries} entries.` : `Hash chain broken at ${verify.data.broken_at}.`} <span class="muted small">Head <code>${String(verify.data.head_hash ?? '').slice(0, 16)}</code></span></p>`}
      <form method="get" class="filters">
        ${field('Actor', 'actor', { value: query.actor ?? '' })}${field('Action', 'action', { value: query.action ?? '', placeholder: 'kyc.decide' })}
        ${field('Target', 'target', { value: query.target ?? '' })}${field('From', 'from', { type: 'date', value: query.from ?? '' })}${field('To', 'to', { type: 'date', value: query.to ?? '' })}
        <button type="submit">Filter</button>
      </form>
      ${table('Audit entries', list, [
    { label: '#', cell: (e) => String(e.seq), numeric: true }, { label: 'At', cell: (e) => formatTime(e.at) }, { label: 'Actor', cell: (e) => mono(e.actor) },
    { label: 'Action', cell: (e) => e.action }, { label: 'Target', cell: (e) => mono(e.target) }, { label: 'Result', cell: (e) => status(e.result === 'success' ? 'completed' : 'failed') },
    { label: 'Origin', cell: (e) => e.origin ?? '—' }, { label: 'Details', cell: (e) => html`<code class="details">${JSON.stringify(e.details).slice(0, 160)}</code>`, wrap: true },
  ], 'No audit entries match these filters.')}
      ${pager('/dashboard/audit-log', query, list)}`,
    };
  });

  // FX rates ------------------------------------------------------------------------------------------------------
  router.page('operator', '/dashboard/fx-rates', async ({ api, session }) => {
    const list = await api.GET('/admin/v1/fx_rates');
    return {
      title: 'FX rates', current: 'FX rates',
      body: html`
      ${table('FX rates: 1 unit of From buys Rate units of To', list, [
    { label: 'From', cell: (r) => r.from }, { label: 'To', cell: (r) => r.to }, { label: 'Rate', cell: (r) => html`<span class="mono">${r.rate}</span>`, numeric: true },
    { label: 'Updated', cell: (r) => formatTime(r.updated_at) },
  ], 'No FX rates are set: cross-currency authorizations are declined.')}
      <section class="card" aria-labelledby="fx-h"><h2 id="fx-h">Set a rate</h2>
        <form method="post" action="/dashboard/fx-rates" class="row" data-pending="Saving…">${csrfField(session)}
          ${field('From currency', 'from', { required: true, placeholder: 'EUR', pattern: '[A-Za-z]{3}' })}
          ${field('To currency', 'to', { required: true, placeholder: 'USD', pattern: '[A-Za-z]{3}' })}
          ${field('Rate', 'rate', { required: true, placeholder: '1.0842' })}
          <button type="submit">Save rate</button>
        </form>
      </section>`,
    };
  });
  router.action('operator', '/dashboard/fx-rates', async ({ api, form }) =>
    outcome(await api.PUT('/admin/v1/fx_rates', { body: { rates: [{ from: one(form, 'from').toUpperCase(), to: one(form, 'to').toUpperCase(), rate: one(form, 'rate').trim() }] } }),
      'Rate saved.', '/dashboard/fx-rates'));

  // Fee schedules -------------------------------------------------------------------------------------------------
  router.page('operator', '/dashboard/fee-schedules', async ({ api, query, session }) => {
    const merchants = await api.GET('/admin/v1/merchants', { params: { query: { limit: 100 } } });
    const chosen = query.merchant_id;
    const fees = chosen ? await api.GET('/admin/v1/merchants/{id}/fee_schedule', { params: { path: { id: chosen } } }) : null;
    return {
      title: 'Fee schedules', current: 'Fee schedules',
      body: html`
      ${merchants.error ? errorBox(merchants) : html`
      <form method="get" class="filters">
        ${select('Merchant', 'merchant_id', [['', 'Choose a merchant'] as const, ...merchants.data.data.map((m) => [m.id, `${m.name} (${m.id})`] as const)], chosen)}
        <button type="submit">Show</button>
      </form>`}
      ${!fees ? html`<p class="empty">Choose a merchant to see and edit its fee schedule.</p>` : fees.error ? errorBox(fees) : html`
      <section class="card" aria-labelledby="fee-h"><h2 id="fee-h">Fee schedule of <code>${chosen}</code></h2>
        <form method="post" action="/dashboard/fee-schedules" class="grid" data-pending="Saving…">${csrfField(session)}
          <input type="hidden" name="merchant_id" value="${chosen}">
          ${FEE_FIELDS.map(([k, label]) => field(label, k, { value: String(fees.data[k]), required: true, pattern: '[0-9]+' }))}
          ${select('Authorization mode', 'authorization_mode', ['direct', 'reserve'], fees.data.authorization_mode)}
          <button type="submit">Save fee schedule</button>
        </form>
      </section>`}`,
    };
  });
  router.action('operator', '/dashboard/fee-schedules', async ({ api, form }) => {
    const id = one(form, 'merchant_id');
    const back = `/dashboard/fee-schedules?merchant_id=${enc(id)}`;
    const bad = FEE_FIELDS.find(([k]) => !/^\d{1,12}$/.test(one(form, k).trim()));
    if (bad) return { redirect: back, flash: { kind: 'error', message: `${bad[1]} must be a whole number.` } };
    const n = (k: (typeof FEE_FIELDS)[number][0]) => Number(one(form, k).trim());
    const body = {
      authorization_fixed: n('authorization_fixed'), authorization_percent_bps: n('authorization_percent_bps'),
      funding_fixed: n('funding_fixed'), funding_percent_bps: n('funding_percent_bps'), fx_percent_bps: n('fx_percent_bps'),
      clearing_tolerance_bps: n('clearing_tolerance_bps'), authorization_mode: pick(['direct', 'reserve'] as const, one(form, 'authorization_mode')),
    };
    return outcome(await api.PUT('/admin/v1/merchants/{id}/fee_schedule', { params: { path: { id } }, body }), 'Fee schedule saved.', back);
  });
}
