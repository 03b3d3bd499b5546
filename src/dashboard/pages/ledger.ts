import { html } from '../html.ts';
import { dl, errorBox, field, link, mono, money, pager, status, table } from '../kit.ts';
import { formatTime } from '../format.ts';
import type { Router } from '../index.ts';

/** The operator's Ledger page: the invariant check with per-ledger totals, and an account's transfer history. */

const enc = encodeURIComponent;
/** How the page names a transfer's type beside its state. */
const TRANSFER_TYPES = {
  single: 'transfer', pending: 'hold', post_pending: 'post of a hold', void_pending: 'release of a hold',
} as const;

export function ledgerPage(router: Router): void {
  router.page('operator', '/dashboard/ledger', async ({ api, query }) => {
    const accountId = query.account_id?.trim() || undefined;
    const [res, history] = await Promise.all([
      api.GET('/admin/v1/ledger/verify'),
      accountId ? api.GET('/admin/v1/ledger/accounts/{accountId}/transfers', {
        params: { path: { accountId }, query: { limit: 25, starting_after: query.starting_after } },
      }) : null,
    ]);
    if (res.error) return { title: 'Ledger', current: 'Ledger', status: res.response.status, body: errorBox(res) };
    const v = res.data;
    const minor = (n: string) => html`<span class="mono">${n}</span>`;
    const accountLink = (id: string | null) => id ? link(`/dashboard/ledger?account_id=${enc(id)}#history-h`, mono(id)) : '—';
    return {
      title: 'Ledger', current: 'Ledger',
      body: html`
      <p class="verdict ${v.ok ? 'ok' : 'bad'}">${v.ok
    ? 'The ledger balances: every check passed.' : 'The ledger check found violations.'}</p>
      ${dl([['Transfers checked', String(v.transfers)], ['Truncated', v.truncated ? 'yes' : 'no']])}
      ${table('Totals per ledger (minor units)', { data: { data: v.ledgers } }, [
    { label: 'Ledger', cell: (l) => String(l.ledger) }, { label: 'Currency', cell: (l) => l.currency },
    { label: 'Accounts', cell: (l) => String(l.accounts), numeric: true },
    { label: 'Debits pending', cell: (l) => minor(l.debits_pending), numeric: true },
    { label: 'Debits posted', cell: (l) => minor(l.debits_posted), numeric: true },
    { label: 'Credits pending', cell: (l) => minor(l.credits_pending), numeric: true },
    { label: 'Credits posted', cell: (l) => minor(l.credits_posted), numeric: true },
  ], 'No ledgers yet.')}
      <h2>Violations</h2>
      ${table('Violations', { data: { data: v.violations } }, [
    { label: 'Kind', cell: (x) => x.kind }, { label: 'Ledger', cell: (x) => x.ledger === null ? '—' : String(x.ledger) },
    { label: 'Account', cell: (x) => accountLink(x.account_id) }, { label: 'Transfer', cell: (x) => mono(x.transfer_id) },
    { label: 'Detail', cell: (x) => x.detail, wrap: true },
  ], 'None.')}
      <h2 id="history-h">Transfer history of an account</h2>
      <form method="get" class="filters" role="search">
        ${field('Account id', 'account_id', {
    value: accountId ?? '', id: 'ledger-account', placeholder: 'card_…:available',
    hint: 'A card\'s accounts are card_…:available and card_…:reserve; a merchant wallet is mch_…:sandbox:USD:wallet.',
  })}
        <button type="submit">Show transfers</button>
      </form>
      ${!history ? html`<p class="empty">Enter a ledger account id to see its transfers, newest first.</p>` : html`
      ${table(`Transfers of ${accountId}`, history, [
    { label: 'Created', cell: (t) => formatTime(t.created_at) }, { label: 'Transfer', cell: (t) => mono(t.id) },
    { label: 'Code', cell: (t) => t.code },
    {
      label: 'State',
      cell: (t) => html`${status(t.state)}${t.type === 'single' ? '' : html` <span class="muted small">${TRANSFER_TYPES[t.type]}</span>`}`,
    },
    { label: 'Side', cell: (t) => t.side },
    { label: 'Amount', cell: (t) => money(t.amount, t.currency), numeric: true },
    { label: 'Other account', cell: (t) => accountLink(t.side === 'debit' ? t.credit_account_id : t.debit_account_id) },
    {
      label: 'Resolved by',
      cell: (t) => t.resolved_by ? html`${mono(t.resolved_by)} ${formatTime(t.resolved_at)}` : mono(t.pending_id),
    },
  ], 'This account has no transfers yet.')}
      ${pager('/dashboard/ledger', { account_id: accountId }, history)}`}`,
    };
  });
}
