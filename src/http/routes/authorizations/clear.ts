import { Type } from '@fastify/type-provider-typebox';
import { clear } from '../../../authorizations/index.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { Amount } from '../../presenters/money.ts';
import type { TypedApp } from '../../route.ts';
import { authorizationChangeRoute } from './change.ts';

export const ClearBody = Type.Object({ amount: Amount }, { additionalProperties: false, examples: [{ amount: 1850 }] });

export function clearAuthorizationRoute(app: TypedApp): void {
  authorizationChangeRoute(app, {
    verb: 'clear', summary: 'Clear (capture) an authorization', body: ClearBody,
    description: "Posts `amount`: less than held releases the rest; more than held (within the merchant's tolerance) moves the "
      + 'extra as a linked transfer. The fee is recomputed on the cleared amount.',
    run: (tx, owner, id, at, request) => clear(tx, owner, id, amountFrom(request, 'amount'), at),
  });
}
