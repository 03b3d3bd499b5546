import crypto from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import { newId } from '../lib/ids.ts';
import { DomainError } from '../lib/errors.ts';
import { canonicalJson } from '../lib/canonical-json.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';

/**
 * The audit log: append-only (a trigger refuses UPDATE and DELETE) and
 * hash-chained (each row's hash covers the previous hash), so that a removed
 * or edited row breaks the chain that verifyAuditChain() walks.
 */
export interface AuditEntry {
  /** Who acted: an API key id, 'operator', or 'anonymous'. */
  actor: string;
  action: string;
  target?: string | null;
  result: 'success' | 'failure';
  origin?: string | null;
  /** Never secrets: ids, modes, reasons. */
  details?: Record<string, unknown>;
  at: Date;
}

const GENESIS = Buffer.alloc(32);
// One chain: appends are serialized by this transaction-scoped advisory lock.
const AUDIT_LOCK = 7_402_913_001;

function rowHash(prev: Buffer, seq: bigint, id: string, e: AuditEntry): Buffer {
  const canonical = canonicalJson([
    seq.toString(), id, e.at.toISOString(), e.actor, e.action, e.target ?? null, e.result, e.origin ?? null, e.details ?? {},
  ]);
  return crypto.createHash('sha256').update(prev).update(canonical).digest();
}

export async function appendAudit(tx: Queryable, entry: AuditEntry): Promise<string> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const last = await tx.query<{ seq: bigint; hash: Buffer }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const prev = last.rows[0]?.hash ?? GENESIS;
  const seq = (last.rows[0]?.seq ?? 0n) + 1n;
  const id = newId('audit');
  const details = entry.details ?? {};
  await tx.query(
    `INSERT INTO audit_log (seq, id, at, actor, action, target, result, origin, details, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [seq, id, entry.at, entry.actor, entry.action, entry.target ?? null, entry.result, entry.origin ?? null,
      details, prev, rowHash(prev, seq, id, { ...entry, details })],
  );
  return id;
}

export interface AuditChainReport {
  rows: number;
  /** The first sequence number whose hash does not follow from its predecessor, or null. */
  brokenAt: bigint | null;
  /** The hash of the last row that verified (32 zero bytes for an empty log): record it to detect a rewrite later. */
  head: Buffer;
}

type AuditRow = {
  seq: bigint; id: string; at: Date; actor: string; action: string; target: string | null; result: 'success' | 'failure';
  origin: string | null; details: Record<string, unknown>; prev_hash: Buffer; hash: Buffer;
};

/**
 * Why 10,000: the chain is walked in pages by seq so that memory stays bounded however long the log grows (one
 * page is a few megabytes); a page is one indexed range read.
 */
export const AUDIT_VERIFY_PAGE = 10_000;

/**
 * Walk the whole chain from the genesis hash: each row's seq follows its predecessor's, its prev_hash is the
 * predecessor's hash, and its hash is recomputed from its contents. Rows appended while this runs are checked too
 * when the walk reaches them, or left for the next run.
 */
export async function verifyAuditChain(db: Queryable): Promise<AuditChainReport> {
  let prev: Buffer = GENESIS;
  let expectedSeq = 1n;
  let checked = 0;
  for (;;) {
    const { rows } = await db.query<AuditRow>(
      'SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2', [expectedSeq, AUDIT_VERIFY_PAGE]);
    for (const r of rows) {
      checked++;
      const ok = r.seq === expectedSeq && r.prev_hash.equals(prev) && r.hash.equals(rowHash(prev, r.seq, r.id, r));
      if (!ok) return { rows: checked, brokenAt: r.seq, head: prev };
      prev = r.hash;
      expectedSeq++;
    }
    if (rows.length < AUDIT_VERIFY_PAGE) return { rows: checked, brokenAt: null, head: prev };
  }
}

export interface AuditRecord extends Required<AuditEntry> {
  id: string;
  seq: bigint;
  hash: Buffer;
}

export interface AuditFilter {
  actor?: string | null;
  action?: string | null;
  target?: string | null;
  /** Rows at or after this time. */
  from?: Date | null;
  /** Rows before this time. */
  to?: Date | null;
}

/**
 * The log newest first (by seq, the chain's order), filtered; `startingAfter` is an entry id (aud_…) of the previous
 * page. Every filter is an exact match (times: from inclusive, to exclusive), each served by an index (migration 0019).
 */
export async function listAudit(q: Queryable, filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>> {
  let before: bigint | null = null;
  if (page.startingAfter !== null) {
    const cursor = await q.query<{ seq: bigint }>('SELECT seq FROM audit_log WHERE id = $1', [page.startingAfter]);
    if (!cursor.rows[0]) throw new DomainError('parameter_invalid', 'No audit entry has this id.', 'starting_after');
    before = cursor.rows[0].seq;
  }
  const { rows } = await q.query<AuditRow>(
    `SELECT * FROM audit_log
     WHERE ($1::bigint IS NULL OR seq < $1)
       AND ($2::text IS NULL OR actor = $2) AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR target = $4)
       AND ($5::timestamptz IS NULL OR at >= $5) AND ($6::timestamptz IS NULL OR at < $6)
     ORDER BY seq DESC LIMIT $7`,
    [before, filter.actor ?? null, filter.action ?? null, filter.target ?? null, filter.from ?? null, filter.to ?? null,
      page.limit + 1]);
  return toPage(rows.map((r) => ({
    id: r.id, seq: r.seq, at: r.at, actor: r.actor, action: r.action, target: r.target, result: r.result, origin: r.origin,
    details: r.details, hash: r.hash,
  })), page.limit);
}
