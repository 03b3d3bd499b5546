export const MODES = ['sandbox', 'live'] as const;
export type Mode = (typeof MODES)[number];

/** `keys:write` lets a key create, list and revoke this merchant's keys of its own mode (POST /v1/api_keys). */
export const SCOPES = ['read', 'write', 'cards:reveal', 'keys:write'] as const;
export type Scope = (typeof SCOPES)[number];
export const DEFAULT_SCOPES: readonly Scope[] = ['read', 'write'];
/**
 * The sandbox key a new merchant gets: its root credential, which may mint restricted sandbox keys for its services.
 * Never `cards:reveal`, which only the operator grants; a live key with `keys:write` comes from the operator too.
 */
export const ROOT_SANDBOX_SCOPES: readonly Scope[] = ['read', 'write', 'keys:write'];

export interface Merchant {
  id: string;
  name: string;
  liveAccess: boolean;
  /** Set while the operator has suspended the merchant: its credentials and cards stop working. */
  suspendedAt: Date | null;
  suspensionReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiKey {
  id: string;
  merchantId: string;
  mode: Mode;
  scopes: Scope[];
  /** Given by the merchant for a self-service key; null for the operator's keys and keys from before names. */
  name: string | null;
  /** The first characters of the key, safe to show. */
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Who is calling: resolved from an API key or from a token issued for one. */
export interface Principal {
  merchantId: string;
  keyId: string;
  mode: Mode;
  scopes: readonly Scope[];
  liveAccess: boolean;
  /** The sandbox test clock: this merchant's time runs this far ahead of the real time (0 in live). */
  clockOffsetMs: number;
}

/** A newly created key with its secret, which exists only in this value and is never stored. */
export interface IssuedKey {
  key: ApiKey;
  secret: string;
}
