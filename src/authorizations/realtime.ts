import crypto from 'node:crypto';
import type { Queryable, Tx } from '../db/index.ts';
import type { KeyProvider } from '../crypto/index.ts';
import { newId } from '../lib/ids.ts';
import { scanJsonText } from '../lib/json-guard.ts';
import { AMOUNT_MAX, PLAIN_INTEGER } from '../lib/money.ts';
import type { RealtimeVerdict } from './types.ts';

/** Why 3 s: card networks give the issuer a few seconds in all; the merchant gets at most this share. */
export const DECISION_TIMEOUT_MS_MAX = 3000;
export const DECISION_TIMEOUT_MS_DEFAULT = 2000;

export interface DecisionEndpoint {
  url: string;
  fallback: 'approve' | 'decline';
  timeoutMs: number;
  secret: string;
}

const aad = (merchantId: string, mode: string) => `authorization-endpoint:v1:${merchantId}:${mode}`;

/** Create or replace the endpoint. A new secret is made on first set (returned once); later updates keep it. */
export async function setDecisionEndpoint(
  tx: Tx, keys: KeyProvider, owner: { merchantId: string; mode: string },
  input: { url: string; fallback: 'approve' | 'decline'; timeoutMs: number }, at: Date,
): Promise<{ endpoint: DecisionEndpoint; created: boolean }> {
  const existing = await getDecisionEndpoint(tx, keys, owner);
  const secret = existing?.secret ?? `whsec_${crypto.randomBytes(32).toString('base64')}`;
  await tx.query(
    `INSERT INTO authorization_endpoints (merchant_id, mode, url, fallback, timeout_ms, secret_sealed, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (merchant_id, mode) DO UPDATE SET url = $3, fallback = $4, timeout_ms = $5, updated_at = $7`,
    [owner.merchantId, owner.mode, input.url, input.fallback, input.timeoutMs, await keys.seal(Buffer.from(secret), aad(owner.merchantId, owner.mode)), at]);
  return { endpoint: { ...input, secret }, created: existing === null };
}

export async function deleteDecisionEndpoint(tx: Tx, owner: { merchantId: string; mode: string }): Promise<boolean> {
  const r = await tx.query('DELETE FROM authorization_endpoints WHERE merchant_id = $1 AND mode = $2', [owner.merchantId, owner.mode]);
  return (r.rowCount ?? 0) > 0;
}

export async function getDecisionEndpoint(q: Queryable, keys: KeyProvider, owner: { merchantId: string; mode: string }): Promise<DecisionEndpoint | null> {
  const { rows } = await q.query<{ url: string; fallback: 'approve' | 'decline'; timeout_ms: number; secret_sealed: Buffer }>(
    'SELECT url, fallback, timeout_ms, secret_sealed FROM authorization_endpoints WHERE merchant_id = $1 AND mode = $2', [owner.merchantId, owner.mode]);
  const r = rows[0];
  if (!r) return null;
  const secret = (await keys.open(r.secret_sealed, aad(owner.merchantId, owner.mode))).toString();
  return { url: r.url, fallback: r.fallback, timeoutMs: r.timeout_ms, secret };
}

/** Standard Webhooks: v1,base64(HMAC-SHA256(secret, "id.timestamp.body")). */
export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** One decision call on the wire; a timeout rejects with an error whose `name` or `kind` says so. */
export type DecisionHttp = (req: { url: string; headers: Record<string, string>; body: string; timeoutMs: number }) =>
  Promise<{ status: number; header(name: string): string | null; text: string }>;

/** The default transport: fetch, no redirects, bounded by the endpoint's timeout. */
export const fetchDecisionHttp: DecisionHttp = async (req) => {
  const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(req.timeoutMs), redirect: 'error' });
  return { status: res.status, header: (n) => res.headers.get(n), text: await res.text() };
};

export interface AskOptions {
  http?: DecisionHttp;
  /** Extra signature headers (RFC 9421 with Tessera's key). */
  sign?: (req: { method: string; url: string; headers: Record<string, string>; body: string }) => Promise<Record<string, string>>;
  /** Re-checks the URL at each send (HTTPS, public address); false blocks the call. */
  checkUrl?: (url: string) => Promise<boolean>;
}

const isTimeout = (err: unknown) => {
  const e = err as { name?: string; kind?: string };
  return e.name === 'TimeoutError' || e.name === 'AbortError' || e.kind === 'timeout';
};

/**
 * Ask the merchant to approve an authorization within its deadline. The
 * request is signed (Standard Webhooks headers, plus RFC 9421 when a signer
 * is given); the answer must be `{"approved": bool, "amount"?: int}`, and if
 * it carries a webhook-signature it must verify. Anything else — timeout,
 * network error, a blocked address, bad shape or signature — applies the
 * merchant's fallback.
 */
export async function askMerchant(endpoint: DecisionEndpoint, payload: Record<string, unknown>, now: Date, options: AskOptions = {}): Promise<RealtimeVerdict> {
  const fallback = (failure: RealtimeVerdict['failure']): RealtimeVerdict => ({ approved: endpoint.fallback === 'approve', source: 'fallback', failure });
  if (options.checkUrl && !(await options.checkUrl(endpoint.url))) return fallback('error');
  const id = newId('event');
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = JSON.stringify({ type: 'authorization.request', id, data: payload });
  let headers: Record<string, string> = {
    'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp),
    'webhook-signature': standardSignature(endpoint.secret, id, timestamp, body),
  };
  if (options.sign) headers = { ...headers, ...(await options.sign({ method: 'POST', url: endpoint.url, headers, body })) };
  let res: Awaited<ReturnType<DecisionHttp>>;
  try {
    res = await (options.http ?? fetchDecisionHttp)({ url: endpoint.url, headers, body, timeoutMs: endpoint.timeoutMs });
  } catch (err) {
    return fallback(isTimeout(err) ? 'timeout' : 'error');
  }
  if (res.status < 200 || res.status > 299) return fallback('error');
  const signature = res.header('webhook-signature');
  if (signature !== null) {
    const expected = standardSignature(endpoint.secret, res.header('webhook-id') ?? id, Number(res.header('webhook-timestamp') ?? timestamp), res.text);
    const ok = signature.split(' ').some((s) => s.length === expected.length && crypto.timingSafeEqual(Buffer.from(s), Buffer.from(expected)));
    if (!ok) return fallback('bad_signature');
  }
  // Duplicate keys are a bad answer (which one would count?); number texts give the amount exactly.
  const { problem, numbers } = scanJsonText(res.text);
  if (problem) return fallback('bad_response');
  let answer: unknown;
  try {
    answer = JSON.parse(res.text);
  } catch {
    return fallback('bad_response');
  }
  if (typeof answer !== 'object' || answer === null || typeof (answer as { approved?: unknown }).approved !== 'boolean') return fallback('bad_response');
  const { approved, amount } = answer as { approved: boolean; amount?: unknown };
  if (amount === undefined) return { approved, source: 'merchant' };
  // The amount from its text, never the double: 1.0000000000000001 is a bad answer, not 1 (SPEC §4).
  const text = typeof amount === 'number' ? numbers.get('/amount') : undefined;
  if (text === undefined || !PLAIN_INTEGER.test(text) || text.length > String(AMOUNT_MAX).length) return fallback('bad_response');
  const minor = BigInt(text);
  if (minor <= 0n || minor > AMOUNT_MAX) return fallback('bad_response');
  return { approved, source: 'merchant', amount: minor };
}
