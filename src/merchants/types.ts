export const MODES = ['sandbox', 'live'] as const;
export type Mode = (typeof MODES)[number];

export const SCOPES = ['read', 'write', 'cards:reveal'] as const;
export type Scope = (typeof SCOPES)[number];
export const DEFAULT_SCOPES: readonly Scope[] = ['read', 'write'];

export interface Merchant {
  id: string;
  name: string;
  liveAccess: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiKey {
  id: string;
  merchantId: string;
  mode: Mode;
  scopes: Scope[];
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
