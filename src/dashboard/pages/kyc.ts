import { messageOf } from '../api.ts';
import { html } from '../html.ts';
import { csrfField } from '../layout.ts';
import { dl, errorBox, field, link, mono, pager, pick, select, status, table } from '../kit.ts';
import { formatTime } from '../format.ts';
import { one, outcome, type ActionResult, type Router } from '../index.ts';

/** The operator's KYC review: the queue, one submission with its document images side by side, approve and reject. */

const enc = encodeURIComponent;
const KYC_STATUSES = ['WAITING_KYC', 'PASSED', 'REJECTED'] as const;
const DOCUMENT_SIDES = ['front', 'back', 'handheld'] as const;
/** Each image's alt text and caption: which side of the document it is. */
export const SIDE_NAMES: Record<string, string> = {
  front: 'Front of the document', back: 'Back of the document', handheld: 'Customer holding the document',
};

export function kycPages(router: Router): void {
  router.page('operator', '/dashboard/kyc', async ({ api, query }) => {
    const st = pick(KYC_STATUSES, query.status) ?? 'WAITING_KYC';
    const list = await api.GET('/admin/v1/kyc', {
      params: { query: { limit: 25, status: st, starting_after: query.starting_after } },
    });
    return {
      title: 'KYC review', current: 'KYC review',
      body: html`
      <form method="get" class="filters">${select('Status', 'status', KYC_STATUSES, st)}<button type="submit">Show</button></form>
      ${table('KYC submissions', list, [
    { label: 'Customer', cell: (k) => link(`/dashboard/kyc/${enc(k.customer_id)}`, k.name) },
    { label: 'Customer id', cell: (k) => mono(k.customer_id) }, { label: 'Merchant', cell: (k) => mono(k.merchant_id) },
    { label: 'Mode', cell: (k) => k.mode },
    { label: 'Document', cell: (k) => `${k.identification_type} ···${k.identification_number_last4}` },
    { label: 'Status', cell: (k) => status(k.status) }, { label: 'Submitted', cell: (k) => formatTime(k.submitted_at) },
  ], st === 'WAITING_KYC' ? 'The queue is empty: no submission is waiting for review.' : 'No submissions in this status.')}
      ${pager('/dashboard/kyc', { ...query, status: st }, list, (r: { customer_id: string }) => r.customer_id)}`,
    };
  });

  router.page('operator', '/dashboard/kyc/:customerId', async ({ api, params, session }) => {
    const res = await api.GET('/admin/v1/kyc/{customerId}', { params: { path: { customerId: params.customerId! } } });
    if (res.error) return { title: 'KYC submission', current: 'KYC review', status: res.response.status, body: errorBox(res) };
    const k = res.data;
    const base = `/dashboard/kyc/${enc(k.customer_id)}`;
    return {
      title: `KYC: ${k.name}`, current: 'KYC review',
      body: html`
      ${dl([['Customer', mono(k.customer_id)], ['Email', k.email], ['Merchant', mono(k.merchant_id)], ['Mode', k.mode],
    ['Status', status(k.status)], ['Document', k.identification_type], ['Number (last 4)', k.identification_number_last4],
    ['Expires', k.identification_expiry_date], ['Submitted', formatTime(k.submitted_at)], ['Reason', k.reason]])}
      <h2>Documents</h2>
      <div class="documents">
        ${k.documents.map((side) => html`<figure><img src="${base}/documents/${enc(side)}" alt="${SIDE_NAMES[side] ?? side}"
          data-kyc-side="${side}"><figcaption>${SIDE_NAMES[side] ?? side}</figcaption></figure>`)}
      </div>
      ${k.status === 'WAITING_KYC' ? html`
      <div class="decision">
        <form method="post" action="${base}/approve" data-pending="Approving…">${csrfField(session)}
          <button type="submit" class="btn-good">Approve</button></form>
        <form method="post" action="${base}/reject" class="inline-form" data-pending="Rejecting…">${csrfField(session)}
          ${field('Reason for rejection', 'reason', {
    required: true, id: 'reject-reason', hint: 'The merchant sees this reason.',
  })}
          <button type="submit" class="btn-danger">Reject</button>
        </form>
      </div>` : ''}
      <p>${link('/dashboard/kyc', 'Back to the queue')}</p>`,
    };
  });

  router.raw('operator', 'GET', '/dashboard/kyc/:customerId/documents/:side', async ({ api, params, reply }) => {
    const side = pick(DOCUMENT_SIDES, params.side);
    if (!side) {
      await reply.code(404).type('text/plain; charset=utf-8').send('No such document side.');
      return;
    }
    const res = await api.GET('/admin/v1/kyc/{customerId}/documents/{side}', {
      params: { path: { customerId: params.customerId!, side } }, parseAs: 'arrayBuffer',
    });
    if (res.error) {
      await reply.code(res.response.status).type('text/plain; charset=utf-8').send(messageOf(res));
      return;
    }
    const type = res.response.headers.get('content-type') ?? 'application/octet-stream';
    await reply.header('cache-control', 'no-store').type(/^image\/(png|jpeg)$/.test(type) ? type : 'application/octet-stream')
      .send(Buffer.from(res.data));
  });

  type Decision = { data?: { status: string }; error?: unknown; response: Response };
  const decided = (customerId: string, res: Decision, verb: string): ActionResult => res.data
    ? { redirect: '/dashboard/kyc', flash: { kind: 'success', message: `KYC ${verb}: the customer is now ${res.data.status}.` } }
      : outcome(res, '', `/dashboard/kyc/${enc(customerId)}`);
  router.action('operator', '/dashboard/kyc/:customerId/approve', async ({ api, params }) => {
    const customerId = params.customerId!;
    const res = await api.POST('/admin/v1/kyc/{customerId}/approve', { params: { path: { customerId } } });
    return decided(customerId, res, 'approved');
  });
  router.action('operator', '/dashboard/kyc/:customerId/reject', async ({ api, params, form }) => {
    const customerId = params.customerId!;
    const res = await api.POST('/admin/v1/kyc/{customerId}/reject', {
      params: { path: { customerId } }, body: { reason: one(form, 'reason') },
    });
    return decided(customerId, res, 'rejected');
  });
}
