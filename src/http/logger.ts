import type { LoggerOptions } from 'pino';
import { scrubDeep, scrubPans } from '../lib/scrub.ts';
import type { LogLevel } from '../config.ts';

/**
 * Fields that hold secrets, wherever they appear in a logged object. pino's
 * redact works by path only, so free text is also scrubbed for card numbers.
 */
const SECRET_FIELDS = [
  'authorization', 'api_key', 'apiKey', 'sandbox_api_key', 'secret', 'key', 'token', 'access_token', 'password',
  'pan', 'number', 'card_number', 'cardNumber', 'cvv', 'cvc', 'pin', 'new_pin', 'activation_code', 'activationCode',
  'front_image', 'back_image', 'handheld_image', 'public_key_pem', 'private_key', 'encrypt', 'keyEnc', 'sign',
  // Message bodies, should one ever be logged by field: an SMS's `text`, Twilio's form field `Body`.
  'text', 'Body',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers.signature',
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

export function loggerOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    formatters: {
      log: (object) => scrubDeep(object) as Record<string, unknown>,
    },
    hooks: {
      // The message string itself is not seen by formatters.log: scrub it here.
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubPans(a) : a)) as Parameters<typeof method>);
      },
    },
    serializers: {
      err: (err: Error & { code?: string }) => ({
        type: err.name, code: err.code, message: scrubPans(err.message ?? ''), stack: scrubPans(err.stack ?? ''),
      }),
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({
        method: req.method, url: scrubPans(String(req.url ?? '')), id: req.id, ip: req.ip,
      }),
    },
  };
}
