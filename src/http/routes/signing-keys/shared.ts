import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import type { Tx } from '../../../db/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';

export const signaturesRoute = { schema: { tags: ['Signatures'], security: [{ apiKey: [] }] } };
export const SigningKeyParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'key_…' }) });

/**
 * A change to the merchant's signing keys or setting: not config.idempotent, because the cached signature policy is
 * dropped after the transaction, around mutation() (also on failure: a commit may have happened).
 */
export async function changingPolicy<T>(
  request: FastifyRequest, reply: FastifyReply, status: number, change: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    return await mutation(request, reply, async (tx) => ({ status, body: await change(tx) }));
  } finally {
    request.server.signaturePolicies.forget(ownerOf(request));
  }
}
