import crypto from 'node:crypto';

/**
 * Server-side dashboard sessions, in memory. The credential (admin token or API key) lives here and only here:
 * the browser holds a random 256-bit session id in an HttpOnly cookie, never the credential.
 * A restart signs everyone out, which is the safe direction.
 */

/** Why 12 hours: a working day, after which the credential is asked for again (the contract). */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Why 10,000: far above the people running one installation; bounds the memory a flood of sign-ins can take. */
export const SESSIONS_MAX = 10_000;

export type SessionKind = 'operator' | 'merchant';

export interface Flash {
  kind: 'success' | 'error';
  message: string;
  /** A secret shown once (a new API key, a webhook signing secret): rendered, then gone with the flash. */
  secret?: string;
}

export interface Session {
  id: string;
  csrf: string;
  kind: SessionKind;
  credential: string;
  /** Who is signed in, for the header: the operator, or the merchant's name. */
  identity: string;
  mode: 'sandbox' | 'live' | null;
  merchantId: string | null;
  scopes: string[];
  expiresAt: number;
  flash: Flash | null;
}

const randomToken = () => crypto.randomBytes(32).toString('base64url');

export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  create(fields: Omit<Session, 'id' | 'csrf' | 'expiresAt' | 'flash'>): Session {
    // Only when full: a sweep is O(sessions), and creating a session must stay cheap under a flood of sign-ins.
    if (this.#sessions.size >= SESSIONS_MAX) this.#sweep();
    // Maps iterate in insertion order: the first entry is the oldest session.
    while (this.#sessions.size >= SESSIONS_MAX) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
    const session: Session = { ...fields, id: randomToken(), csrf: randomToken(), expiresAt: this.now() + SESSION_TTL_MS, flash: null };
    this.#sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | null {
    if (!id) return null;
    const session = this.#sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.#sessions.delete(id);
      return null;
    }
    return session;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  get size(): number {
    return this.#sessions.size;
  }

  #sweep(): void {
    const now = this.now();
    for (const [id, s] of this.#sessions) if (s.expiresAt <= now) this.#sessions.delete(id);
  }
}

/** The CSRF check: the form's token equals the session's, compared in constant time. */
export function csrfOk(session: Session, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const a = crypto.createHash('sha256').update(presented).digest();
  const b = crypto.createHash('sha256').update(session.csrf).digest();
  return crypto.timingSafeEqual(a, b);
}
