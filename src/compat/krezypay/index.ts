import type { FastifyInstance } from 'fastify';
import { typed } from '../../http/route.ts';
import { facadeErrors, requireMode } from '../shared.ts';
import { krezyRefusal } from './present.ts';
import { authorizationEstimateRoute } from './routes/card/authorization-estimate.ts';
import { createCardRoute } from './routes/card/create-card.ts';
import { fundCardRoute } from './routes/card/fund.ts';
import { freezeCardRoute } from './routes/card/freeze.ts';
import { retrieveCardRoute } from './routes/card/retrieve-card.ts';
import { retrieveCardDetailsRoute } from './routes/card/retrieve-card-details.ts';
import { sendAuthorizationRoute } from './routes/card/send-authorization.ts';
import { cardTransactionsRoute } from './routes/card/transactions.ts';
import { unfreezeCardRoute } from './routes/card/unfreeze.ts';
import { withdrawRoute } from './routes/card/withdraw.ts';
import { countriesRoute } from './routes/countries.ts';
import { createCustomerRoute } from './routes/customer/create-customer.ts';
import { retrieveCustomerRoute } from './routes/customer/retrieve-customer.ts';
import { requestProductionAccessRoute } from './routes/production-access/request.ts';
import { retrieveProductionAccessRoute } from './routes/production-access/retrieve.ts';
import { smsCountriesRoute } from './routes/sms/countries.ts';
import { smsSchemaRoute } from './routes/sms/schema.ts';
import { sendSmsRoute } from './routes/sms/send.ts';
import { estimateTopupRoute } from './routes/topup/estimate.ts';
import { topupSchemaRoute } from './routes/topup/schema.ts';
import { sendTopupRoute } from './routes/topup/send.ts';

/**
 * The KrezyPay API (seeds 000 and 002) over Tessera's modules, mounted at /krezypay/v1/{sandbox|live}: one
 * route per file under routes/, named after its KrezyPay path. Each path takes the mode as its `:mode` parameter
 * (one operation for both modes, which behave the same); the key must be of that mode. Errors as documented: 401
 * bad token, 404 unknown card, 422 anything else (429 and 503 as the native API), body {"status": "error", "error": "…"}.
 */
export async function krezypay(app: FastifyInstance): Promise<void> {
  facadeErrors(app, (err, status) => ({
    status: status === 401 || status === 403 ? 401 : status === 404 ? 404 : status === 429 ? 429 : status >= 500 ? status : 422,
    body: { status: 'error', error: krezyRefusal(err) },
  }));
  app.addHook('preHandler', async (request) => requireMode(request));

  const api = typed(app);
  retrieveCardRoute(api);
  retrieveCardDetailsRoute(api);
  authorizationEstimateRoute(api);
  sendAuthorizationRoute(api);
  fundCardRoute(api);
  withdrawRoute(api);
  freezeCardRoute(api);
  unfreezeCardRoute(api);
  cardTransactionsRoute(api);
  createCustomerRoute(api);
  retrieveCustomerRoute(api);
  createCardRoute(api);
  countriesRoute(api);
  requestProductionAccessRoute(api);
  retrieveProductionAccessRoute(api);
  smsSchemaRoute(api);
  sendSmsRoute(api);
  smsCountriesRoute(api);
  topupSchemaRoute(api);
  estimateTopupRoute(api);
  sendTopupRoute(api);
}
