import crypto from 'node:crypto';
import type { KeyProvider } from '../crypto/keys.ts';

/** Why 32 bytes: Standard Webhooks allows 24 to 64; 32 matches the HMAC-SHA256 block of security. */
const SECRET_BYTES = 32;
/** After a rotation the old secret keeps signing this long, so receivers can switch without dropping events. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;

export const generateSecret = () => `whsec_${crypto.randomBytes(SECRET_BYTES).toString('base64')}`;

const aad = (endpointId: string) => `webhook-secret:v1:${endpointId}`;

export const sealSecret = (keys: KeyProvider, endpointId: string, secret: string) => keys.seal(Buffer.from(secret, 'utf8'), aad(endpointId));
export const openSecret = async (keys: KeyProvider, endpointId: string, sealed: Buffer) => (await keys.open(sealed, aad(endpointId))).toString('utf8');
