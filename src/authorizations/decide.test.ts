import { describe, expect, it } from 'vitest';
import { DEFAULT_FEE_SCHEDULE } from '../fees/index.ts';
import { decide } from './decide.ts';
import { EMPTY_TOTALS, type Snapshot } from './types.ts';

const now = new Date('2026-11-22T12:00:00Z');
const base: Snapshot = {
  now, card: { status: 'ACTIVE', expYear: 2029, expMonth: 11, currency: 'USD' }, cardAmount: 300n, fxApplied: false,
  fees: DEFAULT_FEE_SCHEDULE, controls: { card: null, customer: null }, spend: { card: EMPTY_TOTALS, customer: EMPTY_TOTALS },
  realtime: null, funds: 10_000n, merchantSuspended: false,
};
const req = { merchant: { mcc: '5411', country: 'US' }, partialAllowed: false };
type Case = [name: string, patch: Partial<Snapshot>, partial: boolean, expected: { approved: boolean; amount?: bigint; fee?: bigint; reason?: string | null; code: string; source?: string }];

// One line per case, in SPEC §3's order: the first failure decides.
const CASES: Case[] = [
  ['approves with amount + fee', {}, false, { approved: true, amount: 300n, fee: 103n, reason: null, code: '00' }],
  ['card not found', { card: null }, false, { approved: false, reason: 'card_not_found', code: '14' }],
  ['merchant suspended', { merchantSuspended: true }, false, { approved: false, reason: 'merchant_suspended', code: '05' }],
  ['merchant suspended before the card status', { merchantSuspended: true, card: { ...base.card!, status: 'INACTIVE' } }, false, { approved: false, reason: 'merchant_suspended', code: '05' }],
  ['card not found before the suspension', { merchantSuspended: true, card: null }, false, { approved: false, reason: 'card_not_found', code: '14' }],
  ['frozen card', { card: { ...base.card!, status: 'INACTIVE' } }, false, { approved: false, reason: 'card_inactive', code: '62' }],
  ['terminated card', { card: { ...base.card!, status: 'TERMINATED' } }, false, { approved: false, reason: 'card_inactive', code: '62' }],
  ['physical card not yet activated', { card: { ...base.card!, status: 'PENDING_ACTIVATION' } }, false, { approved: false, reason: 'card_inactive', code: '62' }],
  ['closed card', { card: { ...base.card!, status: 'CLOSED' } }, false, { approved: false, reason: 'card_inactive', code: '62' }],
  ['card marked expired', { card: { ...base.card!, status: 'EXPIRED' } }, false, { approved: false, reason: 'card_expired', code: '54' }],
  ['past its expiry month', { card: { ...base.card!, expYear: 2026, expMonth: 10 } }, false, { approved: false, reason: 'card_expired', code: '54' }],
  ['in its expiry month still works', { card: { ...base.card!, expYear: 2026, expMonth: 11 } }, false, { approved: true, code: '00' }],
  ['status before expiry', { card: { ...base.card!, status: 'INACTIVE', expYear: 2020 } }, false, { approved: false, reason: 'card_inactive', code: '62' }],
  ['no FX rate', { cardAmount: null }, false, { approved: false, reason: 'currency_not_supported', code: '57' }],
  ['FX fee added when converted', { fxApplied: true, fees: { ...DEFAULT_FEE_SCHEDULE, fx_percent_bps: 200 } }, false, { approved: true, amount: 300n, fee: 109n, code: '00' }],
  ['per-authorization limit', { controls: { card: { per_authorization: 299 }, customer: null } }, false, { approved: false, reason: 'spending_controls', code: '61' }],
  ['daily limit counts spend so far', { controls: { card: { daily: 1000 }, customer: null }, spend: { card: { ...EMPTY_TOTALS, daily: 701n }, customer: EMPTY_TOTALS } }, false, { approved: false, reason: 'spending_controls', code: '61' }],
  ['daily limit exactly reached is fine', { controls: { card: { daily: 1000 }, customer: null }, spend: { card: { ...EMPTY_TOTALS, daily: 700n }, customer: EMPTY_TOTALS } }, false, { approved: true, code: '00' }],
  ['weekly limit', { controls: { card: { weekly: 500 }, customer: null }, spend: { card: { ...EMPTY_TOTALS, weekly: 201n }, customer: EMPTY_TOTALS } }, false, { approved: false, reason: 'spending_controls', code: '61' }],
  ['monthly limit', { controls: { card: { monthly: 299 }, customer: null } }, false, { approved: false, reason: 'spending_controls', code: '61' }],
  ['yearly limit', { controls: { card: { yearly: 299 }, customer: null } }, false, { approved: false, reason: 'spending_controls', code: '61' }],
  ['all-time limit', { controls: { card: { all_time: 299 }, customer: null } }, false, { approved: false, reason: 'spending_controls', code: '61' }],
  ['daily count (velocity)', { controls: { card: { daily_count: 2 }, customer: null }, spend: { card: { ...EMPTY_TOTALS, daily_count: 2 }, customer: EMPTY_TOTALS } }, false, { approved: false, reason: 'velocity_exceeded', code: '65' }],
  ['MCC not in allow list', { controls: { card: { allowed_mccs: ['5812'] }, customer: null } }, false, { approved: false, reason: 'merchant_not_allowed', code: '57' }],
  ['MCC in allow list', { controls: { card: { allowed_mccs: ['5411'] }, customer: null } }, false, { approved: true, code: '00' }],
  ['blocked MCC', { controls: { card: { blocked_mccs: ['5411'] }, customer: null } }, false, { approved: false, reason: 'merchant_not_allowed', code: '57' }],
  ['blocked country', { controls: { card: { blocked_countries: ['US'] }, customer: null } }, false, { approved: false, reason: 'merchant_not_allowed', code: '57' }],
  ['customer controls apply too', { controls: { card: null, customer: { daily: 100 } } }, false, { approved: false, reason: 'spending_controls', code: '61' }],
  ['controls before the real-time decision', { controls: { card: { per_authorization: 1 }, customer: null }, realtime: { approved: true, source: 'merchant' } }, false, { approved: false, reason: 'spending_controls', code: '61', source: 'tessera' }],
  ['merchant declines', { realtime: { approved: false, source: 'merchant' } }, false, { approved: false, reason: 'merchant_declined', code: '05', source: 'merchant' }],
  ['merchant timeout, fallback decline', { realtime: { approved: false, source: 'fallback', failure: 'timeout' } }, false, { approved: false, reason: 'decision_timeout', code: '05', source: 'fallback' }],
  ['merchant error, fallback approve', { realtime: { approved: true, source: 'fallback', failure: 'error' } }, false, { approved: true, code: '00', source: 'fallback' }],
  ['merchant approves less', { realtime: { approved: true, source: 'merchant', amount: 200n } }, false, { approved: true, amount: 200n, fee: 102n, code: '00', source: 'merchant' }],
  ['real-time before funds', { realtime: { approved: false, source: 'merchant' }, funds: 0n }, false, { approved: false, reason: 'merchant_declined', code: '05' }],
  ['insufficient funds', { funds: 402n }, false, { approved: false, reason: 'insufficient_funds', code: '51' }],
  ['exact funds', { funds: 403n }, false, { approved: true, amount: 300n, fee: 103n, code: '00' }],
  ['partial approval when allowed', { funds: 402n }, true, { approved: true, amount: 299n, fee: 103n, code: '10' }],
  ['no partial below the fee', { funds: 100n }, true, { approved: false, reason: 'insufficient_funds', code: '51' }],
];

describe('decide()', () => {
  it.each(CASES)('%s', (_name, patch, partialAllowed, expected) => {
    const d = decide({ ...base, ...patch }, { ...req, partialAllowed });
    expect(d.approved).toBe(expected.approved);
    expect(d.responseCode).toBe(expected.code);
    if (expected.reason !== undefined) expect(d.reason).toBe(expected.reason);
    if (expected.amount !== undefined) expect(d.amount).toBe(expected.amount);
    if (expected.fee !== undefined) expect(d.fee).toBe(expected.fee);
    if (expected.source !== undefined) expect(d.decisionSource).toBe(expected.source);
    if (!d.approved) expect(d.amount).toBe(0n);
  });
});
