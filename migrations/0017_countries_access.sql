-- Up Migration

-- Where each service is offered (SPEC §9, issue 14 §4). Only the operator's exceptions are stored: a country with no
-- row for a service offers it, so every ISO 3166 country is open for everything until the operator switches one off,
-- and a country added to the dataset later needs no migration.
CREATE TABLE country_availability (
  country    text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  service    text NOT NULL CHECK (service IN ('cards', 'kyc', 'topup', 'sms')),
  enabled    boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (country, service)
);

-- A merchant's request for production access, reviewed by the operator; approval grants live access.
CREATE TABLE live_access_requests (
  id               text PRIMARY KEY,
  merchant_id      text NOT NULL REFERENCES merchants (id),
  business_name    text NOT NULL CHECK (length(business_name) BETWEEN 1 AND 200),
  website          text NOT NULL CHECK (length(website) BETWEEN 1 AND 2048),
  country          text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  use_case         text NOT NULL CHECK (length(use_case) BETWEEN 1 AND 2000),
  status           text NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
  rejection_reason text CHECK (length(rejection_reason) BETWEEN 1 AND 500),
  reviewed_at      timestamptz,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  CHECK ((status = 'REJECTED') = (rejection_reason IS NOT NULL)),
  CHECK ((status = 'PENDING') = (reviewed_at IS NULL))
);
-- One open request per merchant: a second one while the first waits would only be a duplicate to review.
CREATE UNIQUE INDEX live_access_requests_one_pending ON live_access_requests (merchant_id) WHERE status = 'PENDING';
CREATE INDEX live_access_requests_merchant ON live_access_requests (merchant_id, id);
CREATE INDEX live_access_requests_status ON live_access_requests (status, id);

-- Down Migration
DROP TABLE live_access_requests;
DROP TABLE country_availability;
