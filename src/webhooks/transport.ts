import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { checkedLookup, isAllowedAddress, type Resolver } from './url.ts';

/** Why 1 KiB: enough to see the receiver's error message; the rest is not ours to store. */
export const RESPONSE_SNIPPET_BYTES = 1024;

export interface SendRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /**
   * Connect only to public addresses (the connection's own lookup is checked, not just the earlier DNS
   * answer). False (TESSERA_WEBHOOKS_ALLOW_PRIVATE) opens loopback and private ranges, never link-local.
   */
  publicOnly: boolean;
  resolve?: Resolver;
}

export interface SendResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The first RESPONSE_SNIPPET_BYTES of the response body. */
  snippet: string;
}

/** No response: `timeout`, `blocked` (the address is not public) or `network` (refused, reset, TLS…). */
export class SendError extends Error {
  override name = 'SendError';
  constructor(readonly kind: 'timeout' | 'blocked' | 'network', message: string) {
    super(message);
  }
}

/** How a delivery goes out; tests may replace it. */
export type Transport = (req: SendRequest) => Promise<SendResult>;

/**
 * POST with node:http(s): redirects are not followed (a 3xx is a failure and
 * could point inside), the whole exchange is bounded by timeoutMs, and only
 * the first KiB of the answer is read.
 */
export const httpTransport: Transport = (req) => new Promise<SendResult>((resolve, reject) => {
  const policy = { allowPrivate: !req.publicOnly };
  // An IP literal never reaches the lookup (node:net connects to it directly): check it here.
  const literal = req.url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(literal) !== 0 && !isAllowedAddress(literal, policy)) {
    reject(new SendError('blocked', 'blocked: the URL points to an address webhooks may not reach'));
    return;
  }
  const client = req.url.protocol === 'https:' ? https : http;
  let settled = false;
  const done = (fn: () => void) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    fn();
  };
  const outgoing = client.request(req.url, {
    method: 'POST',
    headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
    lookup: checkedLookup(policy, req.resolve) as never,
  }, (res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => done(() => {
      res.destroy();
      resolve({
        status: res.statusCode ?? 0, headers: res.headers,
        snippet: Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString('utf8'),
      });
    });
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_SNIPPET_BYTES) finish();
    });
    res.on('end', finish);
    res.on('error', finish);
  });
  const timer = setTimeout(() => {
    done(() => reject(new SendError('timeout', `no response within ${req.timeoutMs} ms`)));
    outgoing.destroy();
  }, req.timeoutMs);
  outgoing.on('error', (err: NodeJS.ErrnoException) => done(() => reject(err.code === 'EBLOCKED'
    ? new SendError('blocked', err.message)
    : new SendError('network', `${err.code ?? 'error'}: ${err.message}`.slice(0, 300)))));
  outgoing.end(req.body);
});
