import crypto from 'node:crypto';
import { retryAfterMs } from '../lib/retry-after.ts';
import { errorText, type OutgoingSms, type SendOutcome, type SmsProvider } from './providers.ts';

/**
 * SMS through Twilio's Programmable Messaging API, written over fetch (no SDK):
 * `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded
 * `To`, `From` (or `MessagingServiceSid`), `Body` and `StatusCallback`, with
 * HTTP Basic auth (Account SID : Auth Token). Twilio answers 201 with the
 * message resource (`sid`, `status`); errors carry `{code, message, status}`.
 * Delivery reports come back to `StatusCallback` as form posts signed with
 * `X-Twilio-Signature` (verifyTwilioSignature). The base URL is configurable
 * so that tests talk to a local fake.
 */
export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** A Twilio number in E.164; or null when a Messaging Service picks the sender. */
  from: string | null;
  messagingServiceSid: string | null;
  /** https://api.twilio.com, or a local fake. */
  baseUrl: string;
  /** Where Twilio posts delivery reports: TESSERA_PUBLIC_URL + TWILIO_STATUS_CALLBACK_PATH. */
  statusCallbackUrl: string;
  timeoutMs?: number;
}

/** The route that receives Twilio's delivery reports (src/http/routes/sms/twilio-status.ts). */
export const TWILIO_STATUS_CALLBACK_PATH = '/v1/providers/twilio/message_status';

/** Why 10 s: Twilio answers in well under a second; a hung connection must not hold the dispatcher's lease. */
export const TWILIO_TIMEOUT_MS = 10_000;

/** Why 4 KiB: a message resource or an error is about 1 KiB; more is not Twilio, and is not read. */
const ANSWER_BYTES_MAX = 4096;

export class TwilioSmsProvider implements SmsProvider {
  readonly name = 'twilio';
  readonly #options: TwilioOptions;

  constructor(options: TwilioOptions) {
    this.#options = options;
  }

  async send(message: OutgoingSms): Promise<SendOutcome> {
    const o = this.#options;
    const form = new URLSearchParams({ To: message.to, Body: message.body, StatusCallback: o.statusCallbackUrl });
    if (o.messagingServiceSid) form.set('MessagingServiceSid', o.messagingServiceSid);
    else if (o.from) form.set('From', o.from);
    const url = `${o.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(o.accountSid)}/Messages.json`;
    let res: Response;
    let answer: { sid?: unknown; code?: unknown; message?: unknown } = {};
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${o.accountSid}:${o.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(o.timeoutMs ?? TWILIO_TIMEOUT_MS),
      });
      const text = (await res.text()).slice(0, ANSWER_BYTES_MAX);
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch {
        answer = {};
      }
    } catch (err) {
      // Never the request (it holds the body): only what failed.
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const kind = (err as Error).name === 'TimeoutError' ? 'timeout' : `network${cause ? ` (${cause})` : ''}`;
      return { result: 'retry', error: `twilio: ${kind}` };
    }
    const detail = errorText(`twilio ${res.status}${typeof answer.code === 'number' ? ` error ${answer.code}` : ''}`
      + `${typeof answer.message === 'string' ? `: ${answer.message}` : ''}`);
    if (res.status === 200 || res.status === 201) {
      return { result: 'sent', providerMessageId: typeof answer.sid === 'string' ? answer.sid : null };
    }
    if (res.status === 429 || res.status >= 500) {
      return { result: 'retry', error: detail, retryAfterMs: retryAfterMs(res.headers.get('retry-after') ?? undefined, new Date()) };
    }
    // Refused credentials are the operator's to fix; the message itself is fine and waits for the fix.
    if (res.status === 401 || res.status === 403) return { result: 'retry', error: `${detail} (check the Twilio account SID and auth token)` };
    return { result: 'rejected', error: detail };
  }
}

/**
 * Twilio's request signature, as documented in "Validating requests"
 * (https://www.twilio.com/docs/usage/security#validating-requests): take the
 * full URL Twilio requested, from the scheme to the end of the query string;
 * sort the POST parameters by name (case-sensitive, byte order) and append
 * each name and value with no delimiters; HMAC-SHA1 that string with the Auth
 * Token as the key; base64-encode the digest. A name sent more than once
 * contributes each of its values, in sorted order (as Twilio's own libraries do).
 */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const names = [...new Set(params.keys())].sort();
  let data = url;
  for (const name of names) {
    for (const value of params.getAll(name).sort()) data += name + value;
  }
  return crypto.createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Constant-time comparison with the expected signature; a missing or malformed header is false. */
export function verifyTwilioSignature(authToken: string, url: string, params: URLSearchParams, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(header);
  // timingSafeEqual needs equal lengths; comparing against itself keeps the time independent of where they differ.
  return crypto.timingSafeEqual(given.length === expected.length ? given : expected, expected) && given.length === expected.length;
}

/**
 * Twilio's MessageStatus (queued, sending, sent, delivered, undelivered,
 * failed, …) in the channel's words: only sent, delivered and failed move a
 * message; the in-flight states say nothing new.
 */
export function twilioReportStatus(messageStatus: string): 'sent' | 'delivered' | 'failed' | null {
  switch (messageStatus) {
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
    // Some parts arrived: the provider bills every part, so the message counts as delivered.
    case 'partially_delivered':
      return 'delivered';
    case 'undelivered':
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}
