import crypto from 'node:crypto';
import { assert } from '../lib/assert.ts';

/**
 * Envelope encryption. Each record gets a fresh AES-256-GCM data key; only the
 * data key is wrapped by the master key (or by an HSM/KMS), and the wrapping
 * key's id travels in the record so master keys can rotate.
 *
 * Sealed format v1, one Buffer (a bytea column):
 *   u8 version = 1 | u8 n | key id (n ASCII bytes) | u16be w | wrapped data key (w bytes)
 *   | iv (12) | tag (16) | ciphertext
 * The header (everything before the iv) and the caller's associated data are
 * both authenticated, so neither the key id nor the purpose can be swapped.
 */
export const SEALED_VERSION = 1;
/** KYC document images are the largest thing sealed; the API refuses bigger uploads first. */
export const SEAL_MAX_BYTES = 5 * 1024 * 1024;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

export class VaultError extends Error {
  override name = 'VaultError';
}

/** Wraps data keys. The software provider does it with AES-256-GCM; an adapter may call a KMS or HSM. */
export interface DataKeyWrapper {
  /** The key that wraps new data keys. */
  readonly wrapKeyId: string;
  wrap(dataKey: Buffer, context: Buffer): Buffer | Promise<Buffer>;
  /**
   * Returns a fresh Buffer (the vault zeroes it after use). Throws VaultError
   * when keyId is unknown or the wrapped key fails authentication.
   */
  unwrap(keyId: string, wrapped: Buffer, context: Buffer): Buffer | Promise<Buffer>;
}

/** Associated data for a PAN column; the record id, when given, pins the ciphertext to its row. */
export function panAad(recordId?: string): string {
  return recordId === undefined ? 'pan:v1' : `pan:v1:${recordId}`;
}

export async function sealEnvelope(wrapper: DataKeyWrapper, plaintext: Buffer, aad: string): Promise<Buffer> {
  assert(plaintext.length <= SEAL_MAX_BYTES, `a sealed value is at most ${SEAL_MAX_BYTES} bytes`);
  const context = Buffer.from(aad, 'utf8');
  const dataKey = crypto.randomBytes(DATA_KEY_BYTES);
  try {
    const header = encodeHeader(wrapper.wrapKeyId, await wrapper.wrap(dataKey, context));
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(Buffer.concat([header, context]));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, iv, cipher.getAuthTag(), ciphertext]);
  } finally {
    dataKey.fill(0);
  }
}

export async function openEnvelope(wrapper: DataKeyWrapper, sealed: Buffer, aad: string): Promise<Buffer> {
  const { keyId, wrapped, headerLength } = decodeHeader(sealed);
  const context = Buffer.from(aad, 'utf8');
  const dataKey = await wrapper.unwrap(keyId, wrapped, context);
  try {
    const iv = sealed.subarray(headerLength, headerLength + IV_BYTES);
    const tag = sealed.subarray(headerLength + IV_BYTES, headerLength + IV_BYTES + TAG_BYTES);
    const decipher = crypto.createDecipheriv('aes-256-gcm', dataKey, iv);
    decipher.setAAD(Buffer.concat([sealed.subarray(0, headerLength), context]));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(headerLength + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new VaultError('sealed value failed authentication (tampered, or opened with the wrong associated data)');
  } finally {
    dataKey.fill(0);
  }
}

/** The id of the key that wrapped this record, to find records left to re-seal after a rotation. */
export function sealedKeyId(sealed: Buffer): string {
  return decodeHeader(sealed).keyId;
}

function encodeHeader(keyId: string, wrapped: Buffer): Buffer {
  assert(/^[\x21-\x7e]{1,255}$/.test(keyId), 'a key id is 1 to 255 printable ASCII characters');
  assert(wrapped.length > 0 && wrapped.length <= 0xffff, 'a wrapped data key fits in 65535 bytes');
  const id = Buffer.from(keyId, 'ascii');
  const out = Buffer.alloc(2 + id.length + 2 + wrapped.length);
  out[0] = SEALED_VERSION;
  out[1] = id.length;
  id.copy(out, 2);
  out.writeUInt16BE(wrapped.length, 2 + id.length);
  wrapped.copy(out, 4 + id.length);
  return out;
}

function decodeHeader(sealed: Buffer): { keyId: string; wrapped: Buffer; headerLength: number } {
  if (sealed.length < 4 || sealed[0] !== SEALED_VERSION) throw new VaultError('not a sealed value of a known version');
  const n = sealed[1]!;
  if (sealed.length < 4 + n) throw new VaultError('sealed value is truncated');
  const w = sealed.readUInt16BE(2 + n);
  const headerLength = 4 + n + w;
  if (sealed.length < headerLength + IV_BYTES + TAG_BYTES) throw new VaultError('sealed value is truncated');
  return { keyId: sealed.toString('ascii', 2, 2 + n), wrapped: sealed.subarray(4 + n, headerLength), headerLength };
}

/**
 * Data-key wrapping under local AES-256 key-encryption keys (one per master
 * key id): iv (12) | wrapped key | tag (16), AES-256-GCM with the record's
 * associated data, so a wrapped key only opens for the record it was made for.
 */
export class LocalKeyWrapper implements DataKeyWrapper {
  readonly wrapKeyId: string;
  readonly #keks: ReadonlyMap<string, Buffer>;

  constructor(current: string, keks: ReadonlyMap<string, Buffer>) {
    assert(keks.has(current), 'the current key-encryption key is loaded');
    this.wrapKeyId = current;
    this.#keks = keks;
  }

  wrap(dataKey: Buffer, context: Buffer): Buffer {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#keks.get(this.wrapKeyId)!, iv);
    cipher.setAAD(context);
    return Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
  }

  unwrap(keyId: string, wrapped: Buffer, context: Buffer): Buffer {
    const kek = this.#keks.get(keyId);
    // The id is a hash-derived label, not a secret: naming it tells the operator which key to load.
    if (!kek) throw new VaultError(`master key ${keyId} is not loaded (add it to retired_master_keys)`);
    if (wrapped.length !== IV_BYTES + DATA_KEY_BYTES + TAG_BYTES) throw new VaultError('wrapped data key has the wrong length');
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, IV_BYTES));
      decipher.setAAD(context);
      decipher.setAuthTag(wrapped.subarray(IV_BYTES + DATA_KEY_BYTES));
      return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES, IV_BYTES + DATA_KEY_BYTES)), decipher.final()]);
    } catch {
      throw new VaultError('wrapped data key failed authentication (tampered, or opened with the wrong associated data)');
    }
  }
}
