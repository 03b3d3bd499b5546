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
/**
 * Why 20: a person's browsers and tabs, with room to spare. Past it a credential's own oldest session goes, so
 * signing in again and again with one key can never push other people's sessions (the operator's) out of the store.
 */
export const SESSIONS_PER_CREDENTIAL_MAX = 20;

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
  /** Session ids by credential, oldest first (sets iterate in insertion order). */
  readonly #byCredential = new Map<string, Set<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  create(fields: Omit<Session, 'id' | 'csrf' | 'expiresAt' | 'flash'>): Session {
    const own = this.#byCredential.get(fields.credential) ?? new Set<string>();
    for (const id of own) {
      if (own.size < SESSIONS_PER_CREDENTIAL_MAX) break;
      this.delete(id);
    }
    // Only when full: a sweep is O(sessions), and creating a session must stay cheap under a flood of sign-ins.
    if (this.#sessions.size >= SESSIONS_MAX) this.#sweep();
    // Maps iterate in insertion order: the first entry is the oldest session.
    while (this.#sessions.size >= SESSIONS_MAX) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
    const session: Session = { ...fields, id: randomToken(), csrf: randomToken(), expiresAt: this.now() + SESSION_TTL_MS, flash: null };
    this.#sessions.set(session.id, session);
    this.#byCredential.set(fields.credential, (this.#byCredential.get(fields.credential) ?? new Set<string>()).add(session.id));
    return session;
  }

  get(id: string | undefined): Session | null {
    if (!id) return null;
    const session = this.#sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.delete(id);
      return null;
    }
    return session;
  }

  delete(id: string): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    const own = this.#byCredential.get(session.credential);
    own?.delete(id);
    if (own?.size === 0) this.#byCredential.delete(session.credential);
  }

  get size(): number {
    return this.#sessions.size;
  }

  #sweep(): void {
    const now = this.now();
    for (const [id, s] of this.#sessions) if (s.expiresAt <= now) this.delete(id);
  }
}

/** The CSRF check: the form's token equals the session's, compared in constant time. */
export function csrfOk(session: Session, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const a = crypto.createHash('sha256').update(presented).digest();
  const b = crypto.createHash('sha256').update(session.csrf).digest();
  return crypto.timingSafeEqual(a, b);
}
