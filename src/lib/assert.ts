/**
 * Assert what must never happen. A failed assertion is a bug, never an expected
 * outcome: expected failures are values (result codes) or DomainErrors.
 */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, why: string): asserts condition {
  if (!condition) throw new AssertionError(why);
}
