import { Type } from '@fastify/type-provider-typebox';
import { listWallets } from '../../../funding/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { WalletSchema, presentWallet } from './schemas.ts';

export function listWalletsRoute(app: TypedApp): void {
  app.get('/v1/wallets', {
    schema: {
      tags: ['Money'], security: [{ apiKey: [] }], operationId: 'wallets.list', summary: 'List wallets',
      description: "The merchant's wallets in the key's mode, one per currency used, with the available balance from the ledger. "
        + 'Wallets fund cards and receive what closed cards return. Not paged: one wallet per currency.',
      response: {
        200: Type.Object({ object: Type.Literal('list'), data: Type.Array(WalletSchema), has_more: Type.Boolean() }),
        ...errorResponses(403),
      },
    },
  }, async (request) => {
    const wallets = await listWallets(app.deps.db, ownerOf(request));
    return { object: 'list' as const, data: wallets.map(presentWallet), has_more: false };
  });
}
