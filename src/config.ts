import path from 'node:path';

/**
 * Configuration, read once from the environment into a frozen object that is
 * passed down. Nothing else reads process.env.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL connection string; null means the embedded PGlite database in dataDir. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  /** Bearer token for /admin/v1; null disables the admin API. */
  readonly adminToken: string | null;
  /** The master key as given (base64 or hex of 32 bytes), or null. */
  readonly masterKey: string | null;
  readonly masterKeyFile: string | null;
  /** JSON keys file (docs/keys.md); each card-key variable below overrides its field. */
  readonly keysFile: string | null;
  /** Card keys as given (docs/keys.md), or null: loadKeys parses and checks them. */
  readonly panFingerprintKey: string | null;
  readonly cvkA: string | null;
  readonly cvkB: string | null;
  readonly pvk: string | null;
  readonly pvki: string | null;
  readonly decimalizationTable: string | null;
  /** TESSERA_ISO8583_ZPK: the ISO 8583 link's zone PIN key as given (32 hex characters), or null: loadKeys parses it. */
  readonly zpk: string | null;
  /** The ISO 8583 link (docs/iso8583.md): its TCP port, or null when it is off (TESSERA_ISO8583_PORT unset; 0 picks a free port). */
  readonly iso8583Port: number | null;
  readonly iso8583Host: string;
  /** The mode whose cards the link serves: one listener, one mode. */
  readonly iso8583Mode: 'live' | 'sandbox';
  /** Each request is answered within this time; past it, 91 (issuer unavailable). */
  readonly iso8583TimeoutMs: number;
  /** A connection that sends nothing for this long is closed. */
  readonly iso8583IdleTimeoutMs: number;
  readonly logLevel: LogLevel;
  /**
   * Requests per key (every mode), per operator and per address per window, when the operator sets
   * TESSERA_RATE_LIMIT_MAX or TESSERA_RATE_LIMIT_WINDOW_MS; null when neither is set: the per-second limits below apply.
   */
  readonly rateLimitMax: number | null;
  readonly rateLimitWindowMs: number | null;
  /** Requests per second per live key (and for the operator's admin token). */
  readonly rateLimitLivePerSecond: number;
  /** Requests per second per sandbox key. */
  readonly rateLimitSandboxPerSecond: number;
  /** Requests per second per client address without credentials: public routes (health, docs) and unknown paths. */
  readonly rateLimitAddressPerSecond: number;
  /** Failed authentications per client address per minute; never raised by TESSERA_RATE_LIMIT_MAX. */
  readonly authFailuresPerMinute: number;
  /** Redis that holds the rate-limit counters, so that they hold across processes; null: each process counts alone. */
  readonly redisUrl: string | null;
  /** Prefix of every Redis key Tessera writes (several installations may share one Redis). */
  readonly redisKeyPrefix: string;
  /** The BIN (first 6–8 digits) new card numbers are drawn from, per brand. */
  readonly cardBins: Readonly<{ VISA: string; MASTERCARD: string }>;
  /**
   * Authorization group-commit lanes (TESSERA_AUTHORIZATION_LANES: 1, 2, 4 or 8, dividing the 8 settlement
   * shards); null picks the default (4 on PostgreSQL, 1 on the embedded database).
   */
  readonly authorizationLanes: number | null;
  /** Customers must be at least this old (years) on their date of birth. */
  readonly minCustomerAge: number;
  /** Production runs refuse to generate development keys. */
  readonly production: boolean;
  /** Webhook URLs may be plain HTTP and resolve to loopback/private addresses: local development and tests only. */
  readonly webhooksAllowPrivate: boolean;
  /** The public base URL clients address (e.g. behind a TLS proxy); RFC 9421 `@target-uri` is checked against it. */
  readonly publicUrl: string | null;
  /** The live airtime top-up provider (Reloadly's Airtime API); null: live top-ups are refused. Sandbox top-ups never leave the process. */
  readonly reloadly: ReloadlyConfig | null;
  /** Live SMS (activation codes, merchants' SMS) through Twilio (TESSERA_SMS_PROVIDER=twilio); null: live SMS are refused and live activation codes wait in the queue. */
  readonly twilio: TwilioConfig | null;
  /** Live e-mail (KYC results) through SMTP (TESSERA_EMAIL_PROVIDER=smtp); null: live e-mails wait in the queue. */
  readonly smtp: SmtpConfig | null;
  /** SMS a merchant may send per minute, in each mode. */
  readonly smsPerMinute: number;
}

/** Twilio's Messaging API: the account, its sender, and where to call (a local fake in tests). */
export interface TwilioConfig {
  readonly accountSid: string;
  readonly authToken: string;
  /** The sending number (E.164), or null when a Messaging Service picks it. */
  readonly from: string | null;
  readonly messagingServiceSid: string | null;
  readonly baseUrl: string;
}

/** An SMTP relay as one URL (smtp:// with STARTTLS when offered, smtps:// for TLS), and the sender. */
export interface SmtpConfig {
  readonly url: string;
  readonly from: string;
}

/** Reloadly's Airtime API (OAuth client credentials, then bearer calls), by base URL and keys. */
export interface ReloadlyConfig {
  /** The Airtime API (https://topups.reloadly.com; Reloadly's own sandbox is https://topups-sandbox.reloadly.com). */
  readonly url: string;
  /** Tokens come from POST {authUrl}/oauth/token. */
  readonly authUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The token's audience: Reloadly wants the Airtime API's URL. */
  readonly audience: string;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly variable: string, reason: string) {
    super(`${variable}: ${reason}`);
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function optional(env: Env, name: string): string | null {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? null : raw.trim();
}

function boolean(env: Env, name: string): boolean {
  const raw = optional(env, name);
  if (raw === null) return false;
  if (/^(true|1)$/i.test(raw)) return true;
  if (/^(false|0)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function publicUrl(env: Env): string | null {
  const raw = optional(env, 'TESSERA_PUBLIC_URL');
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('TESSERA_PUBLIC_URL', 'is not a valid URL (expected https://host[:port])');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('TESSERA_PUBLIC_URL', 'must use https:// or http://');
  return url.origin;
}

/** A provider's base URL: https, or plain http to a loopback address (a local fake in tests and development). */
function providerUrl(env: Env, name: string, fallback: string): string {
  const raw = optional(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL (expected https://host[:port][/path])');
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new ConfigError(name, 'must use https:// (http:// only to a loopback address)');
  return url.href.replace(/\/+$/, '');
}

function reloadly(env: Env): ReloadlyConfig | null {
  const clientId = optional(env, 'TESSERA_RELOADLY_CLIENT_ID');
  const clientSecret = optional(env, 'TESSERA_RELOADLY_CLIENT_SECRET');
  if (clientId === null && clientSecret === null) return null;
  // The secret is never repeated in a message.
  if (clientId === null) throw new ConfigError('TESSERA_RELOADLY_CLIENT_ID', 'must be set with TESSERA_RELOADLY_CLIENT_SECRET');
  if (clientSecret === null) throw new ConfigError('TESSERA_RELOADLY_CLIENT_SECRET', 'must be set with TESSERA_RELOADLY_CLIENT_ID');
  const url = providerUrl(env, 'TESSERA_RELOADLY_URL', 'https://topups.reloadly.com');
  return Object.freeze({
    url, authUrl: providerUrl(env, 'TESSERA_RELOADLY_AUTH_URL', 'https://auth.reloadly.com'), clientId, clientSecret,
    audience: optional(env, 'TESSERA_RELOADLY_AUDIENCE') ?? url,
  });
}

/** TESSERA_SMS_PROVIDER: `twilio`, or unset / `none`. Twilio needs TESSERA_PUBLIC_URL: it posts delivery reports there. */
function twilio(env: Env, publicUrlValue: string | null): TwilioConfig | null {
  const provider = optional(env, 'TESSERA_SMS_PROVIDER');
  if (provider === null || provider === 'none') return null;
  if (provider !== 'twilio') throw new ConfigError('TESSERA_SMS_PROVIDER', `must be twilio or none, got "${provider}"`);
  const accountSid = optional(env, 'TESSERA_TWILIO_ACCOUNT_SID');
  if (accountSid === null || !/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    throw new ConfigError('TESSERA_TWILIO_ACCOUNT_SID', 'must be a Twilio Account SID: AC and 32 hexadecimal digits');
  }
  // The token is a secret: never repeated in a message.
  const authToken = optional(env, 'TESSERA_TWILIO_AUTH_TOKEN');
  if (authToken === null) throw new ConfigError('TESSERA_TWILIO_AUTH_TOKEN', 'must be set with TESSERA_SMS_PROVIDER=twilio');
  const from = optional(env, 'TESSERA_TWILIO_FROM');
  const messagingServiceSid = optional(env, 'TESSERA_TWILIO_MESSAGING_SERVICE_SID');
  if ((from === null) === (messagingServiceSid === null)) {
    throw new ConfigError('TESSERA_TWILIO_FROM', 'set either TESSERA_TWILIO_FROM (the sending number) or TESSERA_TWILIO_MESSAGING_SERVICE_SID, not both');
  }
  if (from !== null && !/^\+[1-9][0-9]{6,14}$/.test(from)) throw new ConfigError('TESSERA_TWILIO_FROM', 'must be a number in E.164, such as +14155552671');
  if (messagingServiceSid !== null && !/^MG[0-9a-fA-F]{32}$/.test(messagingServiceSid)) {
    throw new ConfigError('TESSERA_TWILIO_MESSAGING_SERVICE_SID', 'must be a Messaging Service SID: MG and 32 hexadecimal digits');
  }
  if (publicUrlValue === null) throw new ConfigError('TESSERA_PUBLIC_URL', 'must be set with TESSERA_SMS_PROVIDER=twilio: Twilio posts delivery reports to it');
  return Object.freeze({ accountSid, authToken, from, messagingServiceSid, baseUrl: providerUrl(env, 'TESSERA_TWILIO_URL', 'https://api.twilio.com') });
}

/** TESSERA_EMAIL_PROVIDER: `smtp`, or unset / `none`. */
function smtp(env: Env): SmtpConfig | null {
  const provider = optional(env, 'TESSERA_EMAIL_PROVIDER');
  if (provider === null || provider === 'none') return null;
  if (provider !== 'smtp') throw new ConfigError('TESSERA_EMAIL_PROVIDER', `must be smtp or none, got "${provider}"`);
  const raw = optional(env, 'TESSERA_SMTP_URL');
  if (raw === null) throw new ConfigError('TESSERA_SMTP_URL', 'must be set with TESSERA_EMAIL_PROVIDER=smtp');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The value may hold a password: never repeat it.
    throw new ConfigError('TESSERA_SMTP_URL', 'is not a valid URL (expected smtp://user:password@host:587 or smtps://…:465)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError('TESSERA_SMTP_URL', `must use smtp:// or smtps://, got ${url.protocol}//`);
  const from = optional(env, 'TESSERA_SMTP_FROM');
  if (from === null) throw new ConfigError('TESSERA_SMTP_FROM', 'must be set with TESSERA_EMAIL_PROVIDER=smtp (the sender, e.g. "Tessera <no-reply@example.com>")');
  return Object.freeze({ url: raw, from });
}

function databaseUrl(env: Env): string | null {
  const raw = optional(env, 'DATABASE_URL');
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL (expected postgres://user@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `must use postgres:// or postgresql://, got ${url.protocol}//`);
  }
  return raw;
}

function redisUrl(env: Env): string | null {
  const raw = optional(env, 'TESSERA_REDIS_URL');
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The value may hold a password: never repeat it.
    throw new ConfigError('TESSERA_REDIS_URL', 'is not a valid URL (expected redis://[user:password@]host:port[/db])');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError('TESSERA_REDIS_URL', `must use redis:// or rediss://, got ${url.protocol}//`);
  }
  return raw;
}

/**
 * The old per-window limit, kept with its documented meaning (benchmarks and operators raise it): when either variable
 * is set, both apply, the other at its old default (600 requests, 60 s).
 */
function windowLimit(env: Env): { rateLimitMax: number | null; rateLimitWindowMs: number | null } {
  if (optional(env, 'TESSERA_RATE_LIMIT_MAX') === null && optional(env, 'TESSERA_RATE_LIMIT_WINDOW_MS') === null) {
    return { rateLimitMax: null, rateLimitWindowMs: null };
  }
  return {
    rateLimitMax: integer(env, 'TESSERA_RATE_LIMIT_MAX', 600, 1, 1_000_000),
    rateLimitWindowMs: integer(env, 'TESSERA_RATE_LIMIT_WINDOW_MS', 60_000, 1000, 86_400_000),
  };
}

function bin(env: Env, name: string, fallback: string, brand: RegExp): string {
  const value = optional(env, name) ?? fallback;
  if (!/^\d{6,8}$/.test(value)) throw new ConfigError(name, 'must be 6 to 8 digits');
  if (!brand.test(value)) throw new ConfigError(name, 'is not in the range of its card brand');
  return value;
}

function iso8583Mode(env: Env): 'live' | 'sandbox' {
  const raw = optional(env, 'TESSERA_ISO8583_MODE') ?? 'live';
  if (raw !== 'live' && raw !== 'sandbox') throw new ConfigError('TESSERA_ISO8583_MODE', `must be live or sandbox, got "${raw}"`);
  return raw;
}

function authorizationLanes(env: Env): number | null {
  const raw = optional(env, 'TESSERA_AUTHORIZATION_LANES');
  if (raw === null) return null;
  // Lanes must divide the settlement shards (8): then no two lanes ever credit the same shard.
  if (!['1', '2', '4', '8'].includes(raw)) throw new ConfigError('TESSERA_AUTHORIZATION_LANES', `must be 1, 2, 4 or 8, got "${raw}"`);
  return Number(raw);
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const logLevel = (optional(env, 'LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const adminToken = optional(env, 'TESSERA_ADMIN_TOKEN');
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError('TESSERA_ADMIN_TOKEN', 'must be at least 16 characters');
  }
  const masterKey = optional(env, 'TESSERA_MASTER_KEY');
  const masterKeyFile = optional(env, 'TESSERA_MASTER_KEY_FILE');
  if (masterKey !== null && masterKeyFile !== null) {
    throw new ConfigError('TESSERA_MASTER_KEY', 'set either TESSERA_MASTER_KEY or TESSERA_MASTER_KEY_FILE, not both');
  }
  const keysFile = optional(env, 'TESSERA_KEYS_FILE');
  const nodeEnv = optional(env, 'NODE_ENV');
  return Object.freeze({
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: optional(env, 'HOST') ?? '127.0.0.1',
    databaseUrl: databaseUrl(env),
    dataDir: path.resolve(cwd, optional(env, 'TESSERA_DATA_DIR') ?? '.tessera'),
    adminToken,
    masterKey,
    masterKeyFile: masterKeyFile === null ? null : path.resolve(cwd, masterKeyFile),
    keysFile: keysFile === null ? null : path.resolve(cwd, keysFile),
    panFingerprintKey: optional(env, 'TESSERA_PAN_FINGERPRINT_KEY'),
    cvkA: optional(env, 'TESSERA_CVK_A'),
    cvkB: optional(env, 'TESSERA_CVK_B'),
    pvk: optional(env, 'TESSERA_PVK'),
    pvki: optional(env, 'TESSERA_PVKI'),
    decimalizationTable: optional(env, 'TESSERA_DECIMALIZATION_TABLE'),
    zpk: optional(env, 'TESSERA_ISO8583_ZPK'),
    iso8583Port: optional(env, 'TESSERA_ISO8583_PORT') === null ? null : integer(env, 'TESSERA_ISO8583_PORT', 0, 0, 65535),
    iso8583Host: optional(env, 'TESSERA_ISO8583_HOST') ?? '127.0.0.1',
    iso8583Mode: iso8583Mode(env),
    // Why 5 s: below the 7–10 s after which card networks stand in for an issuer that has not answered.
    iso8583TimeoutMs: integer(env, 'TESSERA_ISO8583_TIMEOUT_MS', 5000, 100, 30_000),
    // Why 180 s: links echo (0800, DE 70 301) about once a minute when idle; three missed echoes mean a dead peer.
    iso8583IdleTimeoutMs: integer(env, 'TESSERA_ISO8583_IDLE_TIMEOUT_MS', 180_000, 1000, 3_600_000),
    logLevel,
    ...windowLimit(env),
    // Why these: Stripe's documented limits for a card API, 100 requests a second live and 25 in its sandbox.
    rateLimitLivePerSecond: integer(env, 'TESSERA_RATE_LIMIT_LIVE_PER_SECOND', 100, 1, 1_000_000),
    rateLimitSandboxPerSecond: integer(env, 'TESSERA_RATE_LIMIT_SANDBOX_PER_SECOND', 25, 1, 1_000_000),
    // Why 50: a docs page or a dashboard loads a handful of assets at once, and a load balancer probes a few times a second.
    rateLimitAddressPerSecond: integer(env, 'TESSERA_RATE_LIMIT_ADDRESS_PER_SECOND', 50, 1, 1_000_000),
    // Why 30: a client with a wrong or expired credential learns it from the first answer; more is a script guessing.
    authFailuresPerMinute: integer(env, 'TESSERA_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE', 30, 1, 1_000_000),
    redisUrl: redisUrl(env),
    redisKeyPrefix: optional(env, 'TESSERA_REDIS_KEY_PREFIX') ?? 'tessera:',
    minCustomerAge: integer(env, 'TESSERA_MIN_CUSTOMER_AGE', 18, 0, 125),
    authorizationLanes: authorizationLanes(env),
    cardBins: Object.freeze({ VISA: bin(env, 'TESSERA_BIN_VISA', '424242', /^4/), MASTERCARD: bin(env, 'TESSERA_BIN_MASTERCARD', '555555', /^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/) }),
    production: nodeEnv === 'production',
    webhooksAllowPrivate: boolean(env, 'TESSERA_WEBHOOKS_ALLOW_PRIVATE'),
    publicUrl: publicUrl(env),
    reloadly: reloadly(env),
    twilio: twilio(env, publicUrl(env)),
    smtp: smtp(env),
    // Why 60: about one a second, a provider's default throughput for one sending number.
    smsPerMinute: integer(env, 'TESSERA_SMS_PER_MINUTE', 60, 1, 100_000),
  });
}
