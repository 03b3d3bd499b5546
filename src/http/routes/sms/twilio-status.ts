import { Type } from '@fastify/type-provider-typebox';
import { DomainError } from '../../../lib/errors.ts';
import { errorText, TWILIO_STATUS_CALLBACK_PATH, twilioReportStatus, verifyTwilioSignature } from '../../../notifications/index.ts';
import { applyDeliveryReport } from '../../../sms/index.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { smsAdmin } from './shared.ts';

/** Why 16 KiB: a status callback is a dozen short fields; anything bigger is not Twilio. */
const CALLBACK_BYTES_MAX = 16 * 1024;

/**
 * Twilio's delivery reports (`StatusCallback`): a form post per status
 * change, signed with `X-Twilio-Signature` over TESSERA_PUBLIC_URL + this
 * path and the form's fields. Anything not signed with the configured auth
 * token is refused before it is read further. The message moves forward
 * (sent, delivered, failed), and a merchant's SMS takes or returns its price.
 */
export function twilioStatusRoute(app: TypedApp): void {
  const { db, clock, config } = app.deps;
  // Form bodies are accepted here only, in a context of their own; the rest of the API stays JSON-only.
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: CALLBACK_BYTES_MAX }, (_request, body, done) => {
      done(null, new URLSearchParams(body as string));
    });
    scope.post(TWILIO_STATUS_CALLBACK_PATH, {
      config: { auth: 'public' },
      bodyLimit: CALLBACK_BYTES_MAX,
      schema: {
        tags: smsAdmin.schema.tags, operationId: 'twilio.reportStatus', summary: 'Twilio delivery reports',
        description: 'For Twilio only: the StatusCallback of every SMS Tessera sends through Twilio (application/x-www-form-urlencoded, `X-Twilio-Signature`). 204 when applied or nothing new; 401 `invalid_signature` when the signature does not verify; 404 when Twilio is not configured or the message is unknown.',
        response: { 204: Type.Null({ description: 'Applied, or nothing new.' }), ...errorResponses(404) },
      },
    }, async (request, reply) => {
      const twilio = config.twilio;
      if (!twilio || !config.publicUrl) throw new DomainError('resource_not_found', 'Twilio is not configured on this installation.');
      const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
      const header = request.headers['x-twilio-signature'];
      const url = `${config.publicUrl}${request.url}`;
      if (!verifyTwilioSignature(twilio.authToken, url, form, Array.isArray(header) ? header[0] : header)) {
        throw new DomainError('invalid_signature', 'The X-Twilio-Signature header does not match this request.');
      }
      const sid = form.get('MessageSid');
      const status = twilioReportStatus(form.get('MessageStatus') ?? '');
      if (!sid || status === null) return reply.code(204).send();
      const errorCode = form.get('ErrorCode');
      const reason = status === 'failed' ? errorText(`twilio: ${form.get('MessageStatus')}${errorCode ? ` (error ${errorCode})` : ''}`) : null;
      const known = await db.transaction((tx) => applyDeliveryReport(tx, 'twilio', sid, status, reason, clock.now()));
      if (!known) throw new DomainError('resource_not_found', 'No message has this MessageSid.', 'MessageSid');
      return reply.code(204).send();
    });
  });
}
