-- Up Migration

-- A KazePay gateway (seed 003): one per merchant and mode. sys_id is the `head.sysId` of every envelope.
CREATE TABLE kazepay_gateways (
  sys_id                     text PRIMARY KEY CHECK (sys_id ~ '^[0-9]{24}$'),
  merchant_id                text NOT NULL REFERENCES merchants (id),
  mode                       text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  -- The merchant's RSA public key (SPKI PEM): verifies request signatures, encrypts responses.
  merchant_public_key_pem    text NOT NULL CHECK (length(merchant_public_key_pem) BETWEEN 1 AND 16384),
  -- Tessera's RSA key pair for this gateway: the private half sealed by the key provider.
  gateway_public_key_pem     text NOT NULL,
  gateway_private_key_sealed bytea NOT NULL,
  -- The API key that registered the merchant key: the gateway acts with its scopes, and stops if it is revoked.
  api_key_id                 text NOT NULL REFERENCES api_keys (id),
  created_at                 timestamptz NOT NULL,
  updated_at                 timestamptz NOT NULL,
  UNIQUE (merchant_id, mode)
);

-- Every requestNo a gateway has accepted, forever: a requestNo never acts twice, so a captured
-- envelope cannot be replayed later. The response (the signed, encrypted envelope that was sent,
-- readable only by the merchant) is kept for replays, and cleared after the retention period.
CREATE TABLE kazepay_requests (
  sys_id      text NOT NULL REFERENCES kazepay_gateways (sys_id),
  request_no  text NOT NULL CHECK (length(request_no) BETWEEN 1 AND 64),
  api_code    text NOT NULL,
  -- SHA-256 of the canonical JSON of apiCode, version and the decrypted payload.
  fingerprint bytea NOT NULL,
  response    jsonb,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (sys_id, request_no)
);
CREATE INDEX kazepay_requests_retention ON kazepay_requests (sys_id, created_at) WHERE response IS NOT NULL;

-- Down Migration
DROP TABLE kazepay_requests;
DROP TABLE kazepay_gateways;
