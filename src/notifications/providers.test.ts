import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { createProviders } from './configure.ts';
import { SmtpEmailProvider } from './smtp.ts';
import { TwilioSmsProvider } from './twilio.ts';

const SID = `AC${'a1'.repeat(16)}`;
const twilioEnv = {
  TESSERA_SMS_PROVIDER: 'twilio', TESSERA_TWILIO_ACCOUNT_SID: SID, TESSERA_TWILIO_AUTH_TOKEN: 'token-123', TESSERA_TWILIO_FROM: '+15017122661',
  TESSERA_PUBLIC_URL: 'https://api.example.com',
};
const smtpEnv = { TESSERA_EMAIL_PROVIDER: 'smtp', TESSERA_SMTP_URL: 'smtps://user:pw@smtp.example.com:465', TESSERA_SMTP_FROM: 'Tessera <no-reply@example.com>' };

describe('provider configuration', () => {
  it('none by default: live SMS refused, live e-mail waits; 60 SMS a minute', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ twilio: null, smtp: null, smsPerMinute: 60 });
    expect(createProviders(config)).toEqual({ sms: null, email: null });
  });

  it('Twilio and SMTP by variables, chosen by TESSERA_SMS_PROVIDER and TESSERA_EMAIL_PROVIDER', () => {
    const config = loadConfig({ ...twilioEnv, ...smtpEnv, TESSERA_SMS_PER_MINUTE: '5' });
    expect(config.twilio).toEqual({ accountSid: SID, authToken: 'token-123', from: '+15017122661', messagingServiceSid: null, baseUrl: 'https://api.twilio.com' });
    expect(config.smtp).toEqual({ url: 'smtps://user:pw@smtp.example.com:465', from: 'Tessera <no-reply@example.com>' });
    expect(config.smsPerMinute).toBe(5);
    const providers = createProviders(config);
    expect(providers.sms).toBeInstanceOf(TwilioSmsProvider);
    expect(providers.email).toBeInstanceOf(SmtpEmailProvider);
    (providers.email as SmtpEmailProvider).close();
    expect(loadConfig({ ...twilioEnv, TESSERA_TWILIO_URL: 'http://127.0.0.1:4010' }).twilio?.baseUrl).toBe('http://127.0.0.1:4010');
    expect(loadConfig({ ...twilioEnv, TESSERA_SMS_PROVIDER: 'none' }).twilio).toBeNull();
  });

  it.each([
    ['an unknown SMS provider', { ...twilioEnv, TESSERA_SMS_PROVIDER: 'nexmo' }, 'TESSERA_SMS_PROVIDER'],
    ['a malformed Account SID', { ...twilioEnv, TESSERA_TWILIO_ACCOUNT_SID: 'AC123' }, 'TESSERA_TWILIO_ACCOUNT_SID'],
    ['no auth token', { ...twilioEnv, TESSERA_TWILIO_AUTH_TOKEN: '' }, 'TESSERA_TWILIO_AUTH_TOKEN'],
    ['no sender', { ...twilioEnv, TESSERA_TWILIO_FROM: '' }, 'TESSERA_TWILIO_FROM'],
    ['two senders', { ...twilioEnv, TESSERA_TWILIO_MESSAGING_SERVICE_SID: `MG${'0'.repeat(32)}` }, 'TESSERA_TWILIO_FROM'],
    ['a sender not in E.164', { ...twilioEnv, TESSERA_TWILIO_FROM: '5017122661' }, 'TESSERA_TWILIO_FROM'],
    ['no public URL for the delivery reports', { ...twilioEnv, TESSERA_PUBLIC_URL: '' }, 'TESSERA_PUBLIC_URL'],
    ['a plain-HTTP API off loopback', { ...twilioEnv, TESSERA_TWILIO_URL: 'http://api.twilio.com' }, 'TESSERA_TWILIO_URL'],
    ['an unknown e-mail provider', { ...smtpEnv, TESSERA_EMAIL_PROVIDER: 'sendgrid' }, 'TESSERA_EMAIL_PROVIDER'],
    ['no SMTP URL', { ...smtpEnv, TESSERA_SMTP_URL: '' }, 'TESSERA_SMTP_URL'],
    ['an SMTP URL of another scheme', { ...smtpEnv, TESSERA_SMTP_URL: 'https://smtp.example.com' }, 'TESSERA_SMTP_URL'],
    ['no sender address', { ...smtpEnv, TESSERA_SMTP_FROM: '' }, 'TESSERA_SMTP_FROM'],
    ['a rate of zero', { TESSERA_SMS_PER_MINUTE: '0' }, 'TESSERA_SMS_PER_MINUTE'],
  ])('refuses %s, naming the variable and never a secret', (_name, env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).not.toMatch(/token-123|pw@/);
  });
});
