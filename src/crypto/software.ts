import crypto from 'node:crypto';
import { assert } from '../lib/assert.ts';
import { visaCvv } from './cvv.ts';
import { desDecryptBlock, withOddParity } from './des.ts';
import { panFingerprint } from './pan.ts';
import { checkPin, DEFAULT_DECIMALIZATION_TABLE, ibm3624Offset, ibm3624Verify, pinValidationData } from './pin.ts';
import { pinFromFormat0 } from './pin-block.ts';
import { KeyConfigError, type KeyProvider, type KeyPurpose, type PinBlockVerification, type PinOffset } from './provider.ts';
import { LocalKeyWrapper, openEnvelope, panAad, sealEnvelope } from './vault.ts';

/** The card keys an issuer loads from its key ceremony (docs/keys.md). */
export interface CardKeys {
  /** 32 bytes: HMAC key of PAN fingerprints. */
  panFingerprintKey: Buffer;
  /** 8 bytes each: the CVK pair of the Visa CVV method. */
  cvkA: Buffer;
  cvkB: Buffer;
  /** 16 bytes: double-length 3DES PIN verification key. */
  pvk: Buffer;
  /** One digit naming the PVK, stored beside each offset. */
  pvki: string;
  /** 16 decimal digits. */
  decimalizationTable: string;
  /** 16 bytes: double-length 3DES zone PIN key of the ISO 8583 link (DE 52); null when the link takes no PINs. */
  zpk: Buffer | null;
}

export interface SoftwareKeyOptions extends Partial<CardKeys> {
  /** Earlier master keys, kept only to open what they sealed. */
  retiredMasterKeys?: readonly Buffer[];
}

const MASTER_KEY_BYTES = 32;

/**
 * Keys in process memory. Fine for development and for data keys under
 * envelope encryption, but software CVV and PIN keys are NOT PCI PIN
 * compliant: a production issuer puts them in an HSM behind KeyProvider.
 * A card key that is not given is derived from the master key with HKDF, so
 * tests need nothing but `new SoftwareKeyProvider(randomBytes(32))`.
 */
export class SoftwareKeyProvider implements KeyProvider {
  readonly masterKeyId: string;
  readonly pvki: string;
  readonly #master: Buffer;
  readonly #derived = new Map<KeyPurpose, Buffer>();
  readonly #card: CardKeys;
  readonly #wrapper: LocalKeyWrapper;

  constructor(master: Buffer, options: SoftwareKeyOptions = {}) {
    if (master.length !== MASTER_KEY_BYTES) throw new KeyConfigError(`master key: must be ${MASTER_KEY_BYTES} bytes`);
    this.#master = Buffer.from(master);
    this.masterKeyId = masterKeyIdOf(this.#master);
    const cvk = withOddParity(hkdf(this.#master, 'tessera:card-key:cvk-v1', 16));
    this.#card = {
      panFingerprintKey: Buffer.from(options.panFingerprintKey ?? hkdf(this.#master, 'tessera:card-key:pan-fingerprint-v1', 32)),
      cvkA: Buffer.from(options.cvkA ?? cvk.subarray(0, 8)),
      cvkB: Buffer.from(options.cvkB ?? cvk.subarray(8)),
      pvk: Buffer.from(options.pvk ?? withOddParity(hkdf(this.#master, 'tessera:card-key:pvk-v1', 16))),
      pvki: options.pvki ?? '1',
      decimalizationTable: options.decimalizationTable ?? DEFAULT_DECIMALIZATION_TABLE,
      // Never derived: a zone PIN key is shared with the acquirer, so one nobody else knows is of no use.
      zpk: options.zpk ? Buffer.from(options.zpk) : null,
    };
    checkCardKeys(this.#card);
    this.pvki = this.#card.pvki;
    const keks = new Map<string, Buffer>();
    for (const key of [this.#master, ...(options.retiredMasterKeys ?? [])]) {
      if (key.length !== MASTER_KEY_BYTES) throw new KeyConfigError(`retired master key: must be ${MASTER_KEY_BYTES} bytes`);
      keks.set(masterKeyIdOf(key), hkdf(key, 'tessera:vault-kek-v1', 32));
    }
    this.#wrapper = new LocalKeyWrapper(this.masterKeyId, keks);
  }

  derive(purpose: KeyPurpose): Buffer {
    let key = this.#derived.get(purpose);
    if (!key) {
      key = hkdf(this.#master, `tessera:${purpose}`, 32);
      this.#derived.set(purpose, key);
    }
    return key;
  }

  async seal(plaintext: Buffer, aad: string): Promise<Buffer> {
    return sealEnvelope(this.#wrapper, plaintext, aad);
  }

  async open(sealed: Buffer, aad: string): Promise<Buffer> {
    return openEnvelope(this.#wrapper, sealed, aad);
  }

  async encryptPan(pan: string, recordId?: string): Promise<Buffer> {
    assert(/^\d{12,19}$/.test(pan), 'pan must be 12 to 19 digits');
    return this.seal(Buffer.from(pan, 'ascii'), panAad(recordId));
  }

  async decryptPan(sealed: Buffer, recordId?: string): Promise<string> {
    return (await this.open(sealed, panAad(recordId))).toString('ascii');
  }

  async fingerprint(pan: string): Promise<string> {
    return panFingerprint(this.#card.panFingerprintKey, pan);
  }

  async cvv(pan: string, expiryYYMM: string, serviceCode: string): Promise<string> {
    assertYYMM(expiryYYMM);
    return visaCvv(this.#card.cvkA, this.#card.cvkB, pan, expiryYYMM, serviceCode);
  }

  async verifyCvv(pan: string, expiryYYMM: string, serviceCode: string, presented: string): Promise<boolean> {
    assertYYMM(expiryYYMM);
    if (!/^\d{3}$/.test(presented)) return false;
    const expected = visaCvv(this.#card.cvkA, this.#card.cvkB, pan, expiryYYMM, serviceCode);
    return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(presented));
  }

  async pinOffset(pan: string, pin: string): Promise<PinOffset> {
    assert(checkPin(pin) === 'ok', 'checkPin() refuses this PIN: check it before computing an offset');
    const offset = ibm3624Offset(this.#card.pvk, this.#card.decimalizationTable, pinValidationData(pan), pin);
    return { offset, pvki: this.#card.pvki };
  }

  async verifyPin(pan: string, pin: string, stored: PinOffset): Promise<boolean> {
    // A PVK mismatch is the operator's configuration, not the cardholder's mistake:
    // counting it as a wrong try would block every PIN after a botched rotation.
    if (stored.pvki !== this.#card.pvki) throw new KeyConfigError(`PVKI ${stored.pvki}: that PIN verification key is not loaded`);
    if (!/^\d{6}$/.test(pin)) return false;
    return ibm3624Verify(this.#card.pvk, this.#card.decimalizationTable, pinValidationData(pan), pin, stored.offset);
  }

  async verifyPinBlock(pan: string, pinBlock: Buffer, stored: PinOffset): Promise<PinBlockVerification> {
    if (this.#card.zpk === null) throw new KeyConfigError('TESSERA_ISO8583_ZPK: no zone PIN key is loaded, so PIN blocks cannot be read');
    if (stored.pvki !== this.#card.pvki) throw new KeyConfigError(`PVKI ${stored.pvki}: that PIN verification key is not loaded`);
    if (pinBlock.length !== 8) return 'format_error';
    const pin = pinFromFormat0(desDecryptBlock(this.#card.zpk, pinBlock), pan);
    if (pin === null) return 'format_error';
    return (await this.verifyPin(pan, pin, stored)) ? 'ok' : 'wrong';
  }
}

/** The id reveals nothing about the key: a hash of a derived value, truncated. */
export function masterKeyIdOf(master: Buffer): string {
  const pepper = hkdf(master, 'tessera:api-key-pepper-v1', 32);
  return 'mk_' + crypto.createHash('sha256').update(pepper).digest('hex').slice(0, 16);
}

/** Catches an MMYY expiry passed by mistake whenever its month part is impossible. */
function assertYYMM(expiry: string): void {
  assert(/^\d{2}(0[1-9]|1[0-2])$/.test(expiry), 'expiry must be YYMM');
}

function hkdf(key: Buffer, info: string, bytes: number): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), info, bytes));
}

function checkCardKeys(k: CardKeys): void {
  if (k.panFingerprintKey.length !== 32) throw new KeyConfigError('PAN fingerprint key: must be 32 bytes');
  if (k.cvkA.length !== 8 || k.cvkB.length !== 8) throw new KeyConfigError('CVK A and CVK B: must be 8 bytes each');
  // Equal halves collapse 3DES to single DES, breakable by exhaustive search.
  if (k.cvkA.equals(k.cvkB)) throw new KeyConfigError('CVK A and CVK B: must differ');
  if (k.pvk.length !== 16) throw new KeyConfigError('PVK: must be 16 bytes (double-length 3DES)');
  if (k.pvk.subarray(0, 8).equals(k.pvk.subarray(8))) throw new KeyConfigError('PVK: its two halves must differ');
  if (!/^\d$/.test(k.pvki)) throw new KeyConfigError('PVKI: must be one digit 0-9');
  if (!/^\d{16}$/.test(k.decimalizationTable)) throw new KeyConfigError('decimalization table: must be 16 decimal digits');
  if (k.zpk !== null && k.zpk.length !== 16) throw new KeyConfigError('ZPK: must be 16 bytes (double-length 3DES)');
  if (k.zpk !== null && k.zpk.subarray(0, 8).equals(k.zpk.subarray(8))) throw new KeyConfigError('ZPK: its two halves must differ');
}
