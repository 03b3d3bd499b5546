-- Up Migration

-- The double-entry ledger (SPEC §2), modelled on TigerBeetle: accounts with four
-- counters and immutable transfers. Every balance Tessera shows derives from here.
-- The rules live in src/ledger/ (TypeScript, stateless checks) and in
-- ledger_create_transfers below (everything that needs locked rows).

-- One ledger per currency: the ledger number is the ISO 4217 numeric code.
CREATE TABLE ledgers (
  ledger        integer PRIMARY KEY CHECK (ledger BETWEEN 1 AND 999),
  currency      text NOT NULL UNIQUE CHECK (currency ~ '^[A-Z]{3}$'),
  -- digits after the decimal point: amounts are integers in 10^-scale units
  scale         smallint NOT NULL CHECK (scale BETWEEN 0 AND 4)
);

INSERT INTO ledgers (ledger, currency, scale) VALUES
  (36, 'AUD', 2), (48, 'BHD', 3), (124, 'CAD', 2), (156, 'CNY', 2), (324, 'GNF', 0),
  (344, 'HKD', 2), (356, 'INR', 2), (392, 'JPY', 0), (404, 'KES', 2), (414, 'KWD', 3),
  (484, 'MXN', 2), (504, 'MAD', 2), (566, 'NGN', 2), (646, 'RWF', 0), (702, 'SGD', 2),
  (710, 'ZAR', 2), (756, 'CHF', 2), (784, 'AED', 2), (800, 'UGX', 0), (818, 'EGP', 2),
  (826, 'GBP', 2), (834, 'TZS', 2), (840, 'USD', 2), (936, 'GHS', 2), (950, 'XAF', 0),
  (952, 'XOF', 0), (976, 'CDF', 2), (978, 'EUR', 2), (986, 'BRL', 2);

CREATE TABLE ledger_accounts (
  id                              text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$'),
  ledger                          integer NOT NULL REFERENCES ledgers (ledger),
  code                            text NOT NULL CHECK (code IN (
    'external_funding', 'merchant_wallet', 'card_available', 'card_reserve',
    'network_settlement', 'fee_revenue', 'fx')),
  -- The two limit flags never change after creation: ledger_create_transfers
  -- relies on that to decide which rows it must lock before deciding.
  debits_must_not_exceed_credits  boolean NOT NULL DEFAULT false,
  credits_must_not_exceed_debits  boolean NOT NULL DEFAULT false,
  closed                          boolean NOT NULL DEFAULT false,
  debits_pending                  bigint NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
  debits_posted                   bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
  credits_pending                 bigint NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
  credits_posted                  bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
  owner_merchant_id               text CHECK (length(owner_merchant_id) <= 64),
  owner_id                        text CHECK (length(owner_id) <= 64),
  created_at                      timestamptz NOT NULL,
  CONSTRAINT ledger_accounts_flags_exclusive
    CHECK (NOT (debits_must_not_exceed_credits AND credits_must_not_exceed_debits)),
  -- The last guard: even a bug in the function cannot overdraw a limited account.
  CONSTRAINT ledger_accounts_debits_limit
    CHECK (NOT debits_must_not_exceed_credits OR debits_pending + debits_posted <= credits_posted),
  CONSTRAINT ledger_accounts_credits_limit
    CHECK (NOT credits_must_not_exceed_debits OR credits_pending + credits_posted <= debits_posted)
);
CREATE INDEX ledger_accounts_owner ON ledger_accounts (owner_merchant_id, owner_id);

CREATE TABLE ledger_transfers (
  -- Apply order. Per account it is exact: a transfer takes its sequence number
  -- while it holds the account's row lock, so history can be paged by seq.
  seq                bigint GENERATED ALWAYS AS IDENTITY,
  -- Client-chosen; rows written by the expiry job end in '~expired', which no
  -- client id can (see TRANSFER_ID_PATTERN in src/ledger/validate.ts).
  id                 text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}(~expired)?$'),
  debit_account_id   text NOT NULL,
  credit_account_id  text NOT NULL,
  -- single, pending: the amount moved or held; post: the amount posted;
  -- void, expiry: the pending amount released.
  amount             bigint NOT NULL CHECK (amount > 0),
  pending_id         text,
  ledger             integer NOT NULL,
  code               text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
  kind               text NOT NULL CHECK (kind IN ('single', 'pending', 'post', 'void', 'expiry')),
  linked             boolean NOT NULL,
  timeout            integer NOT NULL CHECK (timeout >= 0),
  expires_at         timestamptz,
  user_data          text CHECK (length(user_data) <= 128),
  created_at         timestamptz NOT NULL,
  -- Both accounts' counters right after this transfer: the running balance of
  -- an account's history without summing it.
  dr_debits_pending  bigint NOT NULL,
  dr_debits_posted   bigint NOT NULL,
  dr_credits_pending bigint NOT NULL,
  dr_credits_posted  bigint NOT NULL,
  cr_debits_pending  bigint NOT NULL,
  cr_debits_posted   bigint NOT NULL,
  cr_credits_pending bigint NOT NULL,
  cr_credits_posted  bigint NOT NULL,
  CHECK (debit_account_id <> credit_account_id),
  CHECK ((pending_id IS NOT NULL) = (kind IN ('post', 'void', 'expiry'))),
  CHECK (kind = 'pending' OR (timeout = 0 AND expires_at IS NULL)),
  CHECK ((expires_at IS NOT NULL) = (kind = 'pending' AND timeout > 0))
);
-- A pending transfer is resolved (posted, voided or expired) at most once,
-- whatever races the application code loses.
CREATE UNIQUE INDEX ledger_transfers_resolves ON ledger_transfers (pending_id) WHERE pending_id IS NOT NULL;
CREATE INDEX ledger_transfers_debits ON ledger_transfers (debit_account_id, seq);
CREATE INDEX ledger_transfers_credits ON ledger_transfers (credit_account_id, seq);

CREATE FUNCTION ledger_transfers_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_transfers rows are immutable';
END $$;
CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE OR DELETE ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION ledger_transfers_immutable();

-- Unresolved pending transfers that have a timeout: the expiry job's queue.
-- Rows leave when their transfer is posted, voided or expired, so it stays small.
CREATE TABLE ledger_pending_expiry (
  transfer_id   text PRIMARY KEY,
  expires_at    timestamptz NOT NULL
);
CREATE INDEX ledger_pending_expiry_due ON ledger_pending_expiry (expires_at, transfer_id);

-- Create accounts in order; p_pre holds the result of the stateless checks
-- made in TypeScript (NULL when they passed). Returns one result per item.
CREATE FUNCTION ledger_create_accounts(
  p_id text[], p_ledger integer[], p_code text[], p_dmnec boolean[], p_cmned boolean[],
  p_closed boolean[], p_owner_merchant_id text[], p_owner_id text[], p_pre text[], p_now timestamptz
) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  n integer := coalesce(cardinality(p_id), 0);
  res text[] := array_fill(NULL::text, ARRAY[n]);
  r ledger_accounts%ROWTYPE;
  k integer;
BEGIN
  FOR k IN 1 .. n LOOP
    IF p_pre[k] IS NOT NULL THEN
      res[k] := p_pre[k];
      CONTINUE;
    END IF;
    SELECT * INTO r FROM ledger_accounts WHERE id = p_id[k];
    IF NOT FOUND AND EXISTS (SELECT 1 FROM ledgers WHERE ledger = p_ledger[k]) THEN
      INSERT INTO ledger_accounts (id, ledger, code, debits_must_not_exceed_credits,
        credits_must_not_exceed_debits, closed, owner_merchant_id, owner_id, created_at)
      VALUES (p_id[k], p_ledger[k], p_code[k], p_dmnec[k], p_cmned[k], p_closed[k],
        p_owner_merchant_id[k], p_owner_id[k], p_now)
      ON CONFLICT (id) DO NOTHING;
      IF FOUND THEN
        res[k] := 'ok';
        CONTINUE;
      END IF;
      -- Created by a concurrent transaction since the SELECT: compare with it.
      SELECT * INTO r FROM ledger_accounts WHERE id = p_id[k];
    END IF;
    IF r.id IS NULL THEN
      res[k] := 'ledger_not_found';
    ELSIF r.ledger = p_ledger[k] AND r.code = p_code[k]
        AND r.debits_must_not_exceed_credits = p_dmnec[k] AND r.credits_must_not_exceed_debits = p_cmned[k]
        AND r.closed = p_closed[k]
        AND r.owner_merchant_id IS NOT DISTINCT FROM p_owner_merchant_id[k]
        AND r.owner_id IS NOT DISTINCT FROM p_owner_id[k] THEN
      res[k] := 'exists';
    ELSE
      res[k] := 'exists_with_different_fields';
    END IF;
    r := NULL;
  END LOOP;
  RETURN res;
END $$;

-- Apply a batch of transfers in order, in one statement of the caller's
-- transaction, and return one result code per item (src/ledger/codes.ts has
-- the precedence). p_pre holds the result of the stateless checks made in
-- TypeScript (NULL when they passed). p_flags bits: 1 linked, 2 pending,
-- 4 post_pending_transfer, 8 void_pending_transfer, 16 expiry (internal: the
-- expiry job voiding a pending transfer whose timeout has passed).
--
-- Locking. Accounts with a limit flag are locked (FOR NO KEY UPDATE, in id
-- order) before anything is decided, because their counters decide results.
-- Accounts without a limit flag decide nothing: they are only read, and
-- locked in id order at the end, just before the writes, so that a hot
-- unlimited account (network settlement, fee revenue) is held for the writes
-- and the commit only. Limit flags never change, so every transaction takes
-- its locks in the same global order (limited by id, then unlimited by id):
-- no deadlock between batches.
--
-- Linked chains are applied to in-memory counters; a failing item undoes the
-- chain's earlier items in memory (no savepoint, no subtransaction), and only
-- items still applied at the end are written, with one INSERT and one UPDATE.
CREATE FUNCTION ledger_create_transfers(
  p_id text[], p_debit text[], p_credit text[], p_amount bigint[], p_pending text[],
  p_ledger integer[], p_code text[], p_flags integer[], p_timeout integer[],
  p_user_data text[], p_pre text[], p_now timestamptz
) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  n integer := coalesce(cardinality(p_id), 0);
  m integer;
  -- accounts: the limited ones first (locked), then the unlimited ones
  a_id text[]; a_ledger integer[]; a_limit_dr boolean[]; a_limit_cr boolean[]; a_closed boolean[];
  a_locked boolean[];
  -- counters: absolute for locked accounts, deltas for unlocked ones until the end
  a_dp bigint[]; a_dpo bigint[]; a_cp bigint[]; a_cpo bigint[];
  o_dp bigint[]; o_dpo bigint[]; o_cp bigint[]; o_cpo bigint[];
  b_dp bigint[]; b_dpo bigint[]; b_cp bigint[]; b_cpo bigint[];
  a_must_be_open boolean[];  -- an applied item needs this unlocked account to be open
  -- transfers already stored under a batch item's id
  e_id text[]; e_dr text[]; e_cr text[]; e_amount bigint[]; e_pending text[]; e_ledger integer[];
  e_code text[]; e_flags integer[]; e_timeout integer[]; e_user_data text[];
  -- stored pending transfers that post/void items refer to, with their state
  q_id text[]; q_dr integer[]; q_cr integer[]; q_amount bigint[]; q_ledger integer[]; q_code text[];
  q_is_pending boolean[]; q_state text[]; q_state0 text[]; q_expires timestamptz[];
  -- per item: indexes resolved once by joins
  i_dr integer[]; i_cr integer[]; i_ex integer[]; i_q integer[]; i_prev integer[]; i_pitem integer[];
  -- per item: outcome
  res text[];
  applied boolean[];
  r_dr integer[]; r_cr integer[]; r_drid text[]; r_crid text[]; r_amount bigint[]; r_pamount bigint[];
  r_ledger integer[]; r_code text[]; r_state text[]; r_expires timestamptz[]; r_sq integer[]; r_si integer[];
  s_ddp bigint[]; s_ddpo bigint[]; s_dcp bigint[]; s_dcpo bigint[];
  s_cdp bigint[]; s_cdpo bigint[]; s_ccp bigint[]; s_ccpo bigint[];
  -- loop state
  k integer; j integer; fl integer; code text; open_from integer;
  chain_start integer; chain_failed boolean;
  dr integer; cr integer; amt bigint; sq integer; si integer;
  pdr integer; pcr integer; pamt bigint; pledger integer; pcode text; pispend boolean;
  pstate text; pexp timestamptz; new_state text;
  rdrid text; rcrid text; ramt bigint; rledger integer; rcode text;
  written integer; n_applied integer := 0;
  rec record;
BEGIN
  IF n = 0 THEN
    RETURN '{}';
  END IF;
  res := array_fill(NULL::text, ARRAY[n]);
  applied := array_fill(false, ARRAY[n]);
  r_dr := array_fill(NULL::integer, ARRAY[n]); r_cr := r_dr; r_sq := r_dr; r_si := r_dr; r_ledger := r_dr;
  r_drid := array_fill(NULL::text, ARRAY[n]); r_crid := r_drid; r_code := r_drid; r_state := r_drid;
  r_amount := array_fill(NULL::bigint, ARRAY[n]); r_pamount := r_amount;
  s_ddp := r_amount; s_ddpo := r_amount; s_dcp := r_amount; s_dcpo := r_amount;
  s_cdp := r_amount; s_cdpo := r_amount; s_ccp := r_amount; s_ccpo := r_amount;
  r_expires := array_fill(NULL::timestamptz, ARRAY[n]);

  -- 1. Lock the limited accounts in id order and read every involved account.
  WITH want AS (
    SELECT unnest(p_debit) AS id UNION SELECT unnest(p_credit)
    UNION SELECT t.debit_account_id FROM ledger_transfers t WHERE t.id = ANY (p_pending)
    UNION SELECT t.credit_account_id FROM ledger_transfers t WHERE t.id = ANY (p_pending)
  ), limited AS MATERIALIZED (
    SELECT a.* FROM ledger_accounts a
    WHERE a.id IN (SELECT id FROM want) AND (a.debits_must_not_exceed_credits OR a.credits_must_not_exceed_debits)
    ORDER BY a.id
    FOR NO KEY UPDATE
  ), unlimited AS MATERIALIZED (
    SELECT a.* FROM ledger_accounts a
    WHERE a.id IN (SELECT id FROM want) AND NOT (a.debits_must_not_exceed_credits OR a.credits_must_not_exceed_debits)
  ), acc AS (
    SELECT l.*, true AS locked FROM limited l UNION ALL SELECT u.*, false FROM unlimited u
  )
  SELECT array_agg(id ORDER BY locked DESC, id), array_agg(ledger ORDER BY locked DESC, id),
         array_agg(debits_must_not_exceed_credits ORDER BY locked DESC, id),
         array_agg(credits_must_not_exceed_debits ORDER BY locked DESC, id),
         array_agg(closed ORDER BY locked DESC, id), array_agg(locked ORDER BY locked DESC, id),
         array_agg(CASE WHEN locked THEN debits_pending ELSE 0 END ORDER BY locked DESC, id),
         array_agg(CASE WHEN locked THEN debits_posted ELSE 0 END ORDER BY locked DESC, id),
         array_agg(CASE WHEN locked THEN credits_pending ELSE 0 END ORDER BY locked DESC, id),
         array_agg(CASE WHEN locked THEN credits_posted ELSE 0 END ORDER BY locked DESC, id)
    INTO a_id, a_ledger, a_limit_dr, a_limit_cr, a_closed, a_locked, a_dp, a_dpo, a_cp, a_cpo
    FROM acc;
  m := coalesce(cardinality(a_id), 0);
  o_dp := a_dp; o_dpo := a_dpo; o_cp := a_cp; o_cpo := a_cpo;
  a_must_be_open := array_fill(false, ARRAY[m]);
  b_dp := array_fill(0::bigint, ARRAY[m]); b_dpo := b_dp; b_cp := b_dp; b_cpo := b_dp;

  -- 2. Read, now that the locks are held, the transfers that decide results.
  SELECT array_agg(t.id), array_agg(t.debit_account_id), array_agg(t.credit_account_id), array_agg(t.amount),
         array_agg(t.pending_id), array_agg(t.ledger), array_agg(t.code),
         array_agg(CASE t.kind WHEN 'pending' THEN 2 WHEN 'post' THEN 4 WHEN 'void' THEN 8 WHEN 'expiry' THEN 24 ELSE 0 END
                   + CASE WHEN t.linked THEN 1 ELSE 0 END),
         array_agg(t.timeout), array_agg(t.user_data)
    INTO e_id, e_dr, e_cr, e_amount, e_pending, e_ledger, e_code, e_flags, e_timeout, e_user_data
    FROM ledger_transfers t WHERE t.id = ANY (p_id);

  -- A pending transfer whose accounts were not in step 1's read (committed
  -- since) is treated as not found: its accounts are not locked.
  SELECT array_agg(p.id), array_agg(da.i::integer), array_agg(ca.i::integer), array_agg(p.amount), array_agg(p.ledger),
         array_agg(p.code), array_agg(p.kind = 'pending'),
         array_agg(CASE r.kind WHEN 'post' THEN 'posted' WHEN 'void' THEN 'voided' WHEN 'expiry' THEN 'expired' ELSE 'pending' END),
         array_agg(p.expires_at)
    INTO q_id, q_dr, q_cr, q_amount, q_ledger, q_code, q_is_pending, q_state, q_expires
    FROM ledger_transfers p
    JOIN unnest(a_id) WITH ORDINALITY AS da (id, i) ON da.id = p.debit_account_id
    JOIN unnest(a_id) WITH ORDINALITY AS ca (id, i) ON ca.id = p.credit_account_id
    LEFT JOIN ledger_transfers r ON r.pending_id = p.id
    WHERE p.id = ANY (p_pending);
  q_state0 := q_state;

  -- 3. Resolve each item's references to array indexes, in one join:
  -- i_prev: the previous item with the same id; i_pitem: the last earlier
  -- item whose id is this item's pending_id.
  WITH it AS (
    SELECT * FROM unnest(p_id, p_debit, p_credit, p_pending) WITH ORDINALITY AS it (id, dr, cr, pend, ord)
  ), refs AS (
    SELECT x.key, x.ord, x.is_ref,
           max(CASE WHEN NOT x.is_ref THEN x.ord END)
             OVER (PARTITION BY x.key ORDER BY x.ord, x.is_ref DESC ROWS UNBOUNDED PRECEDING) AS last_item
    FROM (SELECT it.id AS key, it.ord, false AS is_ref FROM it
          UNION ALL SELECT it.pend, it.ord, true FROM it WHERE it.pend IS NOT NULL) x
  ), resolved AS (
    SELECT it.ord, da.i AS dr_i, ca.i AS cr_i, e.i AS ex_i, q.i AS q_i,
           lag(it.ord) OVER (PARTITION BY it.id ORDER BY it.ord) AS prev_i,
           CASE WHEN refs.last_item < it.ord THEN refs.last_item END AS pitem_i
    FROM it
    LEFT JOIN unnest(a_id) WITH ORDINALITY AS da (id, i) ON da.id = it.dr
    LEFT JOIN unnest(a_id) WITH ORDINALITY AS ca (id, i) ON ca.id = it.cr
    LEFT JOIN unnest(e_id) WITH ORDINALITY AS e (id, i) ON e.id = it.id
    LEFT JOIN unnest(q_id) WITH ORDINALITY AS q (id, i) ON q.id = it.pend
    LEFT JOIN refs ON refs.is_ref AND refs.ord = it.ord
  )
  SELECT array_agg(r.dr_i::integer ORDER BY r.ord), array_agg(r.cr_i::integer ORDER BY r.ord),
         array_agg(r.ex_i::integer ORDER BY r.ord), array_agg(r.q_i::integer ORDER BY r.ord),
         array_agg(r.prev_i::integer ORDER BY r.ord), array_agg(r.pitem_i::integer ORDER BY r.ord)
    INTO i_dr, i_cr, i_ex, i_q, i_prev, i_pitem
    FROM resolved r;

  -- 4. Apply the items in order.
  -- A batch that ends inside a chain: the whole chain fails, nothing is tried.
  open_from := n + 1;
  IF p_flags[n] & 1 <> 0 THEN
    open_from := n;
    WHILE open_from > 1 AND p_flags[open_from - 1] & 1 <> 0 LOOP
      open_from := open_from - 1;
    END LOOP;
  END IF;

  chain_start := NULL;
  chain_failed := false;
  FOR k IN 1 .. n LOOP
    fl := p_flags[k];
    IF k >= open_from THEN
      res[k] := CASE WHEN k = n THEN 'linked_event_chain_open' ELSE 'linked_event_failed' END;
      CONTINUE;
    END IF;
    IF chain_start IS NULL THEN
      chain_start := k;
    END IF;

    IF chain_failed THEN
      res[k] := 'linked_event_failed';
    ELSE
      code := NULL;
      <<item>>
      BEGIN
        IF p_pre[k] IS NOT NULL THEN
          code := p_pre[k];
          EXIT item;
        END IF;

        -- The pending transfer a post/void refers to: stored, or made earlier in this batch.
        sq := NULL; si := NULL; pdr := NULL; pcr := NULL; pamt := NULL; pledger := NULL; pcode := NULL;
        IF fl & 12 <> 0 THEN
          sq := i_q[k];
          IF sq IS NULL THEN
            si := i_pitem[k];
            WHILE si IS NOT NULL AND NOT applied[si] LOOP
              si := i_prev[si];
            END LOOP;
          END IF;
          IF sq IS NOT NULL THEN
            pdr := q_dr[sq]; pcr := q_cr[sq]; pamt := q_amount[sq]; pledger := q_ledger[sq]; pcode := q_code[sq];
            pispend := q_is_pending[sq]; pstate := q_state[sq]; pexp := q_expires[sq];
          ELSIF si IS NOT NULL THEN
            pdr := r_dr[si]; pcr := r_cr[si]; pamt := r_amount[si]; pledger := r_ledger[si]; pcode := r_code[si];
            pispend := p_flags[si] & 2 <> 0; pstate := r_state[si]; pexp := r_expires[si];
          END IF;
          -- Omitted fields take the pending transfer's; amount 0 means all of it.
          rdrid := coalesce(p_debit[k], a_id[pdr]); rcrid := coalesce(p_credit[k], a_id[pcr]);
          ramt := CASE WHEN p_amount[k] = 0 THEN pamt ELSE p_amount[k] END;
          rledger := coalesce(p_ledger[k], pledger); rcode := coalesce(p_code[k], pcode);
        ELSE
          rdrid := p_debit[k]; rcrid := p_credit[k]; ramt := p_amount[k]; rledger := p_ledger[k]; rcode := p_code[k];
        END IF;

        -- exists: stored before this batch, or applied earlier in it.
        j := i_ex[k];
        IF j IS NOT NULL THEN
          code := CASE WHEN e_flags[j] = fl AND e_pending[j] IS NOT DISTINCT FROM p_pending[k]
                         AND e_dr[j] = rdrid AND e_cr[j] = rcrid AND e_amount[j] = ramt
                         AND e_ledger[j] = rledger AND e_code[j] = rcode AND e_timeout[j] = p_timeout[k]
                         AND e_user_data[j] IS NOT DISTINCT FROM p_user_data[k]
                       THEN 'exists' ELSE 'exists_with_different_fields' END;
          EXIT item;
        END IF;
        j := i_prev[k];
        WHILE j IS NOT NULL AND NOT applied[j] LOOP
          j := i_prev[j];
        END LOOP;
        IF j IS NOT NULL THEN
          code := CASE WHEN p_flags[j] = fl AND p_pending[j] IS NOT DISTINCT FROM p_pending[k]
                         AND r_drid[j] = rdrid AND r_crid[j] = rcrid AND r_amount[j] = ramt
                         AND r_ledger[j] = rledger AND r_code[j] = rcode AND p_timeout[j] = p_timeout[k]
                         AND p_user_data[j] IS NOT DISTINCT FROM p_user_data[k]
                       THEN 'exists' ELSE 'exists_with_different_fields' END;
          EXIT item;
        END IF;

        IF fl & 12 = 0 THEN
          -- single-phase or pending
          dr := i_dr[k]; cr := i_cr[k]; amt := p_amount[k];
          IF dr IS NULL THEN code := 'debit_account_not_found'; EXIT item; END IF;
          IF cr IS NULL THEN code := 'credit_account_not_found'; EXIT item; END IF;
          IF a_ledger[dr] IS DISTINCT FROM p_ledger[k] OR a_ledger[cr] IS DISTINCT FROM p_ledger[k] THEN
            code := 'ledger_must_match'; EXIT item;
          END IF;
          IF a_closed[dr] OR a_closed[cr] THEN code := 'account_closed'; EXIT item; END IF;
          IF a_limit_dr[dr] AND a_dp[dr] + a_dpo[dr] + amt > a_cpo[dr] THEN code := 'exceeds_credits'; EXIT item; END IF;
          IF a_limit_cr[cr] AND a_cp[cr] + a_cpo[cr] + amt > a_dpo[cr] THEN code := 'exceeds_debits'; EXIT item; END IF;
          IF fl & 2 <> 0 THEN
            a_dp[dr] := a_dp[dr] + amt; a_cp[cr] := a_cp[cr] + amt;
            r_state[k] := 'pending';
            IF p_timeout[k] > 0 THEN
              r_expires[k] := p_now + make_interval(secs => p_timeout[k]);
            END IF;
          ELSE
            a_dpo[dr] := a_dpo[dr] + amt; a_cpo[cr] := a_cpo[cr] + amt;
          END IF;
          r_amount[k] := amt;
        ELSE
          -- post or void (or expire) a pending transfer
          IF sq IS NULL AND si IS NULL THEN code := 'pending_transfer_not_found'; EXIT item; END IF;
          IF NOT pispend THEN code := 'pending_transfer_not_pending'; EXIT item; END IF;
          IF p_debit[k] <> a_id[pdr] OR p_credit[k] <> a_id[pcr] THEN
            code := 'pending_transfer_has_different_accounts'; EXIT item;
          END IF;
          IF p_ledger[k] <> pledger THEN code := 'ledger_must_match'; EXIT item; END IF;
          IF pstate = 'posted' THEN code := 'pending_transfer_already_posted'; EXIT item; END IF;
          IF pstate = 'voided' THEN code := 'pending_transfer_already_voided'; EXIT item; END IF;
          IF pstate = 'expired' OR (fl & 16 = 0 AND pexp <= p_now) THEN code := 'pending_transfer_expired'; EXIT item; END IF;
          IF fl & 4 <> 0 AND p_amount[k] > pamt THEN code := 'exceeds_pending_transfer_amount'; EXIT item; END IF;
          IF fl & 8 <> 0 AND p_amount[k] <> 0 AND p_amount[k] <> pamt THEN
            code := 'pending_transfer_has_different_amount'; EXIT item;
          END IF;
          -- Voiding only releases a hold, so it stays possible on a closed account.
          IF fl & 4 <> 0 AND (a_closed[pdr] OR a_closed[pcr]) THEN code := 'account_closed'; EXIT item; END IF;
          dr := pdr; cr := pcr;
          a_dp[dr] := a_dp[dr] - pamt; a_cp[cr] := a_cp[cr] - pamt;
          IF fl & 4 <> 0 THEN
            amt := ramt;
            a_dpo[dr] := a_dpo[dr] + amt; a_cpo[cr] := a_cpo[cr] + amt;
            new_state := 'posted';
          ELSE
            amt := pamt;
            new_state := CASE WHEN fl & 16 <> 0 THEN 'expired' ELSE 'voided' END;
          END IF;
          IF sq IS NOT NULL THEN q_state[sq] := new_state; ELSE r_state[si] := new_state; END IF;
          r_sq[k] := sq; r_si[k] := si; r_amount[k] := amt; r_pamount[k] := pamt;
        END IF;

        IF fl & 8 = 0 THEN
          a_must_be_open[dr] := true; a_must_be_open[cr] := true;
        END IF;
        r_dr[k] := dr; r_cr[k] := cr; r_drid[k] := a_id[dr]; r_crid[k] := a_id[cr];
        r_ledger[k] := a_ledger[dr]; r_code[k] := rcode;
        s_ddp[k] := a_dp[dr]; s_ddpo[k] := a_dpo[dr]; s_dcp[k] := a_cp[dr]; s_dcpo[k] := a_cpo[dr];
        s_cdp[k] := a_dp[cr]; s_cdpo[k] := a_dpo[cr]; s_ccp[k] := a_cp[cr]; s_ccpo[k] := a_cpo[cr];
        applied[k] := true;
        code := 'ok';
      END;
      res[k] := code;

      IF code NOT IN ('ok', 'exists') AND (k > chain_start OR fl & 1 <> 0) THEN
        -- Undo the chain's applied items, newest first, so counters and
        -- pending states return exactly to where the chain started.
        FOR j IN REVERSE k - 1 .. chain_start LOOP
          IF applied[j] THEN
            dr := r_dr[j]; cr := r_cr[j]; amt := r_amount[j];
            IF p_flags[j] & 12 = 0 THEN
              IF p_flags[j] & 2 <> 0 THEN
                a_dp[dr] := a_dp[dr] - amt; a_cp[cr] := a_cp[cr] - amt;
              ELSE
                a_dpo[dr] := a_dpo[dr] - amt; a_cpo[cr] := a_cpo[cr] - amt;
              END IF;
            ELSE
              a_dp[dr] := a_dp[dr] + r_pamount[j]; a_cp[cr] := a_cp[cr] + r_pamount[j];
              IF p_flags[j] & 4 <> 0 THEN
                a_dpo[dr] := a_dpo[dr] - amt; a_cpo[cr] := a_cpo[cr] - amt;
              END IF;
              IF r_sq[j] IS NOT NULL THEN q_state[r_sq[j]] := 'pending'; ELSE r_state[r_si[j]] := 'pending'; END IF;
            END IF;
            applied[j] := false;
          END IF;
          res[j] := 'linked_event_failed';
        END LOOP;
        chain_failed := true;
      END IF;
    END IF;

    IF fl & 1 = 0 THEN
      chain_start := NULL;
      chain_failed := false;
    END IF;
  END LOOP;

  FOR k IN 1 .. n LOOP
    IF applied[k] THEN
      n_applied := n_applied + 1;
    END IF;
  END LOOP;
  IF n_applied = 0 THEN
    RETURN res;
  END IF;

  -- 5. Lock the unlimited accounts that changed, in id order, and turn their
  -- deltas into counters. One closed since step 1 fails the attempt; the
  -- caller's retry then sees it closed and answers account_closed.
  FOR rec IN
    SELECT x.i, a.closed, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted
    FROM ledger_accounts a
    JOIN unnest(a_id, a_locked, a_dp, a_dpo, a_cp, a_cpo, a_must_be_open) WITH ORDINALITY
      AS x (id, locked, dp, dpo, cp, cpo, must_be_open, i) ON x.id = a.id
    WHERE NOT x.locked AND (x.dp <> 0 OR x.dpo <> 0 OR x.cp <> 0 OR x.cpo <> 0 OR x.must_be_open)
    ORDER BY a.id
    FOR NO KEY UPDATE OF a
  LOOP
    IF rec.closed AND a_must_be_open[rec.i] THEN
      RAISE EXCEPTION 'ledger account % was closed concurrently', a_id[rec.i] USING ERRCODE = 'serialization_failure';
    END IF;
    b_dp[rec.i] := rec.debits_pending; b_dpo[rec.i] := rec.debits_posted;
    b_cp[rec.i] := rec.credits_pending; b_cpo[rec.i] := rec.credits_posted;
    a_dp[rec.i] := rec.debits_pending + a_dp[rec.i]; a_dpo[rec.i] := rec.debits_posted + a_dpo[rec.i];
    a_cp[rec.i] := rec.credits_pending + a_cp[rec.i]; a_cpo[rec.i] := rec.credits_posted + a_cpo[rec.i];
    o_dp[rec.i] := rec.debits_pending; o_dpo[rec.i] := rec.debits_posted;
    o_cp[rec.i] := rec.credits_pending; o_cpo[rec.i] := rec.credits_posted;
  END LOOP;

  -- 6. Write. A conflict means a concurrent transaction stored the same id or
  -- resolved the same pending transfer after step 2 read: retry the batch.
  INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, kind,
    linked, timeout, expires_at, user_data, created_at,
    dr_debits_pending, dr_debits_posted, dr_credits_pending, dr_credits_posted,
    cr_debits_pending, cr_debits_posted, cr_credits_pending, cr_credits_posted)
  SELECT u.id, u.drid, u.crid, u.amount, u.pending, u.ledger, u.code,
         CASE WHEN u.fl & 16 <> 0 THEN 'expiry' WHEN u.fl & 8 <> 0 THEN 'void' WHEN u.fl & 4 <> 0 THEN 'post'
              WHEN u.fl & 2 <> 0 THEN 'pending' ELSE 'single' END,
         u.fl & 1 <> 0, u.timeout, u.expires, u.user_data, p_now,
         u.ddp + b_dp[u.dr], u.ddpo + b_dpo[u.dr], u.dcp + b_cp[u.dr], u.dcpo + b_cpo[u.dr],
         u.cdp + b_dp[u.cr], u.cdpo + b_dpo[u.cr], u.ccp + b_cp[u.cr], u.ccpo + b_cpo[u.cr]
  FROM unnest(p_id, r_drid, r_crid, r_amount, p_pending, r_ledger, r_code, p_flags, p_timeout, r_expires,
              p_user_data, r_dr, r_cr, s_ddp, s_ddpo, s_dcp, s_dcpo, s_cdp, s_cdpo, s_ccp, s_ccpo, applied)
       WITH ORDINALITY AS u (id, drid, crid, amount, pending, ledger, code, fl, timeout, expires, user_data, dr, cr,
                             ddp, ddpo, dcp, dcpo, cdp, cdpo, ccp, ccpo, applied, k)
  WHERE u.applied
  ORDER BY u.k
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS written = ROW_COUNT;
  IF written <> n_applied THEN
    RAISE EXCEPTION 'ledger transfer id or pending resolution taken concurrently' USING ERRCODE = 'serialization_failure';
  END IF;

  INSERT INTO ledger_pending_expiry (transfer_id, expires_at)
  SELECT u.id, u.expires
  FROM unnest(p_id, r_expires, r_state, applied) AS u (id, expires, state, applied)
  WHERE u.applied AND u.state = 'pending' AND u.expires IS NOT NULL;

  DELETE FROM ledger_pending_expiry
  WHERE transfer_id IN (SELECT u.id FROM unnest(q_id, q_state, q_state0) AS u (id, state, state0) WHERE u.state <> u.state0);

  UPDATE ledger_accounts a
     SET debits_pending = u.dp, debits_posted = u.dpo, credits_pending = u.cp, credits_posted = u.cpo
    FROM unnest(a_id, a_dp, a_dpo, a_cp, a_cpo, o_dp, o_dpo, o_cp, o_cpo, a_locked)
         AS u (id, dp, dpo, cp, cpo, odp, odpo, ocp, ocpo, locked)
   WHERE a.id = u.id AND (u.dp, u.dpo, u.cp, u.cpo) IS DISTINCT FROM (u.odp, u.odpo, u.ocp, u.ocpo);

  RETURN res;
END $$;

-- The invariant checks behind verifyLedger (src/ledger/verify.ts), as one
-- function so that their plans are cached per session. Each check returns its
-- violations (at most p_limit + 1 each, so the caller can tell it truncated).
CREATE FUNCTION ledger_verify(p_limit integer)
RETURNS TABLE (kind text, ledger integer, account_id text, transfer_id text, detail text)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  -- Σ debits = Σ credits per ledger, posted and pending.
  RETURN QUERY SELECT * FROM (
    SELECT CASE WHEN sum(debits_posted) <> sum(credits_posted) THEN 'ledger_posted_unbalanced' ELSE 'ledger_pending_unbalanced' END AS kind,
            ledger, NULL AS account_id, NULL AS transfer_id,
            format('debits_posted %s, credits_posted %s, debits_pending %s, credits_pending %s',
                   sum(debits_posted), sum(credits_posted), sum(debits_pending), sum(credits_pending)) AS detail
       FROM ledger_accounts GROUP BY ledger
      HAVING sum(debits_posted) <> sum(credits_posted) OR sum(debits_pending) <> sum(credits_pending)
  ) v LIMIT p_limit + 1;
  -- Every account's counters are the sums of its transfers: posted = single + post
  -- transfers; pending = pending transfers not yet resolved.
  RETURN QUERY SELECT * FROM (
    WITH t AS (
       SELECT t.kind, t.debit_account_id, t.credit_account_id, t.amount::numeric AS amount,
              t.kind = 'pending' AND r.id IS NULL AS open
         FROM ledger_transfers t LEFT JOIN ledger_transfers r ON t.kind = 'pending' AND r.pending_id = t.id
     ), flows AS (
       SELECT debit_account_id AS id, CASE WHEN open THEN amount ELSE 0 END AS dp,
              CASE WHEN kind IN ('single', 'post') THEN amount ELSE 0 END AS dpo, 0 AS cp, 0 AS cpo FROM t
       UNION ALL
       SELECT credit_account_id, 0, 0, CASE WHEN open THEN amount ELSE 0 END,
              CASE WHEN kind IN ('single', 'post') THEN amount ELSE 0 END FROM t
     ), sums AS (
       SELECT id, sum(dp) AS dp, sum(dpo) AS dpo, sum(cp) AS cp, sum(cpo) AS cpo FROM flows GROUP BY id
     )
     SELECT 'account_counters_mismatch', a.ledger, a.id, NULL,
            format('counters %s/%s/%s/%s, transfers sum to %s/%s/%s/%s (debits pending/posted, credits pending/posted)',
                   a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted,
                   coalesce(s.dp, 0), coalesce(s.dpo, 0), coalesce(s.cp, 0), coalesce(s.cpo, 0))
       FROM ledger_accounts a LEFT JOIN sums s ON s.id = a.id
      WHERE (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
            IS DISTINCT FROM (coalesce(s.dp, 0), coalesce(s.dpo, 0), coalesce(s.cp, 0), coalesce(s.cpo, 0))
  ) v LIMIT p_limit + 1;
  -- No account breaks its flags (the table's CHECK constraints should make this impossible).
  RETURN QUERY SELECT * FROM (
    SELECT 'account_limit_exceeded', ledger, id, NULL,
            format('flags %s/%s, counters %s/%s/%s/%s', debits_must_not_exceed_credits, credits_must_not_exceed_debits,
                   debits_pending, debits_posted, credits_pending, credits_posted)
       FROM ledger_accounts
      WHERE (debits_must_not_exceed_credits AND debits_pending::numeric + debits_posted > credits_posted)
         OR (credits_must_not_exceed_debits AND credits_pending::numeric + credits_posted > debits_posted)
         OR (debits_must_not_exceed_credits AND credits_must_not_exceed_debits)
         OR least(debits_pending, debits_posted, credits_pending, credits_posted) < 0
  ) v LIMIT p_limit + 1;
  -- Every transfer moves between two existing, distinct accounts of its own ledger.
  RETURN QUERY SELECT * FROM (
    SELECT 'transfer_accounts_invalid', t.ledger, NULL, t.id,
            format('debit %s (ledger %s), credit %s (ledger %s)', t.debit_account_id, d.ledger, t.credit_account_id, c.ledger)
       FROM ledger_transfers t
       LEFT JOIN ledger_accounts d ON d.id = t.debit_account_id
       LEFT JOIN ledger_accounts c ON c.id = t.credit_account_id
      WHERE d.id IS NULL OR c.id IS NULL OR d.ledger <> t.ledger OR c.ledger <> t.ledger OR d.id = c.id
  ) v LIMIT p_limit + 1;
  -- No pending transfer is resolved twice (a unique index should make this impossible).
  RETURN QUERY SELECT * FROM (
    SELECT 'pending_resolved_twice', NULL::integer, NULL, pending_id, format('resolved %s times', count(*))
       FROM ledger_transfers WHERE pending_id IS NOT NULL GROUP BY pending_id HAVING count(*) > 1
  ) v LIMIT p_limit + 1;
  -- A post/void/expiry resolves an existing pending transfer, with its accounts and ledger,
  -- posting at most its amount, releasing exactly it; an expiry only after the timeout.
  RETURN QUERY SELECT * FROM (
    SELECT 'resolution_invalid', r.ledger, NULL, r.id,
            format('%s of %s (%s, amount %s, expires %s) for amount %s', r.kind, r.pending_id, p.kind, p.amount, p.expires_at, r.amount)
       FROM ledger_transfers r LEFT JOIN ledger_transfers p ON p.id = r.pending_id
      WHERE r.pending_id IS NOT NULL AND (
            p.id IS NULL OR p.kind <> 'pending' OR p.seq > r.seq
         OR r.debit_account_id <> p.debit_account_id OR r.credit_account_id <> p.credit_account_id OR r.ledger <> p.ledger
         OR (r.kind = 'post' AND r.amount > p.amount) OR (r.kind IN ('void', 'expiry') AND r.amount <> p.amount)
         OR (r.kind = 'expiry' AND (p.expires_at IS NULL OR p.expires_at > r.created_at)))
  ) v LIMIT p_limit + 1;
  -- The expiry queue holds exactly the unresolved pending transfers that have a timeout.
  RETURN QUERY SELECT * FROM (
    WITH open AS (
       SELECT p.id, p.ledger, p.expires_at FROM ledger_transfers p
        WHERE p.kind = 'pending' AND p.expires_at IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = p.id)
     )
     SELECT 'expiry_queue_mismatch', o.ledger, NULL, coalesce(o.id, q.transfer_id),
            format('open pending expiring %s, queued for %s', o.expires_at, q.expires_at)
       FROM open o FULL JOIN ledger_pending_expiry q ON q.transfer_id = o.id
      WHERE o.id IS NULL OR q.transfer_id IS NULL OR o.expires_at <> q.expires_at
  ) v LIMIT p_limit + 1;
  -- Each history row's counters are the previous row's plus this transfer's effect, and
  -- the last row's are the account's counters.
  RETURN QUERY SELECT * FROM (
    WITH sides AS (
       SELECT t.debit_account_id AS account_id, t.seq, t.id, t.kind, t.amount::numeric AS amount, p.amount::numeric AS released, true AS debit,
              t.dr_debits_pending AS dp, t.dr_debits_posted AS dpo, t.dr_credits_pending AS cp, t.dr_credits_posted AS cpo
         FROM ledger_transfers t LEFT JOIN ledger_transfers p ON p.id = t.pending_id
       UNION ALL
       SELECT t.credit_account_id, t.seq, t.id, t.kind, t.amount, p.amount, false,
              t.cr_debits_pending, t.cr_debits_posted, t.cr_credits_pending, t.cr_credits_posted
         FROM ledger_transfers t LEFT JOIN ledger_transfers p ON p.id = t.pending_id
     ), steps AS (
       SELECT s.*,
              coalesce(lag(dp) OVER w, 0) AS pdp, coalesce(lag(dpo) OVER w, 0) AS pdpo,
              coalesce(lag(cp) OVER w, 0) AS pcp, coalesce(lag(cpo) OVER w, 0) AS pcpo,
              row_number() OVER (PARTITION BY account_id ORDER BY seq DESC) AS from_last
         FROM sides s WINDOW w AS (PARTITION BY account_id ORDER BY seq)
     ), expected AS (
       SELECT st.*,
              CASE kind WHEN 'pending' THEN amount WHEN 'single' THEN 0 ELSE -released END AS d_pending,
              CASE WHEN kind IN ('single', 'post') THEN amount ELSE 0 END AS d_posted
         FROM steps st
     )
     SELECT 'history_mismatch', a.ledger, e.account_id, e.id,
            CASE WHEN (e.dp, e.dpo, e.cp, e.cpo) IS DISTINCT FROM
                      (e.pdp + CASE WHEN e.debit THEN e.d_pending ELSE 0 END, e.pdpo + CASE WHEN e.debit THEN e.d_posted ELSE 0 END,
                       e.pcp + CASE WHEN e.debit THEN 0 ELSE e.d_pending END, e.pcpo + CASE WHEN e.debit THEN 0 ELSE e.d_posted END)
                 THEN format('counters after %s are %s/%s/%s/%s, not the previous row plus its effect', e.id, e.dp, e.dpo, e.cp, e.cpo)
                 ELSE format('last history row has %s/%s/%s/%s, account has %s/%s/%s/%s', e.dp, e.dpo, e.cp, e.cpo,
                             a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted) END
       FROM expected e LEFT JOIN ledger_accounts a ON a.id = e.account_id
      WHERE (e.dp, e.dpo, e.cp, e.cpo) IS DISTINCT FROM
            (e.pdp + CASE WHEN e.debit THEN e.d_pending ELSE 0 END, e.pdpo + CASE WHEN e.debit THEN e.d_posted ELSE 0 END,
             e.pcp + CASE WHEN e.debit THEN 0 ELSE e.d_pending END, e.pcpo + CASE WHEN e.debit THEN 0 ELSE e.d_posted END)
         OR (e.from_last = 1 AND (e.dp, e.dpo, e.cp, e.cpo) IS DISTINCT FROM
             (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted))
  ) v LIMIT p_limit + 1;
END $$;

-- Down Migration
DROP FUNCTION ledger_verify;
DROP FUNCTION ledger_create_transfers;
DROP FUNCTION ledger_create_accounts;
DROP TABLE ledger_pending_expiry;
DROP TABLE ledger_transfers;
DROP FUNCTION ledger_transfers_immutable;
DROP TABLE ledger_accounts;
DROP TABLE ledgers;
