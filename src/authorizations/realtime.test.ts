import { describe, expect, it } from 'vitest';
import { askMerchant, type DecisionEndpoint } from './realtime.ts';
import type { RealtimeVerdict } from './types.ts';

const endpoint: DecisionEndpoint = {
  url: 'https://merchant.example/decide', fallback: 'decline', timeoutMs: 1000, secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
};
/** The merchant's endpoint answering `text` (unsigned, so only its shape is judged). */
const answering = (text: string) => askMerchant(endpoint, { id: 'auth_x' }, new Date('2026-11-22T12:00:00Z'), {
  http: async () => ({ status: 200, header: () => null, text }),
});

const badResponse: RealtimeVerdict = { approved: false, source: 'fallback', failure: 'bad_response' };
const table: [string, RealtimeVerdict][] = [
  ['{"approved": true}', { approved: true, source: 'merchant' }],
  ['{"approved": true, "amount": 100}', { approved: true, source: 'merchant', amount: 100n }],
  ['{"approved": false, "amount": 1000000000000}', { approved: false, source: 'merchant', amount: 10n ** 12n }],
  ...['1.0000000000000001', '99.99999999999999', '1e2', '100.0', '-0', '0', '-5', '9007199254740993', '1000000000001', '"100"']
    .map((amount): [string, RealtimeVerdict] => [`{"approved": true, "amount": ${amount}}`, badResponse]),
  ['{"approved": true, "amount": 5, "amount": 1.5}', badResponse],
];

describe('askMerchant: the answer\'s amount is read from its text (SPEC §4)', () => {
  it.each(table)('%s → %o', async (text, verdict) => {
    expect(await answering(text)).toEqual(verdict);
  });
});
