import { describe, expect, it } from 'vitest';
import { DomainError } from '../lib/errors.ts';
import { CARD_STATUSES, nextStatus, type CardAction, type CardStatus } from './state.ts';

// Every (status, action) pair: the expected next status, or null when refused.
const TABLE: Record<CardStatus, Record<CardAction, CardStatus | null>> = {
  PENDING_ACTIVATION: { activate_physical: 'ACTIVE', activate: null, deactivate: null, terminate: 'TERMINATED', close: 'CLOSED', expire: 'EXPIRED', archive: null },
  ACTIVE: { activate_physical: null, activate: null, deactivate: 'INACTIVE', terminate: 'TERMINATED', close: 'CLOSED', expire: 'EXPIRED', archive: 'ARCHIVED' },
  INACTIVE: { activate_physical: null, activate: 'ACTIVE', deactivate: null, terminate: 'TERMINATED', close: 'CLOSED', expire: 'EXPIRED', archive: 'ARCHIVED' },
  EXPIRED: { activate_physical: null, activate: null, deactivate: null, terminate: 'TERMINATED', close: 'CLOSED', expire: null, archive: 'ARCHIVED' },
  TERMINATED: { activate_physical: null, activate: null, deactivate: null, terminate: null, close: 'CLOSED', expire: null, archive: 'ARCHIVED' },
  CLOSED: { activate_physical: null, activate: null, deactivate: null, terminate: null, close: null, expire: null, archive: 'ARCHIVED' },
  ARCHIVED: { activate_physical: null, activate: null, deactivate: null, terminate: null, close: null, expire: null, archive: null },
};

describe('card state machine', () => {
  const cases = CARD_STATUSES.flatMap((from) =>
    (Object.entries(TABLE[from]) as [CardAction, CardStatus | null][]).map(([action, to]) => [from, action, to] as const));

  it.each(cases)('%s --%s--> %s', (from, action, to) => {
    if (to === null) {
      try {
        nextStatus(from, action);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(DomainError);
        expect((err as DomainError).code).toBe('invalid_card_status');
        expect((err as DomainError).message).toContain(from);
      }
    } else {
      expect(nextStatus(from, action)).toBe(to);
    }
  });
});
