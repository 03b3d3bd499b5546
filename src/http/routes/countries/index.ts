import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { adminListCountriesRoute } from './admin-list.ts';
import { adminRetrieveCountryRoute } from './admin-retrieve.ts';
import { adminUpdateCountryRoute } from './admin-update.ts';
import { listCountriesRoute } from './list.ts';

/** Where cards, KYC, top-up and SMS are offered: shown to merchants, set by the operator. */
export function countryRoutes(app: FastifyInstance): void {
  const api = typed(app);
  listCountriesRoute(api);
  adminListCountriesRoute(api);
  adminRetrieveCountryRoute(api);
  adminUpdateCountryRoute(api);
}
