import { Type } from '@fastify/type-provider-typebox';
import { reverse } from '../../../authorizations/index.ts';
import { optionalAmountFrom } from '../../plugins/number-texts.ts';
import { Amount } from '../../presenters/money.ts';
import type { TypedApp } from '../../route.ts';
import { authorizationChangeRoute } from './change.ts';

export const ReverseBody = Type.Object({ amount: Type.Optional(Amount) }, { additionalProperties: false, examples: [{ amount: 850 }, {}] });

export function reverseAuthorizationRoute(app: TypedApp): void {
  authorizationChangeRoute(app, {
    verb: 'reverse', summary: 'Reverse an authorization', body: ReverseBody,
    description: 'Releases the whole hold, or `amount` of it (the hold and its fee shrink).',
    run: (tx, owner, id, at, request) => reverse(tx, owner, id, optionalAmountFrom(request, 'amount'), at),
  });
}
