import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { createSigningKeyRoute } from './create.ts';
import { listSigningKeysRoute } from './list.ts';
import { retrieveSigningKeyRoute } from './retrieve.ts';
import { deleteSigningKeyRoute } from './delete.ts';
import { retrieveSignatureSettingsRoute } from './retrieve-settings.ts';
import { updateSignatureSettingsRoute } from './update-settings.ts';
import { tesseraSigningKeysRoute } from './tessera-keys.ts';

/** RFC 9421 request signing: the merchant's keys and setting, and Tessera's own public keys. */
export function signingKeyRoutes(app: FastifyInstance): void {
  const api = typed(app);
  createSigningKeyRoute(api);
  listSigningKeysRoute(api);
  retrieveSigningKeyRoute(api);
  deleteSigningKeyRoute(api);
  retrieveSignatureSettingsRoute(api);
  updateSignatureSettingsRoute(api);
  tesseraSigningKeysRoute(api);
}
