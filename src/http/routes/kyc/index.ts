import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { approveKycRoute } from './approve.ts';
import { rejectKycRoute } from './reject.ts';
import { kycDocumentRoute } from './document.ts';
import { kycQueueRoute } from './queue.ts';
import { adminRetrieveKycRoute } from './admin-retrieve.ts';
import { retrieveKycRoute } from './retrieve.ts';
import { simulateKycRoute } from './simulate.ts';
import { submitKycRoute } from './submit.ts';

/** KYC: the merchant submits and reads, the sandbox simulates a decision, the operator reviews and decides. */
export function kycRoutes(app: FastifyInstance): void {
  const api = typed(app);
  submitKycRoute(api);
  retrieveKycRoute(api);
  simulateKycRoute(api);
  kycQueueRoute(api);
  adminRetrieveKycRoute(api);
  kycDocumentRoute(api);
  approveKycRoute(api);
  rejectKycRoute(api);
}
