import type { FastifyInstance } from 'fastify';
import { typed } from '../../http/route.ts';
import { facadeErrors } from '../shared.ts';
import { listCardsRoute } from './routes/list-cards.ts';
import { updateCardsRoute } from './routes/update-cards.ts';

export { KWIK_STATUS } from './present.ts';
export { KWIK_LIST_MAX } from './routes/list-cards.ts';
export { KWIK_UPDATE_MAX } from './routes/update-cards.ts';

/**
 * The Kwik card-vault API (seed 001) at /kwik: `GET /cards` and the batch `POST /cards/update`, with
 * `{status, records|results}` envelopes and `{"status": false, "message": …}` failures. A batch is all-or-nothing:
 * one failing record leaves every card unchanged and the answer names its `index`.
 */
export async function kwik(app: FastifyInstance): Promise<void> {
  facadeErrors(app, (err, status) => {
    const index = err.details?.kwikIndex;
    return { status, body: { status: false, message: err.message, ...(typeof index === 'number' ? { index } : {}) } };
  });
  const api = typed(app);
  listCardsRoute(api);
  updateCardsRoute(api);
}
