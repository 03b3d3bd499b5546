-- Up Migration

-- The current KYC submission of a customer (a resubmission after rejection replaces it).
CREATE TABLE kyc_submissions (
  customer_id                 text PRIMARY KEY REFERENCES customers (id),
  identification_type         text NOT NULL CHECK (identification_type IN ('PASSPORT', 'ID_CARD')),
  -- Sealed (envelope-encrypted) like a PAN; only the last characters are kept in clear for display.
  identification_number       bytea NOT NULL,
  identification_number_last4 text NOT NULL,
  identification_expiry_date  date NOT NULL,
  status                      text NOT NULL CHECK (status IN ('WAITING_KYC', 'PASSED', 'REJECTED')),
  reason                      text,
  submitted_at                timestamptz NOT NULL,
  decided_at                  timestamptz,
  decided_by                  text
);

-- Document images, sealed under the vault; the bytes never leave except to the operator's review.
CREATE TABLE kyc_documents (
  customer_id   text NOT NULL REFERENCES kyc_submissions (customer_id) ON DELETE CASCADE,
  side          text NOT NULL CHECK (side IN ('front', 'back', 'handheld')),
  content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
  size_bytes    integer NOT NULL,
  sealed        bytea NOT NULL,
  PRIMARY KEY (customer_id, side)
);

-- Down Migration
DROP TABLE kyc_documents;
DROP TABLE kyc_submissions;
