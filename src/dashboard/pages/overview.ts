import { messageOf } from '../api.ts';
import { html, type SafeHtml } from '../html.ts';
import { errorBox, link, status, table } from '../kit.ts';
import type { PageContext, Rendered } from '../index.ts';

interface OverviewData {
  merchants: { total: number; suspended: number; live_access: number };
  cards_by_status: Array<{ status: string; count: number }>;
  authorizations_per_hour: Array<{ hour: string; approved: number; declined: number }>;
  decline_reasons: Array<{ reason: string; count: number }>;
  kyc_waiting: number;
}

/**
 * Authorizations per hour as a grouped bar chart in inline SVG, drawn on the server: no script, no library.
 * Every number in the markup is computed here; the only text (hour labels) goes through the escaping template.
 */
export function hourlyChart(hours: OverviewData['authorizations_per_hour']): SafeHtml {
  const width = 720;
  const height = 220;
  const pad = { left: 40, right: 10, top: 10, bottom: 30 };
  const max = Math.max(1, ...hours.map((h) => Math.max(h.approved, h.declined)));
  const slot = (width - pad.left - pad.right) / Math.max(1, hours.length);
  const bar = Math.max(1, (slot - 4) / 2);
  const y = (v: number) => pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
  const base = height - pad.bottom;
  const total = hours.reduce((s, h) => s + h.approved + h.declined, 0);
  const summary = `Authorizations per hour over the last ${hours.length} hours: ${hours.reduce((s, h) => s + h.approved, 0)} approved, ${hours.reduce((s, h) => s + h.declined, 0)} declined.`;
  return html`<figure class="chart">
    <svg viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet">
      <title id="chart-title">Authorizations per hour, approved and declined</title>
      <desc id="chart-desc">${summary}</desc>
      <line x1="${pad.left}" y1="${base}" x2="${width - pad.right}" y2="${base}" class="axis"></line>
      <text x="${pad.left - 6}" y="${y(max) + 4}" text-anchor="end" class="tick">${max}</text>
      <text x="${pad.left - 6}" y="${base + 4}" text-anchor="end" class="tick">0</text>
      ${hours.map((h, i) => {
    const x = pad.left + i * slot + 2;
    const label = `${h.hour.slice(11, 13)}h`;
    return html`<g><rect x="${x.toFixed(1)}" y="${y(h.approved).toFixed(1)}" width="${bar.toFixed(1)}" height="${(base - y(h.approved)).toFixed(1)}" class="bar-approved"><title>${label}: ${h.approved} approved</title></rect>
      <rect x="${(x + bar).toFixed(1)}" y="${y(h.declined).toFixed(1)}" width="${bar.toFixed(1)}" height="${(base - y(h.declined)).toFixed(1)}" class="bar-declined"><title>${label}: ${h.declined} declined</title></rect>
      ${i % 3 === 0 ? html`<text x="${(x + bar).toFixed(1)}" y="${height - 10}" text-anchor="middle" class="tick">${label}</text>` : ''}</g>`;
  })}
    </svg>
    <figcaption><span class="key key-approved" aria-hidden="true"></span> Approved <span class="key key-declined" aria-hidden="true"></span> Declined
      ${total === 0 ? html` · <span class="muted">No authorizations in this window.</span>` : ''} · hours in UTC</figcaption>
  </figure>`;
}

export async function overviewPage({ api }: PageContext): Promise<Rendered> {
  const [res, ledger] = await Promise.all([api.GET('/admin/v1/overview'), api.GET('/admin/v1/ledger/verify')]);
  if (res.error) return { title: 'Overview', current: 'Overview', status: res.response.status, body: errorBox(res) };
  const o = res.data as OverviewData;
  const cards = o.cards_by_status.reduce((s, c) => s + c.count, 0);
  return {
    title: 'Overview', current: 'Overview',
    body: html`
    <div class="tiles">
      <a class="tile" href="/dashboard/merchants"><span class="tile-value">${o.merchants.total}</span><span class="tile-label">Merchants</span>
        <span class="tile-sub">${o.merchants.live_access} live · ${o.merchants.suspended} suspended</span></a>
      <div class="tile"><span class="tile-value">${cards}</span><span class="tile-label">Cards</span>
        <span class="tile-sub">${o.cards_by_status.find((c) => c.status === 'ACTIVE')?.count ?? 0} active</span></div>
      <a class="tile" href="/dashboard/kyc"><span class="tile-value">${o.kyc_waiting}</span><span class="tile-label">KYC queue</span>
        <span class="tile-sub">waiting for review</span></a>
      <a class="tile" href="/dashboard/ledger"><span class="tile-value">${ledger.error ? '?' : ledger.data.ok ? 'OK' : 'FAIL'}</span><span class="tile-label">Ledger health</span>
        <span class="tile-sub">${ledger.error ? messageOf(ledger) : `${ledger.data.transfers} transfers checked`}</span></a>
    </div>
    <h2>Authorizations per hour</h2>
    ${hourlyChart(o.authorizations_per_hour)}
    <div class="two-col">
      <section aria-labelledby="cards-h"><h2 id="cards-h">Cards by status</h2>
        ${table('Cards by status', { data: { data: o.cards_by_status } }, [
    { label: 'Status', cell: (c) => status(c.status) }, { label: 'Cards', cell: (c) => String(c.count), numeric: true },
  ], 'No cards yet.')}</section>
      <section aria-labelledby="decl-h"><h2 id="decl-h">Decline reasons (24 h)</h2>
        ${table('Decline reasons', { data: { data: o.decline_reasons } }, [
    { label: 'Reason', cell: (r) => html`<code>${r.reason}</code>` }, { label: 'Declines', cell: (r) => String(r.count), numeric: true },
  ], 'No declines in the last 24 hours.')}</section>
    </div>
    <p>${link('/dashboard/kyc', 'Open the KYC queue')} · ${link('/dashboard/audit-log', 'Audit log')}</p>`,
  };
}
