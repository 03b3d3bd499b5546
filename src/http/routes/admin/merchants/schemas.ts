import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Tx } from '../../../../db/index.ts';
import type { ActionContext } from '../../../../lib/context.ts';
import type { Merchant } from '../../../../merchants/index.ts';
import { actionContext, changingPrincipals } from '../../../plugins/auth.ts';
import { mutation } from '../../../plugins/idempotency.ts';
import { presentMerchant } from '../../../presenters/merchants.ts';

export const adminRoute = {
  config: { auth: 'admin' as const },
  schema: { tags: ['Admin: merchants'], security: [{ adminToken: [] }] },
};

export const MerchantParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'mch_…' }) });
export const KeyParams = Type.Object({ id: Type.String({ maxLength: 64 }), keyId: Type.String({ maxLength: 64, description: 'apikey_…' }) });

/**
 * A change to what a merchant's credentials may do (suspension, live access): not config.idempotent, because the cached
 * principals of the merchant are forgotten after the transaction, around mutation() (changingPrincipals).
 */
export function changingMerchant(
  request: FastifyRequest, reply: FastifyReply, merchantId: string,
  change: (tx: Tx, merchantId: string, ctx: ActionContext) => Promise<Merchant>,
) {
  return changingPrincipals(request, merchantId, () => mutation(request, reply, async (tx) => {
    const merchant = await change(tx, merchantId, actionContext(request, request.server.deps.clock.now()));
    return { status: 200, body: presentMerchant(merchant) };
  }));
}
