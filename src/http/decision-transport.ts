import type { AuthorizationServiceOptions, DecisionHttp } from '../authorizations/index.ts';
import { checkWebhookUrl, httpTransport } from '../webhooks/index.ts';
import { signOutgoing } from '../signatures/index.ts';
import type { AppDeps } from './deps.ts';

/**
 * Real-time decision requests leave like webhooks do: through the webhook
 * transport (no redirects, connections only to public addresses unless
 * TESSERA_WEBHOOKS_ALLOW_PRIVATE), with the URL re-checked at each send, and
 * signed with Tessera's Ed25519 key (RFC 9421) besides the Standard Webhooks headers.
 */
export function decisionTransport(deps: AppDeps): AuthorizationServiceOptions {
  const allowPrivate = deps.config.webhooksAllowPrivate;
  const http: DecisionHttp = async (req) => {
    const res = await httpTransport({ url: new URL(req.url), headers: req.headers, body: req.body, timeoutMs: req.timeoutMs, publicOnly: !allowPrivate });
    return {
      status: res.status,
      header: (name) => {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(' ') : v;
      },
      text: res.snippet,
    };
  };
  return {
    http,
    checkUrl: async (url) => (await checkWebhookUrl(url, { allowPrivate })).ok,
    sign: (req) => signOutgoing(deps.keys, req, deps.clock.now()),
  };
}
