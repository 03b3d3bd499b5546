/**
 * Card-data cryptography: the key provider (software now, an HSM or cloud
 * payment-cryptography service later), the PAN vault, PAN helpers, the Visa
 * CVV method, IBM 3624 PIN offsets and card tokens. docs/keys.md describes
 * the keys and how to load them.
 */
export {
  KeyConfigError, SoftwareKeyProvider, loadKeys, masterKeyIdOf, parseKeyMaterial,
  type CardKeys, type KeyProvider, type KeyPurpose, type KeySource, type LoadedKeys, type PinOffset, type SoftwareKeyOptions,
} from './keys.ts';
export type { PinBlockVerification } from './provider.ts';
export { pinBlockFormat0, pinFromFormat0 } from './pin-block.ts';
export {
  LocalKeyWrapper, SEALED_VERSION, SEAL_MAX_BYTES, VaultError, openEnvelope, panAad, sealEnvelope, sealedKeyId,
  type DataKeyWrapper,
} from './vault.ts';
export { DEFAULT_BINS, PAN_LENGTH, bin, binMatchesBrand, generatePan, isValidPan, last4, maskPan, panFingerprint, type CardBrand } from './pan.ts';
export { SERVICE_CODE, expiryYYMM, visaCvv } from './cvv.ts';
export {
  DEFAULT_DECIMALIZATION_TABLE, PIN_LENGTH, PIN_PAD, checkPin, ibm3624NaturalPin, ibm3624Offset, ibm3624Verify, isTrivialPin,
  pinValidationData, type PinCheck,
} from './pin.ts';
export { isCardToken, newCardToken } from './token.ts';
