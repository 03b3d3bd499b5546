-- Up Migration

-- Pre-printed stock belongs to one merchant and one mode (issue 10, item 4).
-- Before this, any sandbox key could claim the operator's cards by number, and
-- 201 against 404 told anyone which numbers were in stock.
ALTER TABLE card_stock
  ADD COLUMN merchant_id text REFERENCES merchants (id),
  ADD COLUMN mode        text CHECK (mode IN ('sandbox', 'live'));

-- Assigned rows take the owner of the card they became.
UPDATE card_stock s SET merchant_id = c.merchant_id, mode = c.mode
  FROM cards c WHERE c.id = s.assigned_card_id;

-- Unassigned rows imported before now cannot be attributed to anyone: they keep
-- a NULL owner, which no assignment matches, so nobody can assign them until the
-- operator imports the number again for its merchant and mode (an import claims
-- such a row instead of refusing the number as known). New imports always set
-- both columns; NOT NULL cannot be declared while those rows exist.
ALTER TABLE card_stock
  ADD CONSTRAINT card_stock_owner_whole CHECK ((merchant_id IS NULL) = (mode IS NULL)),
  ADD CONSTRAINT card_stock_assigned_owned CHECK (assigned_card_id IS NULL OR merchant_id IS NOT NULL);

-- Assignment finds a row by pan_fingerprint (the primary key) with the owner as
-- a filter, so that lookup needs no new index. This one serves the foreign key
-- (a merchant's delete or id change would otherwise scan the table) and the
-- operator's question "what stock does this merchant have in this mode".
CREATE INDEX card_stock_owner ON card_stock (merchant_id, mode);

-- Down Migration
DROP INDEX card_stock_owner;
ALTER TABLE card_stock
  DROP CONSTRAINT card_stock_assigned_owned,
  DROP CONSTRAINT card_stock_owner_whole,
  DROP COLUMN mode,
  DROP COLUMN merchant_id;
