import { assert } from '../lib/assert.ts';
import type { NotificationProviders } from './providers.ts';
import { TWILIO_STATUS_CALLBACK_PATH, TwilioSmsProvider, type TwilioOptions } from './twilio.ts';
import { SmtpEmailProvider, type SmtpOptions } from './smtp.ts';

/** The part of the configuration that picks the adapters (Config.twilio, Config.smtp, Config.publicUrl). */
export interface ProviderSettings {
  /** TESSERA_SMS_PROVIDER=twilio and its variables; null: no live SMS. */
  twilio: Omit<TwilioOptions, 'statusCallbackUrl'> | null;
  /** TESSERA_EMAIL_PROVIDER=smtp and its variables; null: no live e-mail. */
  smtp: SmtpOptions | null;
  /** Twilio's delivery reports come back under it (the configuration requires it with Twilio). */
  publicUrl: string | null;
}

/** The adapters the configuration names. */
export function createProviders(settings: ProviderSettings): NotificationProviders {
  const { twilio, smtp, publicUrl } = settings;
  assert(twilio === null || publicUrl !== null, 'the configuration requires TESSERA_PUBLIC_URL with Twilio');
  return {
    sms: twilio ? new TwilioSmsProvider({ ...twilio, statusCallbackUrl: `${publicUrl}${TWILIO_STATUS_CALLBACK_PATH}` }) : null,
    email: smtp ? new SmtpEmailProvider(smtp) : null,
  };
}

