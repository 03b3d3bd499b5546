-- Up Migration

-- The network link (ISO 8583, issue 15, docs/iso8583.md): the ids a message carries, kept on the
-- authorization it created and on every transaction a link message caused, so an acquirer's query
-- ("STAN 000123 from acquirer 12345 at 0612093015, RRN 415012000123") finds Tessera's row, and a
-- completion or reversal finds its original from DE 90 (original STAN, DE 7 and acquirer id).
-- All null for authorizations and transactions that did not come over the link.
--   network_stan            DE 11, 6 digits
--   network_transmitted     DE 7, MMDDhhmmss (UTC) as sent: the year is not in the message
--   network_acquirer_id     DE 32, 1 to 11 digits as sent (DE 90 carries it zero-filled to 11)
--   network_rrn             DE 37, 12 characters
--   network_terminal_id     DE 41, 8 characters
--   network_pos_entry_mode  DE 22, 3 digits
ALTER TABLE authorizations
  ADD COLUMN network_stan           text CHECK (network_stan ~ '^[0-9]{6}$'),
  ADD COLUMN network_transmitted    text CHECK (network_transmitted ~ '^[0-9]{10}$'),
  ADD COLUMN network_acquirer_id    text CHECK (network_acquirer_id ~ '^[0-9]{1,11}$'),
  ADD COLUMN network_rrn            text CHECK (length(network_rrn) = 12),
  ADD COLUMN network_terminal_id    text CHECK (length(network_terminal_id) = 8),
  ADD COLUMN network_pos_entry_mode text CHECK (network_pos_entry_mode ~ '^[0-9]{3}$');

ALTER TABLE transactions
  ADD COLUMN network_stan           text CHECK (network_stan ~ '^[0-9]{6}$'),
  ADD COLUMN network_transmitted    text CHECK (network_transmitted ~ '^[0-9]{10}$'),
  ADD COLUMN network_acquirer_id    text CHECK (network_acquirer_id ~ '^[0-9]{1,11}$'),
  ADD COLUMN network_rrn            text CHECK (length(network_rrn) = 12),
  ADD COLUMN network_terminal_id    text CHECK (length(network_terminal_id) = 8),
  ADD COLUMN network_pos_entry_mode text CHECK (network_pos_entry_mode ~ '^[0-9]{3}$');

-- DE 90 lookups: a card's link authorizations by STAN (the acquirer id and DE 7 are checked on the few rows
-- that share it). Partial, so authorizations from the API and the facades never pay for this index.
CREATE INDEX authorizations_network_original ON authorizations (card_id, network_stan) WHERE network_stan IS NOT NULL;
-- The same for the link's postings that have no authorization: stand-in advices (0120, recorded as force
-- posts) and refunds, so a reversal that names one can find it.
CREATE INDEX transactions_network_original ON transactions (card_id, network_stan) WHERE network_stan IS NOT NULL;

-- Down Migration
DROP INDEX transactions_network_original;
DROP INDEX authorizations_network_original;
ALTER TABLE transactions
  DROP COLUMN network_stan, DROP COLUMN network_transmitted, DROP COLUMN network_acquirer_id,
  DROP COLUMN network_rrn, DROP COLUMN network_terminal_id, DROP COLUMN network_pos_entry_mode;
ALTER TABLE authorizations
  DROP COLUMN network_stan, DROP COLUMN network_transmitted, DROP COLUMN network_acquirer_id,
  DROP COLUMN network_rrn, DROP COLUMN network_terminal_id, DROP COLUMN network_pos_entry_mode;
