import crypto from 'node:crypto';
import { assert } from '../lib/assert.ts';

/**
 * One-block DES/3DES in ECB mode, the primitive under the Visa CVV and IBM 3624
 * methods. OpenSSL 3 keeps single DES in its legacy provider only, so a single
 * key runs as 3DES EDE with K1 = K2 = K3, which is the same permutation.
 */
export function desEncryptBlock(key: Buffer, block: Buffer): Buffer {
  assert(block.length === 8, 'DES works on one 8-byte block');
  const cipher = crypto.createCipheriv('des-ede3-ecb', expand(key), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

/** The inverse of desEncryptBlock: decrypt one 8-byte block (a PIN block under a zone PIN key). */
export function desDecryptBlock(key: Buffer, block: Buffer): Buffer {
  assert(block.length === 8, 'DES works on one 8-byte block');
  const decipher = crypto.createDecipheriv('des-ede3-ecb', expand(key), null);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(block), decipher.final()]);
}

/** 8-byte key → K|K|K (single DES); 16-byte double-length key → K1|K2|K1; 24 bytes as given. */
function expand(key: Buffer): Buffer {
  if (key.length === 8) return Buffer.concat([key, key, key]);
  if (key.length === 16) return Buffer.concat([key, key.subarray(0, 8)]);
  assert(key.length === 24, 'a DES key is 8, 16 or 24 bytes');
  return key;
}

/**
 * Set each byte's low bit so it has odd parity. DES ignores these bits, but
 * HSMs refuse to import keys without odd parity, so generated keys carry it.
 */
export function withOddParity(key: Buffer): Buffer {
  const out = Buffer.from(key);
  for (let i = 0; i < out.length; i++) {
    const b = out[i]! & 0xfe;
    let ones = 0;
    for (let v = b; v; v >>= 1) ones += v & 1;
    out[i] = ones % 2 === 0 ? b | 1 : b;
  }
  return out;
}

/**
 * Map each hex digit of `hex` through a 16-digit decimalization table
 * (table[i] is the decimal digit for hex digit i), as the IBM 3624 method does.
 */
export function decimalize(hex: string, table: string): string {
  assert(/^\d{16}$/.test(table), 'a decimalization table is 16 decimal digits');
  let out = '';
  for (const h of hex) out += table[parseInt(h, 16)];
  return out;
}
