import crypto from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import { newId } from '../lib/ids.ts';
import { canonicalJson } from '../lib/canonical-json.ts';

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
}

export async function verifyAuditChain(db: Queryable): Promise<AuditChainReport> {
  const { rows } = await db.query<{
    seq: bigint; id: string; at: Date; actor: string; action: string; target: string | null; result: 'success' | 'failure';
    origin: string | null; details: Record<string, unknown>; prev_hash: Buffer; hash: Buffer;
  }>('SELECT * FROM audit_log ORDER BY seq');
  let prev: Buffer = GENESIS;
  let expectedSeq = 1n;
  for (const r of rows) {
    const ok = r.seq === expectedSeq && r.prev_hash.equals(prev) && r.hash.equals(rowHash(prev, r.seq, r.id, r));
    if (!ok) return { rows: rows.length, brokenAt: r.seq };
    prev = r.hash;
    expectedSeq++;
  }
  return { rows: rows.length, brokenAt: null };
}
