import { ledgerOf } from '../../../accounts/index.ts';
import { listFxRates, setFxRates } from '../../../fees/index.ts';
import { DomainError } from '../../../lib/errors.ts';
import { parseRate } from '../../../lib/money.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { adminMoneyDoc } from '../fee-schedules/schemas.ts';
import { RateListSchema, SetRatesBody } from './schemas.ts';

export function setFxRatesRoute(app: TypedApp): void {
  app.put('/admin/v1/fx_rates', {
    config: { auth: 'admin', idempotent: true },
    schema: {
      ...adminMoneyDoc, operationId: 'admin.fxRates.set', summary: 'Set FX rates',
      description: 'Upserts rates. An authorization in another currency than its card is converted at the rate (half-up to the '
        + 'minor unit) and the FX fee applies; both amounts are kept on the transaction. Answers the whole table.',
      body: SetRatesBody,
      response: { 200: RateListSchema, ...errorResponses(422) },
    },
  }, async (request) => {
    const tx = txOf(request);
    const { rates } = request.body;
    for (const [i, r] of rates.entries()) {
      if (r.from === r.to) throw new DomainError('parameter_invalid', '`from` and `to` must differ.', `rates.${i}.to`);
      if (!parseRate(r.rate)) throw new DomainError('parameter_invalid', 'The rate must be positive.', `rates.${i}.rate`);
      for (const currency of [r.from, r.to]) {
        if (!(await ledgerOf(tx, currency))) throw new DomainError('parameter_invalid', `Currency ${currency} is not supported.`, `rates.${i}`);
      }
    }
    await setFxRates(tx, rates, app.deps.clock.now());
    return { object: 'list' as const, data: (await listFxRates(tx)).map(({ from, to, rate }) => ({ from, to, rate })), has_more: false };
  });
}
