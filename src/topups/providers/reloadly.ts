import type { ReloadlyConfig } from '../../config.ts';
import { formatMinor } from '../../lib/money.ts';
import { currencyScale } from '../pricing.ts';
import type { TopupFailureCode } from '../types.ts';
import type { ProviderAnswer, ProviderTopup, TopupProvider } from './types.ts';

/**
 * An adapter for Reloadly's Airtime API, as its public reference documents it
 * (https://developers.reloadly.com, github.com/Reloadly/reloadly-api-documentation):
 *
 * - `POST {auth}/oauth/token {client_id, client_secret, grant_type: "client_credentials", audience}`
 *   → `{access_token, expires_in, token_type: "Bearer"}`; every other call sends it as a bearer token, with
 *   `Accept: application/com.reloadly.topups-v1+json`.
 * - `GET /operators/countries/{ISO}` → the country's operators `[{operatorId, name, …}]` (used when the
 *   catalogue product has no `provider_operator_id`: the operator is found by name).
 * - `POST /topups {operatorId, amount, useLocalAmount, customIdentifier, recipientPhone: {countryCode, number}}`
 *   → a transaction `{transactionId, status: SUCCESSFUL | PENDING | PROCESSING | FAILED | REFUNDED, …}`;
 *   errors are `{errorCode, message, …}` with a 4xx (e.g. 400 `INVALID_RECIPIENT_PHONE`).
 * - `GET /topups/{transactionId}/status` → the same transaction, for one still in progress.
 * - `GET /topups/reports/transactions?customIdentifier=…` → `{content: [transaction]}`: whether a top-up whose
 *   answer was lost ever arrived. `customIdentifier` is Tessera's `top_…` id, which Reloadly refuses to reuse.
 *
 * Catalogue amounts are the operator's local currency, so top-ups are sent with `useLocalAmount: true`.
 */

/** Why 10 s: Reloadly answers a synchronous top-up within seconds; past that the job asks again later. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Why 1 MiB: a transaction or an operator list is a few kilobytes; more is not an answer to read. */
const RESPONSE_CHARS_MAX = 1024 * 1024;
/** Why 60 s: renew a token a minute before Reloadly says it expires, so a call never starts with a dying one. */
const TOKEN_RENEW_EARLY_MS = 60_000;
/** Why an hour: a country's operators change rarely; a new one is picked up within the hour. */
const OPERATOR_CACHE_MS = 60 * 60 * 1000;
/** Why 200 characters: a provider's message is shown to the merchant as the failure message; a sentence, not a page. */
const PROVIDER_MESSAGE_MAX = 200;
const ACCEPT = 'application/com.reloadly.topups-v1+json';

/** Reloadly's error codes that mean the number itself is wrong (anything else refused is `provider_declined`). */
const RECIPIENT_ERRORS = new Set(['INVALID_RECIPIENT_PHONE', 'INVALID_PHONE_NUMBER', 'PHONE_RECENTLY_RECHARGED', 'COULD_NOT_AUTO_DETECT_OPERATOR']);

type Json = Record<string, unknown>;
/** An HTTP answer, or why there was none (`reached: false`: nothing can be concluded). */
type Reply = { reached: true; status: number; body: unknown } | { reached: false; error: string };

export interface ReloadlyOptions {
  /** For tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Milliseconds since the epoch, for token expiry. */
  now?: () => number;
  /** Per request; REQUEST_TIMEOUT_MS otherwise. */
  timeoutMs?: number;
}

export class ReloadlyProvider implements TopupProvider {
  readonly name = 'reloadly' as const;
  readonly firstAttemptDelayMs = 0;
  readonly #config: ReloadlyConfig;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  #token: { value: string; until: number } | null = null;
  readonly #operators = new Map<string, { until: number; list: { id: string; name: string }[] }>();

  constructor(config: ReloadlyConfig, options: ReloadlyOptions = {}) {
    this.#config = config;
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  async send(topup: ProviderTopup): Promise<Exclude<ProviderAnswer, { outcome: 'not_found' }>> {
    const operatorId = topup.providerOperatorId ?? (await this.#operatorIdFor(topup.country, topup.operator));
    if (typeof operatorId !== 'string') return operatorId;
    const scale = currencyScale(topup.currency);
    if (scale === null) return { outcome: 'failed', code: 'provider_declined', message: `Unknown currency ${topup.currency}.`, reference: null };
    const reply = await this.#call('POST', '/topups', {
      operatorId: /^\d+$/.test(operatorId) ? Number(operatorId) : operatorId,
      amount: Number(formatMinor(topup.amount, scale)),
      useLocalAmount: true,
      customIdentifier: topup.id,
      recipientPhone: { countryCode: topup.country, number: topup.phone.replace(/^\+/, '') },
    });
    if (!reply.reached) return { outcome: 'unknown', reason: reply.error };
    if (reply.status === 200 || reply.status === 201) return transactionAnswer(reply.body);
    if (reply.status >= 400 && reply.status < 500 && reply.status !== 401 && reply.status !== 408 && reply.status !== 429) {
      const { code, message } = errorOf(reply.body);
      // Reloadly refuses a customIdentifier it has seen: the top-up did arrive once, so look it up instead.
      if (/DUPLICATE|CUSTOM_IDENTIFIER/.test(code)) return { outcome: 'unknown', reason: `Reloadly: ${code}` };
      return { outcome: 'failed', code: failureCodeOf(code), message: `Reloadly refused the top-up: ${message}`, reference: null };
    }
    return { outcome: 'unknown', reason: `Reloadly answered ${reply.status}` };
  }

  async lookup(topup: ProviderTopup): Promise<ProviderAnswer> {
    if (topup.reference !== null) {
      const reply = await this.#call('GET', `/topups/${encodeURIComponent(topup.reference)}/status`);
      if (!reply.reached) return { outcome: 'unknown', reason: reply.error };
      return reply.status === 200 ? transactionAnswer(reply.body) : { outcome: 'unknown', reason: `Reloadly answered ${reply.status}` };
    }
    const reply = await this.#call('GET', `/topups/reports/transactions?customIdentifier=${encodeURIComponent(topup.id)}&size=1&page=1`);
    if (!reply.reached) return { outcome: 'unknown', reason: reply.error };
    if (reply.status !== 200) return { outcome: 'unknown', reason: `Reloadly answered ${reply.status}` };
    const content = (reply.body as Json | null)?.content;
    if (!Array.isArray(content)) return { outcome: 'unknown', reason: 'Reloadly sent a transaction report without content' };
    const mine = content.find((t) => (t as Json | null)?.customIdentifier === topup.id);
    return mine === undefined ? { outcome: 'not_found' } : transactionAnswer(mine);
  }

  /** Reloadly's operatorId for an operator named in the catalogue: the exact name, else the one named "<name> <country>…". */
  async #operatorIdFor(country: string, operator: string): Promise<string | Exclude<ProviderAnswer, { outcome: 'not_found' }>> {
    let cached = this.#operators.get(country);
    if (!cached || cached.until <= this.#now()) {
      const reply = await this.#call('GET', `/operators/countries/${country}?includeBundles=false&includeData=false&includePin=false`);
      if (!reply.reached) return { outcome: 'unknown', reason: reply.error };
      if (reply.status !== 200 || !Array.isArray(reply.body)) return { outcome: 'unknown', reason: `Reloadly answered ${reply.status} for the operators of ${country}` };
      const list = reply.body.flatMap((o) => {
        const id = (o as Json | null)?.operatorId ?? (o as Json | null)?.id;
        const name = (o as Json | null)?.name;
        return (typeof id === 'number' || typeof id === 'string') && typeof name === 'string' ? [{ id: String(id), name }] : [];
      });
      cached = { until: this.#now() + OPERATOR_CACHE_MS, list };
      this.#operators.set(country, cached);
    }
    const wanted = operator.toLowerCase();
    const found = cached.list.find((o) => o.name.toLowerCase() === wanted) ?? cached.list.find((o) => o.name.toLowerCase().startsWith(`${wanted} `));
    if (!found) return { outcome: 'failed', code: 'provider_declined', message: `Reloadly offers no operator named ${operator} in ${country}.`, reference: null };
    return found.id;
  }

  async #accessToken(): Promise<string | { error: string }> {
    if (this.#token && this.#token.until > this.#now()) return this.#token.value;
    const reply = await this.#http('POST', `${this.#config.authUrl}/oauth/token`, null, {
      client_id: this.#config.clientId, client_secret: this.#config.clientSecret, grant_type: 'client_credentials', audience: this.#config.audience,
    });
    if (!reply.reached) return { error: reply.error };
    const body = reply.body as Json | null;
    if (reply.status !== 200 || typeof body?.access_token !== 'string') return { error: `Reloadly refused the credentials (${reply.status})` };
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    this.#token = { value: body.access_token, until: this.#now() + Math.max(seconds * 1000 - TOKEN_RENEW_EARLY_MS, 0) };
    return this.#token.value;
  }

  /** An API call with the bearer token; a 401 drops the token and tries once more with a new one. */
  async #call(method: 'GET' | 'POST', path: string, body?: Json): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.#accessToken();
      if (typeof token !== 'string') return { reached: false, error: token.error };
      const reply = await this.#http(method, `${this.#config.url}${path}`, token, body);
      if (!reply.reached || reply.status !== 401 || attempt === 2) return reply;
      this.#token = null;
    }
  }

  async #http(method: 'GET' | 'POST', url: string, token: string | null, body?: Json): Promise<Reply> {
    try {
      const res = await this.#fetch(url, {
        method,
        headers: { accept: token === null ? 'application/json' : ACCEPT, ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.#timeoutMs),
        redirect: 'error',
      });
      const text = await res.text();
      if (text.length > RESPONSE_CHARS_MAX) return { reached: false, error: `Reloadly sent an answer over ${RESPONSE_CHARS_MAX} characters` };
      let parsed: unknown = null;
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {
        if (res.ok) return { reached: false, error: 'Reloadly sent an answer that is not JSON' };
      }
      return { reached: true, status: res.status, body: parsed };
    } catch (err) {
      return { reached: false, error: `Reloadly could not be reached: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
}

function clip(text: string): string {
  return text.length > PROVIDER_MESSAGE_MAX ? `${text.slice(0, PROVIDER_MESSAGE_MAX - 1)}…` : text;
}

function errorOf(body: unknown): { code: string; message: string } {
  const b = body as Json | null;
  const code = typeof b?.errorCode === 'string' ? b.errorCode : 'UNKNOWN';
  const message = typeof b?.message === 'string' ? b.message : 'no reason given';
  return { code, message: clip(`${message} (${code})`) };
}

function failureCodeOf(errorCode: string): TopupFailureCode {
  return RECIPIENT_ERRORS.has(errorCode) ? 'recipient_invalid' : 'provider_declined';
}

/** A Reloadly transaction (flat, or under `transaction` as the status endpoint also answers) → an answer. */
function transactionAnswer(body: unknown): Exclude<ProviderAnswer, { outcome: 'not_found' }> {
  const outer = body as Json | null;
  const t = (typeof outer?.transaction === 'object' && outer.transaction !== null ? outer.transaction : outer) as Json | null;
  const status = typeof outer?.status === 'string' ? outer.status : typeof t?.status === 'string' ? t.status : null;
  const id = t?.transactionId ?? outer?.transactionId;
  const reference = typeof id === 'number' || typeof id === 'string' ? String(id) : null;
  switch (status) {
    case 'SUCCESSFUL':
      return { outcome: 'succeeded', reference };
    case 'PENDING':
    case 'PROCESSING':
      return { outcome: 'pending', reference };
    case 'FAILED':
    case 'REFUNDED':
      return { outcome: 'failed', code: 'provider_declined', message: `Reloadly reports the top-up ${status.toLowerCase()}.`, reference };
    default:
      return { outcome: 'unknown', reason: `Reloadly sent a transaction with status ${JSON.stringify(status)?.slice(0, 40)}` };
  }
}
