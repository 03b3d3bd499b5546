import crypto from 'node:crypto';
import type { Queryable, Statement } from '../db/index.ts';
import { canonicalJson } from '../lib/canonical-json.ts';

/**
 * The idempotency-key store (SPEC §7) as the domain sees it: the HTTP plugin
 * (http/plugins/idempotency.ts) runs one request per transaction with it; the
 * authorization batch claims many keys in one transaction with it.
 */

/** Keys are kept at least this long (SPEC §7); older keys are purged and may be reused. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** A request's key: who sent it (merchant and mode, or the operator), where, which key, and a fingerprint of what it asked. */
export interface IdempotencyClaim {
  scope: string;
  method: string;
  path: string;
  key: string;
  fingerprint: Buffer;
}

/** The 64-bit advisory lock id of a key: two requests with one key never run at once (a collision only costs a wait). */
export function idempotencyLockId(c: Pick<IdempotencyClaim, 'scope' | 'method' | 'path' | 'key'>): bigint {
  return crypto.createHash('sha256').update(canonicalJson([c.scope, c.method, c.path, c.key])).digest().readBigInt64BE(0);
}

/**
 * The fingerprint of a request: its body, its query and who sent it (an API key's id; a token counts as its
 * key). Keys are scoped to the merchant and mode, so without the caller a weaker key of the same merchant that
 * learnt another key's Idempotency-Key and body would be replayed that key's answer (a key it could not create
 * itself, a webhook secret) without the route's own checks running: another caller is another request (422).
 */
export function requestFingerprint(body: unknown, query: unknown, caller: string | null): Buffer {
  return crypto.createHash('sha256').update(canonicalJson({ body: body ?? null, query: query ?? null, caller })).digest();
}

export type StoredAnswer = { kind: 'replay'; status: number; body: unknown } | { kind: 'reused' } | { kind: 'none' };

type StoredRow = { key: string; fingerprint: Buffer; status_code: number; body: unknown; created_at: Date };

/**
 * The stored answers of some keys (one scope, method and path): a replay, a
 * key reused with another request, or nothing (never used, or expired).
 * Sealed answers are not handled here: the batch never stores a secret.
 */
export async function findStoredAnswers(q: Queryable, claims: readonly IdempotencyClaim[], now: Date): Promise<Map<string, StoredAnswer>> {
  const out = new Map<string, StoredAnswer>();
  if (claims.length === 0) return out;
  const { rows } = await q.query<StoredRow>(
    `SELECT key, fingerprint, status_code, body, created_at FROM idempotency_keys
     WHERE scope = ANY($1::text[]) AND method = $2 AND path = $3 AND key = ANY($4::text[]) AND body IS NOT NULL`,
    [[...new Set(claims.map((c) => c.scope))], claims[0]!.method, claims[0]!.path, claims.map((c) => c.key)]);
  return answersFrom(rows, claims, now);
}

/** The same lookup as a scalar subquery (JSON), for composing into the batch's single read. */
export function storedAnswersJsonSql(s: Statement, claims: readonly IdempotencyClaim[]): string {
  return `(SELECT COALESCE(json_agg(json_build_object('scope', scope, 'key', key, 'fingerprint', encode(fingerprint, 'hex'),
            'status_code', status_code, 'body', body, 'created_at', created_at)), '[]')
          FROM idempotency_keys WHERE scope = ANY(${s.param([...new Set(claims.map((c) => c.scope))], 'text[]')})
            AND method = ${s.param(claims[0]?.method ?? '', 'text')} AND path = ${s.param(claims[0]?.path ?? '', 'text')}
            AND key = ANY(${s.param(claims.map((c) => c.key), 'text[]')}) AND body IS NOT NULL)`;
}

export function parseStoredAnswersJson(
  rows: readonly { scope: string; key: string; fingerprint: string; status_code: number; body: unknown; created_at: string }[],
  claims: readonly IdempotencyClaim[], now: Date,
): Map<string, StoredAnswer> {
  return answersFrom(rows.map((r) => ({ ...r, fingerprint: Buffer.from(r.fingerprint, 'hex'), created_at: new Date(r.created_at) })), claims, now);
}

/** Answers keyed by `claimKey(claim)`. */
function answersFrom(rows: readonly (StoredRow & { scope?: string })[], claims: readonly IdempotencyClaim[], now: Date): Map<string, StoredAnswer> {
  const out = new Map<string, StoredAnswer>();
  for (const c of claims) {
    const row = rows.find((r) => r.key === c.key && (r.scope === undefined || r.scope === c.scope));
    if (!row || now.getTime() - row.created_at.getTime() > IDEMPOTENCY_TTL_MS) out.set(claimKey(c), { kind: 'none' });
    else if (!row.fingerprint.equals(c.fingerprint)) out.set(claimKey(c), { kind: 'reused' });
    else out.set(claimKey(c), { kind: 'replay', status: row.status_code, body: row.body });
  }
  return out;
}

export const claimKey = (c: Pick<IdempotencyClaim, 'scope' | 'method' | 'path' | 'key'>): string => JSON.stringify([c.scope, c.method, c.path, c.key]);

/**
 * Store answers for claimed keys, in the caller's statement and transaction:
 * an expired row with the same key is replaced. The batch holds each key's
 * advisory lock, so no other transaction can be storing it at the same time.
 */
export function storeAnswersSql(s: Statement, answers: readonly { claim: IdempotencyClaim; status: number; body: unknown; at: Date }[]): string {
  return `INSERT INTO idempotency_keys (scope, method, path, key, fingerprint, status_code, body, created_at)
    SELECT scope, method, path, key, decode(fp, 'hex'), st, body, at
    FROM unnest(${s.param(answers.map((a) => a.claim.scope), 'text[]')}, ${s.param(answers.map((a) => a.claim.method), 'text[]')},
      ${s.param(answers.map((a) => a.claim.path), 'text[]')}, ${s.param(answers.map((a) => a.claim.key), 'text[]')},
      ${s.param(answers.map((a) => a.claim.fingerprint.toString('hex')), 'text[]')}, ${s.param(answers.map((a) => a.status), 'int[]')},
      ${s.param(answers.map((a) => JSON.stringify(a.body)), 'jsonb[]')}, ${s.param(answers.map((a) => a.at), 'timestamptz[]')})
      AS u(scope, method, path, key, fp, st, body, at)
    ON CONFLICT (scope, method, path, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, status_code = EXCLUDED.status_code,
      body = EXCLUDED.body, body_sealed = NULL, created_at = EXCLUDED.created_at`;
}
