import crypto from 'node:crypto';
import { html, type SafeHtml } from './html.ts';
import type { Flash, Session } from './session.ts';

/** The navigation of each console; the names are the issue's contract (tests find the links by them). */
export const OPERATOR_NAV = [
  ['Overview', '/dashboard/overview'],
  ['Merchants', '/dashboard/merchants'],
  ['KYC review', '/dashboard/kyc'],
  ['Card stock', '/dashboard/card-stock'],
  ['Ledger', '/dashboard/ledger'],
  ['Audit log', '/dashboard/audit-log'],
  ['FX rates', '/dashboard/fx-rates'],
  ['Fee schedules', '/dashboard/fee-schedules'],
] as const;

export const MERCHANT_NAV = [
  ['Customers', '/dashboard/customers'],
  ['Cards', '/dashboard/cards'],
  ['Transactions', '/dashboard/transactions'],
  ['Webhooks', '/dashboard/webhooks'],
  ['API keys', '/dashboard/api-keys'],
  ['Sandbox', '/dashboard/sandbox'],
] as const;

export function navFor(session: Session): ReadonlyArray<readonly [string, string]> {
  if (session.kind === 'operator') return OPERATOR_NAV;
  // The simulators exist only in sandbox (SPEC §1): a live session has no Sandbox page.
  return session.mode === 'sandbox' ? MERCHANT_NAV : MERCHANT_NAV.filter(([name]) => name !== 'Sandbox');
}

/**
 * Every form's hidden fields: the session's CSRF token, and a one-time form id from which the API calls of this post
 * take their Idempotency-Keys (api.ts formKeys), so the same form sent twice is not carried out twice.
 */
export const csrfField = (session: Session) =>
  html`<input type="hidden" name="_csrf" value="${session.csrf}"><input type="hidden" name="_form" value="${crypto.randomUUID()}">`;

function flashBox(flash: Flash | null): SafeHtml | string {
  if (!flash) return '';
  return html`<div class="flash flash-${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}">
    <p>${flash.message}</p>
    ${flash.secret ? html`<p class="secret-once"><label>Copy it now; it is not shown again:
      <input class="mono" type="text" readonly value="${flash.secret}" size="60"></label></p>` : ''}
  </div>`;
}

function shell(title: string, body: SafeHtml, extraBodyClass = ''): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Tessera</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
<script src="/dashboard/assets/dashboard.js" defer></script>
</head>
<body class="${extraBodyClass}">
${body}
</body>
</html>`.text;
}

export interface PageOptions {
  title: string;
  session: Session;
  /** The nav entry to mark current (by name). */
  current: string;
  body: SafeHtml;
  flash?: Flash | null;
}

export function page(options: PageOptions): string {
  const { session } = options;
  const nav = navFor(session);
  const role = session.kind === 'operator' ? 'Operator' : 'Merchant';
  return shell(options.title, html`
<a class="skip" href="#main">Skip to content</a>
<header class="topbar">
  <div class="brand"><span class="logo" aria-hidden="true">T</span> Tessera <span class="console">${role} console</span></div>
  <div class="who">
    <span class="identity">Signed in as <strong>${session.identity}</strong></span>
    ${session.mode ? html`<span class="badge mode-${session.mode}">${session.mode}</span>` : ''}
    <form method="post" action="/dashboard/signout" class="inline">${csrfField(session)}<button type="submit" class="btn-secondary">Sign out</button></form>
  </div>
</header>
<div class="frame">
  <nav class="sidenav" aria-label="${role} pages">
    <ul>
      ${nav.map(([name, href]) => html`<li><a href="${href}"${name === options.current ? html` aria-current="page"` : ''}>${name}</a></li>`)}
    </ul>
  </nav>
  <main id="main">
    <h1>${options.title}</h1>
    ${flashBox(options.flash ?? null)}
    ${options.body}
  </main>
</div>`);
}

/** The sign-in page: two ways in, the operator's admin token and a merchant's API key. */
export function signInPage(error: string | null, csrf: string): string {
  return shell('Sign in', html`
<main id="main" class="signin">
  <h1><span class="logo" aria-hidden="true">T</span> Tessera dashboard</h1>
  ${error ? html`<div class="flash flash-error" role="alert"><p>${error}</p></div>` : ''}
  <div class="signin-forms">
    <section aria-labelledby="op-h" class="card">
      <h2 id="op-h">Operator</h2>
      <form method="post" action="/dashboard/signin" data-pending="Signing in…">
        <input type="hidden" name="_csrf" value="${csrf}">
        <input type="hidden" name="kind" value="operator">
        <label for="admin-token">Admin token</label>
        <input id="admin-token" name="credential" type="password" autocomplete="off" required>
        <button type="submit">Sign in</button>
      </form>
    </section>
    <section aria-labelledby="mer-h" class="card">
      <h2 id="mer-h">Merchant</h2>
      <form method="post" action="/dashboard/signin" data-pending="Signing in…">
        <input type="hidden" name="_csrf" value="${csrf}">
        <input type="hidden" name="kind" value="merchant">
        <label for="api-key">API key</label>
        <input id="api-key" name="credential" type="password" autocomplete="off" required placeholder="sk_sandbox_…">
        <button type="submit">Sign in</button>
      </form>
    </section>
  </div>
  <p class="hint">The credential stays on the server for this session (12 hours at most); it is never stored in the browser.</p>
</main>`, 'signin-body');
}

/** A page for a refusal or a missing page outside a session's console. */
export function messagePage(session: Session, title: string, message: string): string {
  return page({ title, session, current: '', body: html`<div class="flash flash-error" role="alert"><p>${message}</p></div>` });
}
