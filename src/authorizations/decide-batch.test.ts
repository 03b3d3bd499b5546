import { describe, expect, it } from 'vitest';
import { DEFAULT_FEE_SCHEDULE, type MoneySettings } from '../fees/index.ts';
import { decideBatch, spendKey, HOLD_TTL_MS, type BatchSnapshot, type CardSnapshot, type PreparedAuthorization } from './decide-batch.ts';
import { EMPTY_TOTALS, type SpendingControls, type WindowTotals } from './types.ts';

const now = new Date('2026-11-22T12:00:00Z');
const owner = { merchantId: 'mch_a', mode: 'sandbox' as const };
const card = (id: string, patch: Partial<CardSnapshot> = {}): CardSnapshot => ({
  id, merchantId: 'mch_a', mode: 'sandbox', customerId: 'cus_1', status: 'ACTIVE', expYear: 2029, expMonth: 11, currency: 'USD',
  availableAccountId: `${id}:available`, reserveAccountId: `${id}:reserve`, authorizationMode: null, ...patch,
});
const settings: MoneySettings = { feeSchedule: DEFAULT_FEE_SCHEDULE, authorizationMode: 'direct', clearingToleranceBps: 0, suspended: false };
const suspended: MoneySettings = { ...settings, suspended: true };

function snapshot(patch: {
  cards?: CardSnapshot[]; funds?: [string, bigint][]; controls?: { card?: [string, SpendingControls][]; customer?: [string, SpendingControls][] };
  spend?: { card?: [string, WindowTotals][]; customer?: [string, WindowTotals][] }; settings?: [string, MoneySettings][]; rates?: [string, string][];
} = {}): BatchSnapshot {
  const cards = patch.cards ?? [card('card_1')];
  return {
    cards: new Map(cards.map((c) => [c.id, c])),
    funds: new Map(patch.funds ?? cards.flatMap((c) => [[c.availableAccountId, 10_000n], [c.reserveAccountId, 0n]] as [string, bigint][])),
    controls: { card: new Map(patch.controls?.card ?? []), customer: new Map(patch.controls?.customer ?? []) },
    spend: { card: new Map(patch.spend?.card ?? []), customer: new Map(patch.spend?.customer ?? []) },
    settings: new Map(patch.settings ?? [['mch_a', settings], ['mch_b', settings]]),
    ledgers: new Map([['USD', { ledger: 840, scale: 2 }], ['EUR', { ledger: 978, scale: 2 }], ['JPY', { ledger: 392, scale: 0 }]]),
    rates: new Map(patch.rates ?? []),
  };
}
const item = (patch: Partial<PreparedAuthorization['request']> & { at?: Date; owner?: PreparedAuthorization['owner']; realtime?: PreparedAuthorization['realtime'] } = {}): PreparedAuthorization => ({
  owner: patch.owner ?? owner, realtime: patch.realtime ?? null, now: patch.at ?? now,
  request: { cardId: 'card_1', amount: 300n, currency: 'USD', merchant: { name: 'Shop', mcc: '5411', country: 'US' }, partialAllowed: false, ...patch },
});
let n = 0;
const ids = () => `auth_${++n}`;

type Row = { status: string; amount?: bigint; fee?: bigint; reason?: string | null; code?: string };
const summary = (a: ReturnType<typeof decideBatch>['authorizations'][number]): Row =>
  ({ status: a.status, amount: a.approvedAmount, fee: a.feeHeld, reason: a.declineReason, code: a.responseCode });

// One line per case: a batch, its snapshot, and what each item gets, in order.
const CASES: [name: string, items: PreparedAuthorization[], s: BatchSnapshot, expected: Row[]][] = [
  ['approves amount + fee (3.00 → fee 1.03)', [item()], snapshot(), [{ status: 'pending', amount: 300n, fee: 103n, reason: null, code: '00' }]],
  ['unknown card', [item({ cardId: 'card_x' })], snapshot(), [{ status: 'declined', reason: 'card_not_found', code: '14' }]],
  ["another merchant's card is no card", [item({ owner: { merchantId: 'mch_b', mode: 'sandbox' } })], snapshot(), [{ status: 'declined', reason: 'card_not_found', code: '14' }]],
  ['a live key does not see a sandbox card', [item({ owner: { merchantId: 'mch_a', mode: 'live' } })], snapshot(), [{ status: 'declined', reason: 'card_not_found', code: '14' }]],
  ['frozen card', [item()], snapshot({ cards: [card('card_1', { status: 'INACTIVE' })] }), [{ status: 'declined', reason: 'card_inactive', code: '62' }]],
  ['expired card', [item()], snapshot({ cards: [card('card_1', { expYear: 2026, expMonth: 10 })] }), [{ status: 'declined', reason: 'card_expired', code: '54' }]],
  ['no FX rate', [item({ currency: 'EUR' })], snapshot(), [{ status: 'declined', reason: 'currency_not_supported', code: '57' }]],
  ['FX: EUR 3.00 at 1.1 is USD 3.30, fee on the card amount', [item({ currency: 'EUR' })], snapshot({ rates: [['EUR>USD', '1.1']] }),
    [{ status: 'pending', amount: 330n, fee: 103n, code: '00' }]],
  ['FX between scales: JPY 500 at 0.0067 is USD 3.35', [item({ currency: 'JPY', amount: 500n })], snapshot({ rates: [['JPY>USD', '0.0067']] }),
    [{ status: 'pending', amount: 335n, fee: 103n, code: '00' }]],
  ['spending control (per authorization)', [item()], snapshot({ controls: { card: [['card_1', { per_authorization: 299 }]] } }), [{ status: 'declined', reason: 'spending_controls', code: '61' }]],
  ['customer control', [item()], snapshot({ controls: { customer: [['cus_1', { blocked_mccs: ['5411'] }]] } }), [{ status: 'declined', reason: 'merchant_not_allowed', code: '57' }]],
  ['merchant declines in real time', [item({ realtime: { approved: false, source: 'merchant' } })], snapshot(), [{ status: 'declined', reason: 'merchant_declined', code: '05' }]],
  ['real-time timeout with a decline fallback', [item({ realtime: { approved: false, source: 'fallback', failure: 'timeout' } })], snapshot(), [{ status: 'declined', reason: 'decision_timeout', code: '05' }]],
  ['insufficient funds (amount + fee)', [item({ amount: 9_900n })], snapshot(), [{ status: 'declined', reason: 'insufficient_funds', code: '51' }]],
  ['running balance: the second of two no longer fits', [item({ amount: 6_000n }), item({ amount: 6_000n }), item({ amount: 1_000n })], snapshot(), [
    { status: 'pending', amount: 6_000n, fee: 160n }, { status: 'declined', reason: 'insufficient_funds' }, { status: 'pending', amount: 1_000n, fee: 110n },
  ]],
  ['one decline never fails the others', [item({ cardId: 'card_x' }), item()], snapshot(), [{ status: 'declined', reason: 'card_not_found' }, { status: 'pending', amount: 300n }]],
  ['partial approval takes what the card can afford, fee included', [item({ amount: 20_000n, partialAllowed: true })], snapshot(),
    [{ status: 'pending', amount: 9_802n, fee: 198n, code: '10' }]],
  ['partial approval after an earlier item spent most of it', [item({ amount: 9_000n }), item({ amount: 5_000n, partialAllowed: true })], snapshot(),
    [{ status: 'pending', amount: 9_000n, fee: 190n }, { status: 'pending', amount: 703n, fee: 107n, code: '10' }]],
  ['daily limit counts earlier items of the batch', [item(), item(), item()], snapshot({ controls: { card: [['card_1', { daily: 700 }]] } }), [
    { status: 'pending' }, { status: 'pending' }, { status: 'declined', reason: 'spending_controls', code: '61' },
  ]],
  ['daily count counts earlier items of the batch', [item(), item()], snapshot({ controls: { card: [['card_1', { daily_count: 1 }]] } }), [
    { status: 'pending' }, { status: 'declined', reason: 'velocity_exceeded', code: '65' },
  ]],
  ["customer limit spans the customer's cards", [item(), item({ cardId: 'card_2' })],
    snapshot({ cards: [card('card_1'), card('card_2')], controls: { customer: [['cus_1', { daily: 500 }]] } }),
    [{ status: 'pending' }, { status: 'declined', reason: 'spending_controls' }]],
  ['reserve mode spends only the authorization balance', [item()], snapshot({ cards: [card('card_1', { authorizationMode: 'reserve' })] }),
    [{ status: 'declined', reason: 'insufficient_funds' }]],
  ["a suspended merchant's card declines (05), and nothing is held", [item()], snapshot({ settings: [['mch_a', suspended]] }),
    [{ status: 'declined', amount: 0n, fee: 0n, reason: 'merchant_suspended', code: '05' }]],
  ['suspension comes before the card status, expiry, controls and funds', [item({ amount: 1_000_000n })], snapshot({
    cards: [card('card_1', { status: 'INACTIVE', expYear: 2020 })], controls: { card: [['card_1', { per_authorization: 1 }]] },
    settings: [['mch_a', suspended]],
  }), [{ status: 'declined', reason: 'merchant_suspended', code: '05' }]],
  ["an unknown card is still card_not_found for a suspended merchant", [item({ cardId: 'card_x' })], snapshot({ settings: [['mch_a', suspended]] }),
    [{ status: 'declined', reason: 'card_not_found', code: '14' }]],
  ["one merchant's suspension never declines another's cards in the same batch",
    [item(), item({ cardId: 'card_b', owner: { merchantId: 'mch_b', mode: 'sandbox' } })],
    snapshot({ cards: [card('card_1'), card('card_b', { merchantId: 'mch_b', customerId: 'cus_b' })], settings: [['mch_a', suspended], ['mch_b', settings]] }),
    [{ status: 'declined', reason: 'merchant_suspended' }, { status: 'pending', amount: 300n, fee: 103n, code: '00' }]],
  ['spend so far counts', [item()], snapshot({
    controls: { card: [['card_1', { daily: 1_000 }]] }, spend: { card: [[spendKey('card_1', now), { ...EMPTY_TOTALS, daily: 701n }]] },
  }), [{ status: 'declined', reason: 'spending_controls' }]],
];

describe('decideBatch', () => {
  it.each(CASES)('%s', (_name, items, s, expected) => {
    const { authorizations } = decideBatch(items, s, ids);
    expect(authorizations.map(summary)).toEqual(expected.map((e, i) => ({ ...summary(authorizations[i]!), ...e })));
  });

  it('holds each approval with a linked amount + fee chain from its source account, and nothing for a decline', () => {
    const { authorizations, chains } = decideBatch([item(), item({ cardId: 'card_x' })], snapshot(), ids);
    expect(chains[1]).toEqual([]);
    expect(chains[0]!.map((t) => [t.debitAccountId, t.creditAccountId, t.amount, t.flags])).toEqual([
      // The card's shard of the merchant's settlement and revenue accounts (card_1 hashes to shard 3).
      ['card_1:available', 'mch_a:sandbox:USD:network_settlement:3', 300n, ['pending', 'linked']],
      ['card_1:available', 'mch_a:sandbox:USD:fee_revenue:3', 103n, ['pending']],
    ]);
    expect(authorizations[0]!.expiresAt).toEqual(new Date(now.getTime() + HOLD_TTL_MS));
  });

  it('is pure: the snapshot is not changed', () => {
    const s = snapshot();
    decideBatch([item(), item()], s, ids);
    expect(s.funds.get('card_1:available')).toBe(10_000n);
  });

  it('each item lives at its own time: two merchants with different sandbox clocks see their own day', () => {
    const tomorrow = new Date('2026-11-23T12:00:00Z');
    const cards = [card('card_1'), card('card_b', { merchantId: 'mch_b', customerId: 'cus_b' })];
    const s = snapshot({
      cards,
      controls: { card: [['card_1', { daily: 500 }], ['card_b', { daily: 500 }]] },
      // Both cards spent 400 today (the 22nd); merchant b's clock is already on the 23rd, where nothing is spent yet.
      spend: { card: [[spendKey('card_1', now), { ...EMPTY_TOTALS, daily: 400n }], [spendKey('card_b', tomorrow), EMPTY_TOTALS]] },
    });
    const { authorizations } = decideBatch([
      item({ amount: 300n }),
      item({ cardId: 'card_b', amount: 300n, owner: { merchantId: 'mch_b', mode: 'sandbox' }, at: tomorrow }),
    ], s, ids);
    expect(authorizations.map((a) => [a.status, a.declineReason, a.createdAt.toISOString()])).toEqual([
      ['declined', 'spending_controls', now.toISOString()],
      ['pending', null, tomorrow.toISOString()],
    ]);
    expect(authorizations[1]!.expiresAt).toEqual(new Date(tomorrow.getTime() + HOLD_TTL_MS));
  });

  it("an approval counts in every window of the card that its time falls in (a batch across midnight)", () => {
    const late = new Date('2026-11-22T23:59:59Z');
    const early = new Date('2026-11-23T00:00:01Z');
    const s = snapshot({
      controls: { card: [['card_1', { weekly: 500 }]] },
      spend: { card: [[spendKey('card_1', late), EMPTY_TOTALS], [spendKey('card_1', early), EMPTY_TOTALS]] },
    });
    // The 22nd is a Sunday and the 23rd a Monday: a new week. The first approval does not count in the second's week.
    const { authorizations } = decideBatch([item({ amount: 300n, at: late }), item({ amount: 300n, at: early })], s, ids);
    expect(authorizations.map((a) => a.status)).toEqual(['pending', 'pending']);
    const sameWeek = decideBatch([item({ amount: 300n, at: new Date('2026-11-21T23:59:59Z') }), item({ amount: 300n, at: late })], snapshot({
      controls: { card: [['card_1', { weekly: 500 }]] },
      spend: { card: [[spendKey('card_1', new Date('2026-11-21T12:00:00Z')), EMPTY_TOTALS], [spendKey('card_1', late), EMPTY_TOTALS]] },
    }), ids);
    expect(sameWeek.authorizations.map((a) => a.declineReason)).toEqual([null, 'spending_controls']);
  });
});
