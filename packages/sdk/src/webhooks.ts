import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { webhooks } from './schema.js';

type DeliveredBody<Op> = Op extends { post: { requestBody: { content: { 'application/json': infer Body } } } } ? Body : never;

/**
 * An event as Tessera delivers it, from the OpenAPI document's `webhooks` section: a union discriminated by
 * `type`, so `if (event.type === 'card.updated')` narrows `event.data.object` to a card.
 */
export type WebhookEvent = { [Type in keyof webhooks]: DeliveredBody<webhooks[Type]> }[keyof webhooks];
export type WebhookEventType = WebhookEvent['type'];

export { WebhookVerificationError };

/**
 * Verify a delivery per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`; a
 * timestamp more than 5 minutes off is refused) with the endpoint's `whsec_…` secret, and return the event.
 * Pass the body exactly as received (the raw string or bytes, not a re-serialised object). Throws
 * WebhookVerificationError when anything does not match; never returns unverified content.
 */
export function verifyWebhook(
  secret: string,
  body: string | Uint8Array,
  headers: Record<string, string | string[] | undefined> | Headers,
): WebhookEvent {
  const wanted = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
  const flat: Record<string, string> = {};
  for (const name of wanted) {
    const value = headers instanceof Headers ? headers.get(name) : headers[name] ?? headers[name.toLowerCase()];
    if (value === undefined || value === null) throw new WebhookVerificationError(`Missing required header ${name}`);
    flat[name] = Array.isArray(value) ? value.join(' ') : value;
  }
  const text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body);
  new Webhook(secret).verify(text, flat);
  const event = JSON.parse(text) as WebhookEvent;
  if (event.id !== flat['webhook-id']) throw new WebhookVerificationError('The event id differs from the webhook-id header');
  return event;
}
