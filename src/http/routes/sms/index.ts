import type { FastifyInstance } from 'fastify';
import type { SmsPolicy } from '../../../sms/index.ts';
import { sendSmsRoute } from './send.ts';
import { listSmsRoutes } from './list.ts';
import { smsCountriesRoute } from './countries.ts';
import { smsAdminRoutes } from './admin.ts';
import { twilioStatusRoute } from './twilio-status.ts';

/** What the configuration allows merchants' SMS (issue 14 §2). */
export function smsPolicyOf(config: FastifyInstance['deps']['config']): SmsPolicy {
  return { liveProvider: config.twilio !== null, perMinute: config.smsPerMinute };
}

/** SMS, native API and operator, and the provider's delivery reports. */
export function smsRoutes(app: FastifyInstance): void {
  const policy = smsPolicyOf(app.deps.config);
  sendSmsRoute(app, policy);
  listSmsRoutes(app);
  smsCountriesRoute(app);
  smsAdminRoutes(app);
  twilioStatusRoute(app);
}
