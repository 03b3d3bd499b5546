import { Type, type Static } from '@fastify/type-provider-typebox';
import type { AuditChainReport, AuditRecord } from '../../audit/index.ts';
import { Timestamp } from '../schemas.ts';

const SeqSchema = Type.String({ pattern: '^[0-9]+$' });

export const AuditEntrySchema = Type.Object({
  id: Type.String({ description: 'aud_…' }),
  object: Type.Literal('audit_entry'),
  seq: Type.String({ ...SeqSchema, description: "The entry's place in the hash chain (1 is the first), as a decimal string." }),
  at: Timestamp,
  actor: Type.String({ description: "Who acted: an API key id (apikey_…), 'operator', 'system' or 'anonymous'." }),
  action: Type.String({ description: 'What was done, e.g. `api_key.create`, `card.reveal`, `merchant.suspend`, `auth.failure`.' }),
  target: Type.Union([Type.String(), Type.Null()], { description: 'The object acted on (an id, or a route for failed authentications).' }),
  result: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  origin: Type.Union([Type.String(), Type.Null()], { description: 'The client address.' }),
  details: Type.Record(Type.String(), Type.Unknown(), { description: 'Ids, modes, reasons: never secrets.' }),
  hash: Type.String({ description: "Hex SHA-256 of the previous entry's hash and this entry." }),
}, {
  title: 'AuditEntry',
  examples: [{
    id: 'aud_01jz7q4m8rk2v5x9c3b6n1t0wd', object: 'audit_entry', seq: '1842', at: '2026-11-20T08:03:41.220Z', actor: 'operator',
    action: 'merchant.suspend', target: 'mch_01jz3k8w2yfq9t6v4x0c5n7m1r', result: 'success', origin: '10.0.4.17',
    details: { reason: 'Chargeback rate above the agreed limit; under review.' },
    hash: '5f1c0e9a7b3d2486e1f0a9c8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8',
  }],
});

export const AuditVerificationSchema = Type.Object({
  object: Type.Literal('audit_log_verification'),
  ok: Type.Boolean({ description: 'True when every entry follows from its predecessor.' }),
  entries: Type.Integer({ description: 'Entries checked (up to and including the first broken one).' }),
  broken_at: Type.Union([SeqSchema, Type.Null()], {
    description: 'The seq of the first entry whose seq, previous hash or own hash does not follow: an entry there was edited, '
      + 'removed or inserted.',
  }),
  head_hash: Type.String({
    description: 'Hex hash of the last entry that verified. Keep it somewhere else: a later head that does not descend from it '
      + 'means the log was rewritten or cut.',
  }),
}, {
  title: 'AuditLogVerification',
  examples: [{
    object: 'audit_log_verification', ok: true, entries: 1842, broken_at: null,
    head_hash: '5f1c0e9a7b3d2486e1f0a9c8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8',
  }],
});

export const presentAuditEntry = (e: AuditRecord) => ({
  id: e.id, object: 'audit_entry' as const, seq: e.seq.toString(), at: e.at.toISOString(), actor: e.actor, action: e.action,
  target: e.target, result: e.result, origin: e.origin, details: e.details, hash: e.hash.toString('hex'),
}) satisfies Static<typeof AuditEntrySchema>;

export const presentAuditVerification = (r: AuditChainReport) => ({
  object: 'audit_log_verification' as const, ok: r.brokenAt === null, entries: r.rows,
  broken_at: r.brokenAt?.toString() ?? null, head_hash: r.head.toString('hex'),
}) satisfies Static<typeof AuditVerificationSchema>;
