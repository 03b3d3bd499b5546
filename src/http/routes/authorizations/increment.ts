import { Type } from '@fastify/type-provider-typebox';
import { increment } from '../../../authorizations/index.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { Amount } from '../../presenters/money.ts';
import type { TypedApp } from '../../route.ts';
import { authorizationChangeRoute } from './change.ts';

export const IncrementBody = Type.Object({ amount: Amount }, { additionalProperties: false, examples: [{ amount: 500 }] });

export function incrementAuthorizationRoute(app: TypedApp): void {
  authorizationChangeRoute(app, {
    verb: 'increment', summary: 'Increment an authorization', body: IncrementBody,
    description: "The hold grows by `amount` (merchant currency). Declined increments leave the hold as it was; the answer's "
      + 'transaction says why.',
    run: (tx, owner, id, at, request) => increment(tx, owner, id, amountFrom(request, 'amount'), at),
  });
}
