import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { withOddParity } from './des.ts';
import { DEFAULT_DECIMALIZATION_TABLE } from './pin.ts';
import { KeyConfigError, type KeyProvider } from './provider.ts';
import { SoftwareKeyProvider, type CardKeys } from './software.ts';

export { KeyConfigError, type KeyProvider, type KeyPurpose, type PinOffset } from './provider.ts';
export { SoftwareKeyProvider, masterKeyIdOf, type CardKeys, type SoftwareKeyOptions } from './software.ts';

/** Where keys come from: the parsed environment (Config is one), each field named after its variable. */
export interface KeySource {
  masterKey: string | null;
  masterKeyFile: string | null;
  dataDir: string;
  /** Production refuses to generate a development key. */
  production: boolean;
  /** TESSERA_KEYS_FILE: the JSON keys file of docs/keys.md. Each variable below overrides its field. */
  keysFile?: string | null;
  panFingerprintKey?: string | null;
  cvkA?: string | null;
  cvkB?: string | null;
  pvk?: string | null;
  pvki?: string | null;
  decimalizationTable?: string | null;
  /** TESSERA_ISO8583_ZPK: the zone PIN key of the ISO 8583 link, 32 hex characters. */
  zpk?: string | null;
}

export interface LoadedKeys {
  provider: KeyProvider;
  /** Set when a development key was generated or reused from the data directory. */
  warning: string | null;
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

/** Parse a DES key as hex; spaces are allowed because ceremony printouts group digits in fours. */
function parseHexKey(text: string, name: string, bytes: number): Buffer {
  const t = text.replace(/\s+/g, '');
  if (!new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(t)) throw new KeyConfigError(`${name}: must be ${bytes * 2} hex characters`);
  return Buffer.from(t, 'hex');
}

type CardField = 'panFingerprintKey' | 'cvkA' | 'cvkB' | 'pvk' | 'pvki' | 'decimalizationTable' | 'zpk';

/** Each card key: its keys-file field, its variable, its parser, and whether production must be given it. */
const CARD_FIELDS: ReadonlyArray<{ key: CardField; file: string; env: string; required: boolean; parse: (t: string, name: string) => Buffer | string }> = [
  { key: 'panFingerprintKey', file: 'pan_fingerprint_key', env: 'TESSERA_PAN_FINGERPRINT_KEY', required: true, parse: parseKeyMaterial },
  { key: 'cvkA', file: 'cvk_a', env: 'TESSERA_CVK_A', required: true, parse: (t, n) => parseHexKey(t, n, 8) },
  { key: 'cvkB', file: 'cvk_b', env: 'TESSERA_CVK_B', required: true, parse: (t, n) => parseHexKey(t, n, 8) },
  { key: 'pvk', file: 'pvk', env: 'TESSERA_PVK', required: true, parse: (t, n) => parseHexKey(t, n, 16) },
  { key: 'pvki', file: 'pvki', env: 'TESSERA_PVKI', required: false, parse: (t, n) => digits(t, n, 1) },
  { key: 'decimalizationTable', file: 'decimalization_table', env: 'TESSERA_DECIMALIZATION_TABLE', required: false, parse: (t, n) => digits(t, n, 16) },
  // Not required and never generated: it is agreed with the acquirer, and without it the link refuses PIN blocks (96).
  { key: 'zpk', file: 'zpk', env: 'TESSERA_ISO8583_ZPK', required: false, parse: (t, n) => parseHexKey(t, n, 16) },
];
const FILE_FIELDS = new Set(['version', 'master_key', 'retired_master_keys', ...CARD_FIELDS.map((f) => f.file)]);

function digits(text: string, name: string, n: number): string {
  const t = text.trim();
  if (!new RegExp(`^\\d{${n}}$`).test(t)) throw new KeyConfigError(`${name}: must be ${n} decimal digit${n > 1 ? 's' : ''}`);
  return t;
}

type KeysFile = Record<string, string> & { retired?: string[] };

/** Read a keys file. Never quote its content in an error: it is key material. */
function readKeysFile(file: string, label: string): KeysFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // JSON.parse's message quotes the text around the error, so it is not passed on.
    throw new KeyConfigError(`${label}: cannot read ${file} as JSON`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new KeyConfigError(`${label}: ${file} must hold a JSON object`);
  const out: KeysFile = {};
  for (const [field, value] of Object.entries(raw)) {
    if (!FILE_FIELDS.has(field)) throw new KeyConfigError(`${label}: unknown field "${field}" in ${file}`);
    if (field === 'version') {
      if (value !== 1) throw new KeyConfigError(`${label}: "version" must be 1`);
    } else if (field === 'retired_master_keys') {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new KeyConfigError(`${label}: "retired_master_keys" must be an array of strings`);
      out.retired = value;
    } else if (typeof value !== 'string') {
      throw new KeyConfigError(`${label}: "${field}" must be a string`);
    } else {
      out[field] = value;
    }
  }
  return out;
}

/**
 * Load the master key and the card keys: each from its variable, else the
 * keys file, else (outside production only) from/into the data directory.
 */
export function loadKeys(source: KeySource): LoadedKeys {
  const keysFile = source.keysFile ?? null;
  const file = keysFile === null ? {} : readKeysFile(keysFile, 'TESSERA_KEYS_FILE');
  const generated: string[] = [];
  const master = loadMaster(source, file, generated);
  const card: Partial<CardKeys> = {};
  const missing: typeof CARD_FIELDS[number][] = [];
  for (const f of CARD_FIELDS) {
    const env = source[f.key] ?? null;
    const text = env ?? file[f.file] ?? null;
    if (text !== null) Object.assign(card, { [f.key]: f.parse(text, env !== null ? f.env : `TESSERA_KEYS_FILE "${f.file}"`) });
    else if (f.required) missing.push(f);
  }
  if (missing.length > 0 && source.production) {
    throw new KeyConfigError(`${missing.map((f) => f.env).join(', ')}: required when NODE_ENV=production (or ${missing.map((f) => f.file).join(', ')} in TESSERA_KEYS_FILE)`);
  }
  if (missing.length > 0) {
    const devFile = path.join(source.dataDir, 'keys', 'card-keys.json');
    writeOnce(devFile, () => JSON.stringify(newCardKeysFile(), null, 2) + '\n');
    const dev = readKeysFile(devFile, devFile);
    for (const f of missing) Object.assign(card, { [f.key]: f.parse(dev[f.file] ?? '', `${devFile} "${f.file}"`) });
    generated.push(devFile);
  }
  const retired = (file.retired ?? []).map((t, i) => parseKeyMaterial(t, `TESSERA_KEYS_FILE "retired_master_keys"[${i}]`));
  return {
    provider: new SoftwareKeyProvider(master, { ...card, retiredMasterKeys: retired }),
    warning: generated.length === 0 ? null
      : `using development keys from ${generated.join(' and ')}; configure TESSERA_MASTER_KEY and the card keys (docs/keys.md) in production`,
  };
}

function loadMaster(source: KeySource, file: KeysFile, generated: string[]): Buffer {
  if (source.masterKey !== null) return parseKeyMaterial(source.masterKey, 'TESSERA_MASTER_KEY');
  if (source.masterKeyFile !== null) {
    let text: string;
    try {
      text = fs.readFileSync(source.masterKeyFile, 'utf8');
    } catch {
      throw new KeyConfigError(`TESSERA_MASTER_KEY_FILE: cannot read ${source.masterKeyFile}`);
    }
    return parseKeyMaterial(text, 'TESSERA_MASTER_KEY_FILE');
  }
  if (file.master_key !== undefined) return parseKeyMaterial(file.master_key, 'TESSERA_KEYS_FILE "master_key"');
  if (source.production) {
    throw new KeyConfigError('TESSERA_MASTER_KEY: required when NODE_ENV=production (set it, TESSERA_MASTER_KEY_FILE, or master_key in TESSERA_KEYS_FILE)');
  }
  const devFile = path.join(source.dataDir, 'keys', 'master.key');
  writeOnce(devFile, () => crypto.randomBytes(MASTER_KEY_BYTES).toString('base64') + '\n');
  generated.push(devFile);
  return parseKeyMaterial(fs.readFileSync(devFile, 'utf8'), devFile);
}

/** Create a key file readable by its owner only; a second process racing us keeps the first file. */
function writeOnce(file: string, content: () => string): void {
  if (fs.existsSync(file)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, content(), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Fresh random card keys in the keys-file format, for development only. */
function newCardKeysFile(): Record<string, string | number> {
  const pvk = withOddParity(crypto.randomBytes(16));
  const cvk = withOddParity(crypto.randomBytes(16));
  return {
    version: 1,
    pan_fingerprint_key: crypto.randomBytes(32).toString('hex'),
    cvk_a: cvk.subarray(0, 8).toString('hex').toUpperCase(),
    cvk_b: cvk.subarray(8).toString('hex').toUpperCase(),
    pvk: pvk.toString('hex').toUpperCase(),
    pvki: '1',
    decimalization_table: DEFAULT_DECIMALIZATION_TABLE,
  };
}
