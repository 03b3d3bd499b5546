import type { KeyProvider } from '../crypto/index.ts';

/** Bodies are sealed under the message's id: they may hold one-time codes. */
const aad = (id: string) => `notification:v1:${id}`;

export async function sealBody(keys: KeyProvider, id: string, body: string): Promise<Buffer> {
  return keys.seal(Buffer.from(body, 'utf8'), aad(id));
}

export async function openBody(keys: KeyProvider, id: string, sealed: Buffer): Promise<string> {
  return (await keys.open(sealed, aad(id))).toString('utf8');
}
