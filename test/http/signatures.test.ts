import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { httpbis, createSigner, createVerifier } from 'http-message-signatures';
import { bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { validCustomer } from '../fixtures/customers.ts';
import { signTesseraRequest } from '../fixtures/sign-request.ts';
import {
  checkContentDigest, contentDigest, jwkThumbprint, parsePublicKey, publicKeyObject, signOutgoing, tesseraSigningKey,
} from '../../src/signatures/index.ts';

// RFC 9421 Appendix B.1.4: test-key-ed25519.
const RFC_PUBLIC = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----`;
const RFC_PRIVATE = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----`;

// RFC 9421 Appendix B.2: the test request, and B.2.6: its ed25519 signature.
const B2_REQUEST = {
  method: 'POST',
  url: 'https://example.com/foo?param=Value&Pet=dog',
  headers: {
    host: 'example.com', date: 'Tue, 20 Apr 2021 02:07:55 GMT', 'content-type': 'application/json',
    'content-digest': 'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
    'content-length': '18',
  } as Record<string, string>,
};
const B26_INPUT = 'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"';
const B26_SIGNATURE = 'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:';

describe('RFC 9530 Content-Digest (its examples)', () => {
  const body = '{"hello": "world"}';
  it('computes the digests of the RFC', () => {
    expect(contentDigest(body, 'sha-256')).toBe('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
    expect(contentDigest(body, 'sha-512')).toBe('sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:');
  });
  it.each([
    ['sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:', 'ok'],
    ['sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:', 'ok'],
    ['sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:', 'mismatch'],
    ['md5=:Sd/dVLAcvNLSq16eXua5uQ==:', 'unsupported'],
    ['sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=', 'malformed'],
    ['sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, md5=:Sd/dVLAcvNLSq16eXua5uQ==:', 'ok'],
  ])('checks %s → %s', (header, expected) => {
    expect(checkContentDigest(header, Buffer.from(body))).toBe(expected);
  });
});

describe('RFC 9421 test vectors', () => {
  it('B.2.6: verifies the ed25519 signature of the test request with test-key-ed25519', async () => {
    const raw = parsePublicKey({ pem: RFC_PUBLIC });
    const verify = createVerifier(publicKeyObject(raw), 'ed25519');
    const result = await httpbis.verifyMessage({
      keyLookup: async (p) => (p.keyid === 'test-key-ed25519' ? { id: 'test-key-ed25519', algs: ['ed25519'], verify } : null),
      notAfter: Number.MAX_SAFE_INTEGER,
    }, { ...B2_REQUEST, headers: { ...B2_REQUEST.headers, 'signature-input': B26_INPUT, signature: B26_SIGNATURE } });
    expect(result).toBe(true);
  });

  it('B.2.6: signing the same components reproduces the signature byte for byte (Ed25519 is deterministic)', async () => {
    const signed = await httpbis.signMessage({
      key: createSigner(crypto.createPrivateKey(RFC_PRIVATE), 'ed25519', 'test-key-ed25519'),
      name: 'sig-b26', fields: ['date', '@method', '@path', '@authority', 'content-type', 'content-length'],
      params: ['created', 'keyid'], paramValues: { created: new Date(1618884473 * 1000) },
    }, B2_REQUEST);
    expect(signed.headers['Signature-Input']).toBe(B26_INPUT);
    expect(signed.headers.Signature).toBe(B26_SIGNATURE);
  });

  it('parses the test key as PEM and as JWK to the same raw key, and refuses private or non-Ed25519 keys', () => {
    const raw = parsePublicKey({ pem: RFC_PUBLIC });
    expect(parsePublicKey({ jwk: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') } }).equals(raw)).toBe(true);
    expect(() => parsePublicKey({ pem: RFC_PRIVATE })).toThrow(/private key/);
    expect(() => parsePublicKey({ jwk: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url'), d: 'x' } })).toThrow(/private key/);
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(() => parsePublicKey({ pem: rsa })).toThrow(/only ed25519/);
    expect(() => parsePublicKey({ pem: 'not a key' })).toThrow(/not a valid public key/);
  });
});

describe("Tessera's own signing key", () => {
  it('is stable per master key, published as JWKS, and signs outgoing requests verifiably', async () => {
    const t = await buildTestApp();
    try {
      const key = tesseraSigningKey(t.keys);
      expect(tesseraSigningKey(t.keys)).toBe(key);
      expect(key.id).toBe(jwkThumbprint(key.jwk));
      const jwks = (await t.app.inject({ url: '/v1/.well-known/signing-keys' })).json();
      expect(jwks).toEqual({ keys: [key.jwk] });
      const body = JSON.stringify({ decision: 'please' });
      const req = { method: 'POST', url: 'https://decide.example.com/authorize', headers: { 'content-type': 'application/json' }, body };
      const headers = await signOutgoing(t.keys, req, new Date());
      expect(headers['content-digest']).toBe(contentDigest(body));
      expect(headers['signature-input']).toMatch(/^sig=\("@method" "@target-uri" "content-digest" "content-type"\);created=\d+;keyid="[^"]+";alg="ed25519";nonce="[^"]+"$/);
      const ok = await httpbis.verifyMessage({
        keyLookup: async () => ({ id: key.id, algs: ['ed25519'], verify: createVerifier(publicKeyObject(Buffer.from(jwks.keys[0].x, 'base64url')), 'ed25519') }),
      }, { method: 'POST', url: req.url, headers });
      expect(ok).toBe(true);
    } finally {
      await t.close();
    }
  });
});

// ---------------------------------------------------------------------------
// Signed requests through the app.

let t: TestApp;
let m: { id: string; key: string };
let other: { id: string; key: string };
let keyId: string;

beforeAll(async () => {
  t = await buildTestApp({ clock: new ManualClock(new Date('2026-11-22T12:00:00Z')) });
  m = await createMerchant(t.app, 'Signer Co');
  other = await createMerchant(t.app, 'Other Co');
  const res = await t.app.inject({ method: 'POST', url: '/v1/signing_keys', headers: bearer(m.key), payload: { algorithm: 'ed25519', public_key_pem: RFC_PUBLIC } });
  expect(res.statusCode, res.body).toBe(201);
  keyId = res.json().id;
});
afterAll(async () => t.close());

const URL_BASE = 'http://localhost';

/**
 * Sign as of the test clock (or `at`), never the wall clock: the server compares
 * `created` with its ManualClock, and on a busy machine a signature taken from
 * the wall clock drifts away from it. The README code takes `created` from
 * Date, so while it signs Date reads that instant.
 */
async function signingAt<T>(at: Date | undefined, sign: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'], now: at ?? t.clock.now() });
  try {
    return await sign();
  } finally {
    vi.useRealTimers();
  }
}

/** A signed POST /v1/customers: the exact code of the README, `created` at the test clock unless told. */
async function signedCustomer(options: { body?: string; privateKeyPem?: string; keyId?: string; merchantKey?: string; created?: Date } = {}) {
  const body = options.body ?? JSON.stringify(validCustomer());
  const headers = await signingAt(options.created, () => signTesseraRequest({
    method: 'POST', url: `${URL_BASE}/v1/customers`, body,
    headers: { authorization: `Bearer ${options.merchantKey ?? m.key}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
  }, { keyId: options.keyId ?? keyId, privateKeyPem: options.privateKeyPem ?? RFC_PRIVATE }));
  return { headers, body };
}

const send = (r: { headers: Record<string, string>; body: string }, url = '/v1/customers') =>
  t.app.inject({ method: 'POST', url, headers: r.headers, payload: r.body });

const count = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers')).rows[0]!.n;

async function refused(res: { statusCode: number; json(): { error: { code: string; param: string; message: string } } }, reason: string) {
  expect(res.statusCode).toBe(401);
  const e = res.json().error;
  expect(e.code).toBe('invalid_signature');
  expect(e.param).toBe(reason);
  expect(e.message).toContain(`(${reason})`);
}

describe('signed requests: happy path', () => {
  it('registers the key and accepts a request signed with the README code', async () => {
    const key = (await t.app.inject({ url: `/v1/signing_keys/${keyId}`, headers: bearer(m.key) })).json();
    expect(key).toMatchObject({ id: keyId, object: 'signing_key', algorithm: 'ed25519', public_key_jwk: { kty: 'OKP', crv: 'Ed25519' } });
    expect(keyId).toMatch(/^key_/);
    const res = await send(await signedCustomer());
    expect(res.statusCode, res.body).toBe(201);
  });

  it('does not ask for a signature on reads', async () => {
    expect((await t.app.inject({ url: '/v1/customers', headers: bearer(m.key) })).statusCode).toBe(200);
  });

  it('accepts a sha-512 digest and signs a body-less DELETE', async () => {
    const extra = crypto.generateKeyPairSync('ed25519');
    const pem = extra.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const body = JSON.stringify({ algorithm: 'ed25519', public_key_pem: pem });
    const reg = await signedRequest('POST', '/v1/signing_keys', body);
    expect(reg.statusCode, reg.body).toBe(201);
    const del = await signedRequest('DELETE', `/v1/signing_keys/${reg.json().id}`);
    expect(del.statusCode, del.body).toBe(200);
    expect(del.json()).toMatchObject({ deleted: true });
  });

  it("the README signs with the SDK's signRequest, as these tests do", () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const fixture = fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/sign-request.ts'), 'utf8');
    const sdkImport = "import { signRequest } from '@tessera/sdk';";
    expect(fixture).toContain(sdkImport);
    expect(readme).toContain(`${sdkImport}\n\nconst body = JSON.stringify({ first_name: 'Ada', /* … */ });`);
    expect(readme).toContain("const headers = await signRequest({\n  method: 'POST', url, body,");
  });
});

/** Sign any request with the test key: a body gets a sha-512 digest, a body-less one goes through the README code. */
async function signedRequest(method: string, url: string, body?: string) {
  const base = { authorization: `Bearer ${m.key}`, 'idempotency-key': crypto.randomUUID() };
  const headers = body
    ? (await httpbis.signMessage({
      key: createSigner(crypto.createPrivateKey(RFC_PRIVATE), 'ed25519', keyId),
      fields: ['@method', '@target-uri', 'content-digest', 'idempotency-key', 'content-type'],
      params: ['created', 'keyid', 'alg', 'nonce'], paramValues: { created: t.clock.now(), nonce: crypto.randomUUID() },
    }, {
      method, url: `${URL_BASE}${url}`,
      headers: { ...base, 'content-type': 'application/json', 'content-digest': contentDigest(body, 'sha-512') },
    })).headers as Record<string, string>
    : await signingAt(undefined, () => signTesseraRequest({ method, url: `${URL_BASE}${url}`, headers: base }, { keyId, privateKeyPem: RFC_PRIVATE }));
  return t.app.inject({ method: method as 'POST', url, headers, ...(body ? { payload: body } : {}) });
}

describe('signed requests: every refusal names its reason and changes nothing', () => {
  it('missing: no signature at all', async () => {
    const before = await count();
    await refused(await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bearer(m.key), payload: validCustomer() }), 'missing');
    expect(await count()).toBe(before);
  });

  it('missing: a signature that does not cover idempotency-key, or no nonce', async () => {
    const body = JSON.stringify(validCustomer());
    const base = { authorization: `Bearer ${m.key}`, 'content-type': 'application/json', 'idempotency-key': 'k1', 'content-digest': contentDigest(body) };
    for (const [fields, params] of [
      [['@method', '@target-uri', 'content-digest', 'content-type'], ['created', 'keyid', 'nonce']],
      [['@method', '@target-uri', 'content-digest', 'content-type', 'idempotency-key'], ['created', 'keyid']],
    ] as const) {
      const signed = await httpbis.signMessage({
        key: createSigner(crypto.createPrivateKey(RFC_PRIVATE), 'ed25519', keyId), fields: [...fields], params: [...params],
        paramValues: { created: t.clock.now(), nonce: crypto.randomUUID() },
      }, { method: 'POST', url: `${URL_BASE}/v1/customers`, headers: base });
      await refused(await send({ headers: signed.headers as Record<string, string>, body }), 'missing');
    }
  });

  it('stale: older than 300 s, or more than 30 s in the future', async () => {
    const before = await count();
    const r = await signedCustomer();
    t.clock.advance(301_000);
    await refused(await send(r), 'stale');
    const now = t.clock.now().getTime();
    await refused(await send(await signedCustomer({ created: new Date(now - 301_000) })), 'stale');
    await refused(await send(await signedCustomer({ created: new Date(now + 31_000) })), 'stale');
    expect(await count()).toBe(before);
    // The window's edges are inside it.
    expect((await send(await signedCustomer({ created: new Date(now - 300_000) }))).statusCode).toBe(201);
    expect((await send(await signedCustomer({ created: new Date(now + 30_000) }))).statusCode).toBe(201);
  });

  it('replayed: the same signed request twice', async () => {
    const r = await signedCustomer();
    expect((await send(r)).statusCode).toBe(201);
    const before = await count();
    await refused(await send(r), 'replayed');
    expect(await count()).toBe(before);
  });

  it('unknown_key: a keyid that is not registered, or belongs to another merchant', async () => {
    await refused(await send(await signedCustomer({ keyId: 'key_01h2xcejqtf2nbrexx3vqjhp41' })), 'unknown_key');
    const otherKey = crypto.generateKeyPairSync('ed25519');
    const reg = await t.app.inject({
      method: 'POST', url: '/v1/signing_keys', headers: bearer(other.key),
      payload: { algorithm: 'ed25519', jwk: otherKey.publicKey.export({ format: 'jwk' }) },
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const foreign = await signedCustomer({ keyId: reg.json().id, privateKeyPem: otherKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string });
    await refused(await send(foreign), 'unknown_key');
  });

  it('digest_mismatch: a body that is not the one digested, or a digest in an insecure algorithm', async () => {
    const before = await count();
    const r = await signedCustomer();
    await refused(await send({ headers: r.headers, body: JSON.stringify(validCustomer({ first_name: 'Eve' })) }), 'digest_mismatch');
    const body = JSON.stringify(validCustomer());
    const md5 = await httpbis.signMessage({
      key: createSigner(crypto.createPrivateKey(RFC_PRIVATE), 'ed25519', keyId),
      fields: ['@method', '@target-uri', 'content-digest', 'idempotency-key', 'content-type'], params: ['created', 'keyid', 'nonce'],
      paramValues: { created: t.clock.now(), nonce: crypto.randomUUID() },
    }, {
      method: 'POST', url: `${URL_BASE}/v1/customers`,
      headers: { authorization: `Bearer ${m.key}`, 'content-type': 'application/json', 'idempotency-key': 'k2', 'content-digest': `md5=:${crypto.createHash('md5').update(body).digest('base64')}:` },
    });
    await refused(await send({ headers: md5.headers as Record<string, string>, body }), 'digest_mismatch');
    expect(await count()).toBe(before);
  });

  it('bad_signature: a signature by another private key, a tampered signature, or a changed covered header', async () => {
    const before = await count();
    const wrong = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await refused(await send(await signedCustomer({ privateKeyPem: wrong })), 'bad_signature');
    const r = await signedCustomer();
    const sig = r.headers.signature!;
    const tampered = sig.replace(/:([A-Za-z0-9+/])/, (_m, c: string) => `:${c === 'A' ? 'B' : 'A'}`);
    await refused(await send({ headers: { ...r.headers, signature: tampered }, body: r.body }), 'bad_signature');
    const r2 = await signedCustomer();
    await refused(await send({ headers: { ...r2.headers, 'idempotency-key': 'another' }, body: r2.body }), 'bad_signature');
    const r3 = await signedCustomer();
    await refused(await send(r3, '/v1/customers?x=1'), 'bad_signature');
    expect(await count()).toBe(before);
  });

  it('bad_signature: headers that are not structured fields', async () => {
    const r = await signedCustomer();
    await refused(await send({ headers: { ...r.headers, 'signature-input': 'sig=(((' }, body: r.body }), 'bad_signature');
  });

  it('algorithm_mismatch: a signature that claims another algorithm', async () => {
    const body = JSON.stringify(validCustomer());
    const signed = await httpbis.signMessage({
      key: { id: keyId, alg: 'rsa-pss-sha512', sign: async (data: Buffer) => crypto.sign(null, data, crypto.createPrivateKey(RFC_PRIVATE)) },
      fields: ['@method', '@target-uri', 'content-digest', 'idempotency-key', 'content-type'], params: ['created', 'keyid', 'alg', 'nonce'],
      paramValues: { created: t.clock.now(), nonce: crypto.randomUUID() },
    }, {
      method: 'POST', url: `${URL_BASE}/v1/customers`,
      headers: { authorization: `Bearer ${m.key}`, 'content-type': 'application/json', 'idempotency-key': 'k3', 'content-digest': contentDigest(body) },
    });
    await refused(await send({ headers: signed.headers as Record<string, string>, body }), 'algorithm_mismatch');
  });

  it('a refused signature does not burn the nonce: the genuine request still goes through', async () => {
    const r = await signedCustomer();
    await refused(await send({ headers: r.headers, body: JSON.stringify(validCustomer()) }), 'digest_mismatch');
    expect((await send(r)).statusCode).toBe(201);
  });
});

describe('signing keys and settings', () => {
  it('requires signatures only once a key exists, and refuses to lock the merchant out', async () => {
    const fresh = await createMerchant(t.app, 'Fresh Co');
    const settings = await t.app.inject({ url: '/v1/signature_settings', headers: bearer(fresh.key) });
    expect(settings.json()).toEqual({ object: 'signature_settings', require_signatures: false, active_keys: 0, enforced: false });
    const on = await t.app.inject({ method: 'PATCH', url: '/v1/signature_settings', headers: bearer(fresh.key), payload: { require_signatures: true } });
    expect(on.statusCode).toBe(409);
    const k = crypto.generateKeyPairSync('ed25519');
    const reg = await t.app.inject({ method: 'POST', url: '/v1/signing_keys', headers: bearer(fresh.key), payload: { algorithm: 'ed25519', jwk: k.publicKey.export({ format: 'jwk' }) } });
    expect(reg.statusCode).toBe(201);
    const id = reg.json().id as string;
    const pem = k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const signedFor = async (method: string, url: string, payload?: object) => {
      const body = payload ? JSON.stringify(payload) : undefined;
      const headers = await signingAt(undefined, () => signTesseraRequest({
        method, url: `${URL_BASE}${url}`, body,
        headers: { authorization: `Bearer ${fresh.key}`, 'idempotency-key': crypto.randomUUID(), ...(body ? { 'content-type': 'application/json' } : {}) },
      }, { keyId: id, privateKeyPem: pem }));
      return t.app.inject({ method: method as 'POST', url, headers, ...(body ? { payload: body } : {}) });
    };
    expect((await t.app.inject({ method: 'PATCH', url: '/v1/signature_settings', headers: bearer(fresh.key), payload: { require_signatures: true } })).statusCode).toBe(401);
    const req = await signedFor('PATCH', '/v1/signature_settings', { require_signatures: true });
    expect(req.json()).toEqual({ object: 'signature_settings', require_signatures: true, active_keys: 1, enforced: true });
    expect((await signedFor('DELETE', `/v1/signing_keys/${id}`)).statusCode).toBe(409);
    expect((await signedFor('PATCH', '/v1/signature_settings', { require_signatures: false })).statusCode).toBe(200);
    expect((await signedFor('DELETE', `/v1/signing_keys/${id}`)).statusCode).toBe(200);
    // No key and not required: unsigned requests work again.
    expect((await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bearer(fresh.key), payload: validCustomer() })).statusCode).toBe(201);
  });

  it.each([
    ['a private key', { algorithm: 'ed25519', public_key_pem: RFC_PRIVATE }],
    ['both forms', { algorithm: 'ed25519', public_key_pem: RFC_PUBLIC, jwk: { kty: 'OKP', crv: 'Ed25519', x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs' } }],
    ['neither form', { algorithm: 'ed25519' }],
    ['another algorithm', { algorithm: 'rsa-pss-sha512', public_key_pem: RFC_PUBLIC }],
    ['garbage', { algorithm: 'ed25519', public_key_pem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }],
  ])('refuses %s with a 400', async (_name, payload) => {
    const fresh = await createMerchant(t.app, 'Keys Co');
    const res = await t.app.inject({ method: 'POST', url: '/v1/signing_keys', headers: bearer(fresh.key), payload });
    expect(res.statusCode, res.body).toBe(400);
  });

  it("answers 404 for another merchant's key and lists only one's own", async () => {
    expect((await t.app.inject({ url: `/v1/signing_keys/${keyId}`, headers: bearer(other.key) })).statusCode).toBe(404);
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/signing_keys/${keyId}`, headers: bearer(other.key) });
    expect([401, 404]).toContain(del.statusCode);
    const list = (await t.app.inject({ url: '/v1/signing_keys', headers: bearer(other.key) })).json();
    expect(list.data.map((k: { id: string }) => k.id)).not.toContain(keyId);
    expect((await t.app.inject({ url: `/v1/signing_keys/${keyId}`, headers: bearer(m.key) })).statusCode).toBe(200);
  });
});
