/**
 * Named keys behind one interface of operations, so that an HSM or a cloud
 * payment-cryptography service can replace the software implementation: no
 * method hands out CVV, PIN or fingerprint key bytes. Operations are async
 * because such a replacement is a network call.
 */
export interface KeyProvider {
  /** Stable identifier of the current master key, stored beside everything it protects. */
  readonly masterKeyId: string;
  /** A 32-byte subkey for one purpose, derived from the master key with HKDF-SHA256. */
  derive(purpose: KeyPurpose): Buffer;

  /** Envelope-encrypt up to SEAL_MAX_BYTES; `aad` names the purpose (and row) the value belongs to. */
  seal(plaintext: Buffer, aad: string): Promise<Buffer>;
  /** Throws VaultError when the value was tampered with, sealed for another aad, or under an unloaded key. */
  open(sealed: Buffer, aad: string): Promise<Buffer>;
  /** seal() with the PAN's associated data (`pan:v1[:recordId]`). */
  encryptPan(pan: string, recordId?: string): Promise<Buffer>;
  decryptPan(sealed: Buffer, recordId?: string): Promise<string>;
  /** HMAC-SHA256 of the PAN under the fingerprint key, hex: the unique, searchable stand-in for the PAN. */
  fingerprint(pan: string): Promise<string>;

  /** Visa CVV method under the CVK pair; serviceCode selects CVV1 (card's code), CVV2 ('000') or iCVV ('999'). */
  cvv(pan: string, expiryYYMM: string, serviceCode: string): Promise<string>;
  verifyCvv(pan: string, expiryYYMM: string, serviceCode: string, presented: string): Promise<boolean>;

  /** IBM 3624 offset of a 6-digit, non-trivial PIN (checkPin() first) under the PVK. */
  pinOffset(pan: string, pin: string): Promise<PinOffset>;
  /** False for a wrong PIN. Throws KeyConfigError when the offset was made under a PVK that is not loaded. */
  verifyPin(pan: string, pin: string, stored: PinOffset): Promise<boolean>;
  /**
   * ISO 8583 DE 52: an ISO 9564 format 0 PIN block encrypted under the zone PIN key shared with the acquirer
   * (TESSERA_ISO8583_ZPK). Decrypts it and checks its PIN against the IBM 3624 offset, as an HSM's "verify
   * interchange PIN" command does, so the clear PIN never leaves the provider. `format_error` when the block
   * does not decode (usually another key or PAN, not a mistyped PIN). Throws KeyConfigError when no zone PIN
   * key is loaded, or the offset was made under a PVK that is not.
   */
  verifyPinBlock(pan: string, pinBlock: Buffer, stored: PinOffset): Promise<PinBlockVerification>;
}

export type PinBlockVerification = 'ok' | 'wrong' | 'format_error';

/** `tessera-signing-ed25519-v1`: the seed of Tessera's own Ed25519 key (RFC 9421 signatures on webhooks and decision calls). */
export type KeyPurpose = 'jwt-signing-v1' | 'api-key-pepper-v1' | 'activation-code-v1' | 'tessera-signing-ed25519-v1';

/** What is stored for a PIN: the offset and the index of the PVK that made it, so the PVK can rotate. */
export interface PinOffset {
  offset: string;
  pvki: string;
}

export class KeyConfigError extends Error {
  override name = 'KeyConfigError';
}
