-- Up Migration

-- Money a merchant pays to outside providers (airtime top-ups, SMS): held on the wallet as pending transfers to
-- the merchant's provider settlement account, posted when the provider delivers, voided when it fails.
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_code_check;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_code_check CHECK (code IN (
  'external_funding', 'merchant_wallet', 'card_available', 'card_reserve',
  'network_settlement', 'fee_revenue', 'fx', 'provider_settlement'));

-- Down Migration
-- Unused provider accounts go; one that money moved through keeps the down migration from running (the ledger
-- keeps its history), and the constraint below says so.
DELETE FROM ledger_accounts WHERE code = 'provider_settlement'
  AND debits_pending = 0 AND debits_posted = 0 AND credits_pending = 0 AND credits_posted = 0;
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_code_check;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_code_check CHECK (code IN (
  'external_funding', 'merchant_wallet', 'card_available', 'card_reserve',
  'network_settlement', 'fee_revenue', 'fx'));
