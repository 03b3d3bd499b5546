import { html, type SafeHtml } from './html.ts';
import { problemOf, type ApiError } from './api.ts';
import { formatMoney } from './format.ts';

/** Small building blocks every page shares: tables with their empty and error states, paging, fields. */

export interface Column<T> {
  label: string;
  cell: (row: T) => SafeHtml | string | number | null;
  /** Right-aligned numbers (money). */
  numeric?: boolean;
  /** Free text that wraps (cells stay on one line otherwise). */
  wrap?: boolean;
}

const cellClass = (c: { numeric?: boolean; wrap?: boolean }) =>
  c.numeric ? html` class="num"` : c.wrap ? html` class="wrap"` : '';

/** The API's refusal as the page shows it: its message, code and request id (never a secret: the API's messages carry none). */
export function errorBox(result: ApiError | { error?: unknown; response: Response }): SafeHtml {
  const error = 'response' in result ? problemOf(result) : result;
  if (!error) return html``;
  return html`<div class="flash flash-error" role="alert"><p>${error.message}</p>
    <p class="muted small">Code <code>${error.code}</code>${error.requestId ? html` · request <code>${error.requestId}</code>` : ''}</p></div>`;
}

/**
 * A list from the API: its rows, or "nothing here" (the empty state), or the API's message (the error state).
 * The loading state is the page itself: it is rendered on the server and arrives complete.
 */
export function table<T>(
  caption: string, result: { data?: { data: T[] }; error?: unknown; response?: Response }, columns: Column<T>[], empty: string,
): SafeHtml {
  if (result.response && !result.response.ok) return errorBox({ error: result.error, response: result.response });
  const rows = result.data?.data ?? [];
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  // Focusable and named: a table wider than the screen scrolls, and keyboard users must reach it (axe scrollable-region-focusable).
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${caption}"><table>
    <caption>${caption}</caption>
    <thead><tr>${columns.map((c) => html`<th scope="col"${c.numeric ? html` class="num"` : ''}>${c.label}</th>`)}</tr></thead>
    <tbody>${rows.map((row) => html`<tr>${columns.map((c) => html`<td${cellClass(c)}>${c.cell(row)}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

const idField = (row: unknown): string | undefined =>
  typeof row === 'object' && row !== null && 'id' in row && typeof row.id === 'string' ? row.id : undefined;

/** "Next page" by the API's cursor (the last row's id, or `idOf` it) with the page's other filters kept. */
export function pager<T>(
  base: string, query: Record<string, string | undefined>, list: { data?: { data: T[]; has_more: boolean } },
  idOf: (row: T) => string | undefined = idField,
): SafeHtml | string {
  const data = list.data;
  if (!data || !data.has_more || data.data.length === 0) return '';
  const cursor = idOf(data.data[data.data.length - 1]!);
  if (!cursor) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v && k !== 'starting_after') params.set(k, v);
  params.set('starting_after', cursor);
  return html`<nav class="pager" aria-label="Pages"><a href="${base}?${params.toString()}">Next page →</a></nav>`;
}

export const mono = (text: string | null | undefined) => (text ? html`<code class="id">${text}</code>` : '—');
export const link = (href: string, text: string | SafeHtml) => html`<a href="${href}">${text}</a>`;
export const money = (amount: number | string | null | undefined, currency: string) =>
  amount === null || amount === undefined ? '—' : html`<span class="money">${formatMoney(amount, currency)}</span>`;

const STATUS_TONE: Record<string, string> = {
  ACTIVE: 'good', PASSED: 'good', approved: 'good', completed: 'good', succeeded: 'good', available: 'good', true: 'good',
  INACTIVE: 'warn', WAITING_KYC: 'warn', PENDING_ACTIVATION: 'warn', pending: 'warn', assigned: 'neutral', PENDING: 'warn',
  REJECTED: 'bad', declined: 'bad', EXPIRED: 'bad', reversed: 'neutral', failed: 'bad', false: 'bad', expired: 'bad',
  posted: 'good', voided: 'neutral',
};
export const status = (value: string | boolean | null | undefined) =>
  value === null || value === undefined ? '—' : html`<span class="pill pill-${STATUS_TONE[String(value)] ?? 'neutral'}">${String(value)}</span>`;

export function field(label: string, name: string, options: { value?: string; type?: string; required?: boolean; placeholder?: string; id?: string; pattern?: string; hint?: string } = {}): SafeHtml {
  const id = options.id ?? `f-${name}`;
  return html`<div class="field"><label for="${id}">${label}</label>
    <input id="${id}" name="${name}" type="${options.type ?? 'text'}"${options.value ? html` value="${options.value}"` : ''}${options.required ? html` required` : ''}${options.placeholder ? html` placeholder="${options.placeholder}"` : ''}${options.pattern ? html` pattern="${options.pattern}"` : ''}>
    ${options.hint ? html`<small>${options.hint}</small>` : ''}</div>`;
}

export function select(label: string, name: string, choices: ReadonlyArray<string | readonly [string, string]>, selected?: string, id?: string): SafeHtml {
  const fid = id ?? `f-${name}`;
  return html`<div class="field"><label for="${fid}">${label}</label><select id="${fid}" name="${name}">
    ${choices.map((c) => {
    const [value, text] = typeof c === 'string' ? [c, c === '' ? 'Any' : c] : c;
    return html`<option value="${value}"${value === (selected ?? '') ? html` selected` : ''}>${text}</option>`;
  })}</select></div>`;
}

export function checkboxes(legend: string, name: string, choices: readonly string[], checked: readonly string[] = []): SafeHtml {
  return html`<fieldset class="checks"><legend>${legend}</legend>
    ${choices.map((c) => html`<label><input type="checkbox" name="${name}" value="${c}"${checked.includes(c) ? html` checked` : ''}> ${c}</label>`)}</fieldset>`;
}

export function dl(items: Array<[string, SafeHtml | string | number | null | undefined]>): SafeHtml {
  return html`<dl class="facts">${items.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v ?? '—'}</dd></div>`)}</dl>`;
}

/** `value` when it is one of `choices` (a query or form field), else undefined: the API's enumerations are typed. */
export function pick<T extends string>(choices: readonly T[], value: string | undefined): T | undefined {
  return choices.find((c) => c === value);
}
