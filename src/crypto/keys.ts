import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Named keys behind one interface, so that an HSM or a cloud payment
 * cryptography service can replace the software implementation. This software
 * provider keeps keys in process memory: fine for development and for data
 * keys under envelope encryption, but it is not PCI PIN compliant.
 */
export interface KeyProvider {
  /** Stable identifier of the master key, stored beside everything it protects. */
  readonly masterKeyId: string;
  /** A 32-byte subkey for one purpose, derived from the master key with HKDF-SHA256. */
  derive(purpose: KeyPurpose): Buffer;
}

export type KeyPurpose = 'jwt-signing-v1' | 'api-key-pepper-v1';

export class KeyConfigError extends Error {
  override name = 'KeyConfigError';
}

export interface KeySource {
  masterKey: string | null;
  masterKeyFile: string | null;
  dataDir: string;
  /** Production refuses to generate a development key. */
  production: boolean;
}

const MASTER_KEY_BYTES = 32;

/** Parse 32 bytes given as 64 hex characters or as base64/base64url. */
export function parseKeyMaterial(text: string, name: string): Buffer {
  const t = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (buf.length !== MASTER_KEY_BYTES) {
    throw new KeyConfigError(`${name}: must be ${MASTER_KEY_BYTES} bytes as 64 hex characters or base64, got ${buf.length} bytes`);
  }
  return buf;
}

export class SoftwareKeyProvider implements KeyProvider {
  readonly masterKeyId: string;
  readonly #master: Buffer;
  readonly #derived = new Map<KeyPurpose, Buffer>();

  constructor(master: Buffer) {
    this.#master = Buffer.from(master);
    // The id reveals nothing about the key: a hash of a derived value, truncated.
    this.masterKeyId = 'mk_' + crypto.createHash('sha256').update(this.derive('api-key-pepper-v1')).digest('hex').slice(0, 16);
  }

  derive(purpose: KeyPurpose): Buffer {
    let key = this.#derived.get(purpose);
    if (!key) {
      key = Buffer.from(crypto.hkdfSync('sha256', this.#master, Buffer.alloc(0), `tessera:${purpose}`, 32));
      this.#derived.set(purpose, key);
    }
    return key;
  }
}

export interface LoadedKeys {
  provider: KeyProvider;
  /** Set when a development key was generated or reused from the data directory. */
  warning: string | null;
}

/** Load the master key from configuration, or (outside production) from/into the data directory. */
export function loadKeys(source: KeySource): LoadedKeys {
  if (source.masterKey !== null) {
    return { provider: new SoftwareKeyProvider(parseKeyMaterial(source.masterKey, 'TESSERA_MASTER_KEY')), warning: null };
  }
  if (source.masterKeyFile !== null) {
    let text: string;
    try {
      text = fs.readFileSync(source.masterKeyFile, 'utf8');
    } catch {
      throw new KeyConfigError(`TESSERA_MASTER_KEY_FILE: cannot read ${source.masterKeyFile}`);
    }
    return { provider: new SoftwareKeyProvider(parseKeyMaterial(text, 'TESSERA_MASTER_KEY_FILE')), warning: null };
  }
  if (source.production) {
    throw new KeyConfigError('TESSERA_MASTER_KEY: required when NODE_ENV=production (set it or TESSERA_MASTER_KEY_FILE)');
  }
  const file = path.join(source.dataDir, 'keys', 'master.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, crypto.randomBytes(MASTER_KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return {
    provider: new SoftwareKeyProvider(parseKeyMaterial(fs.readFileSync(file, 'utf8'), file)),
    warning: `using a development master key from ${file}; set TESSERA_MASTER_KEY or TESSERA_MASTER_KEY_FILE in production`,
  };
}
