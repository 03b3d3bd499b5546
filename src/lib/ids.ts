import { typeid } from 'typeid-js';

/**
 * Prefixed, time-sortable identifiers (TypeID: a prefix and a UUIDv7 in
 * base32). Sorting ids sorts by creation time, which cursor pagination uses.
 */
export const ID_PREFIXES = {
  merchant: 'mch',
  apiKey: 'apikey',
  request: 'req',
  event: 'evt',
  audit: 'aud',
  customer: 'cus',
  account: 'acct',
  card: 'card',
  transaction: 'txn',
  authorization: 'auth',
  notification: 'ntf',
  reservation: 'res',
  topup: 'top',
  webhookEndpoint: 'we',
  webhookDelivery: 'wdel',
  webhookAttempt: 'watt',
  signingKey: 'key',
  sms: 'sms',
  liveAccessRequest: 'lar',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind): string {
  return typeid(ID_PREFIXES[kind]).toString();
}

/** True when `id` is a well-formed id of `kind`; used to answer 404 early for junk. */
export function isId(kind: IdKind, id: string): boolean {
  const prefix = ID_PREFIXES[kind];
  return id.startsWith(`${prefix}_`) && /^[0-7][0-9a-hjkmnp-tv-z]{25}$/.test(id.slice(prefix.length + 1));
}
