import type { FastifyInstance } from 'fastify';
import type { SmsPolicy } from '../../../sms/index.ts';
import { typed } from '../../route.ts';
import { smsAdminRoutes } from './admin.ts';
import { smsCountriesRoute } from './countries.ts';
import { listSmsRoute } from './list.ts';
import { retrieveSmsRoute } from './retrieve.ts';
import { sendSmsRoute } from './send.ts';
import { twilioStatusRoute } from './twilio-status.ts';

/** What the configuration allows merchants' SMS (issue 14 §2). */
export function smsPolicyOf(config: FastifyInstance['deps']['config']): SmsPolicy {
  return { liveProvider: config.twilio !== null, perMinute: config.smsPerMinute };
}

/** SMS, native API and operator, and the provider's delivery reports; each route in its own file. */
export function smsRoutes(app: FastifyInstance): void {
  const api = typed(app);
  sendSmsRoute(api, smsPolicyOf(app.deps.config));
  listSmsRoute(api);
  retrieveSmsRoute(api);
  smsCountriesRoute(api);
  smsAdminRoutes(api);
  twilioStatusRoute(api);
}
