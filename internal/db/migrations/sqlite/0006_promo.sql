-- +goose Up
-- In-room marketing tools of issue 4 owned by internal/promo: red envelopes (红包) with
-- their milestone rules, and provably fair lotteries (抽奖). Money is integer fen, times
-- unix milliseconds.

-- A red envelope is split into share_count shares when it is created; `shares` holds
-- them as a JSON array of fen and grabs take them in order (seq = index). Grabbed
-- totals are kept on the row by the same transaction that writes the grabs, so the
-- expiry refund (total - grabbed_amount) is exact.
CREATE TABLE red_envelopes (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    session_id      INTEGER NOT NULL REFERENCES live_sessions(id),
    created_by      INTEGER NOT NULL DEFAULT 0,
    rule_id         INTEGER NOT NULL DEFAULT 0,
    mode            TEXT    NOT NULL,
    condition       TEXT    NOT NULL DEFAULT 'none',
    message         TEXT    NOT NULL DEFAULT '',
    total           INTEGER NOT NULL,
    share_count     INTEGER NOT NULL,
    shares          TEXT    NOT NULL,
    grabbed_count   INTEGER NOT NULL DEFAULT 0,
    grabbed_amount  INTEGER NOT NULL DEFAULT 0,
    refunded        INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL DEFAULT 'open',
    expires_at      INTEGER NOT NULL,
    closed_at       INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);
CREATE INDEX red_envelopes_session ON red_envelopes(tenant_id, session_id, id);

-- One row per acknowledged grab, keyed by its share (seq = index into shares). With
-- the unique (envelope, viewer) index these are the last line of defence behind the
-- in-memory owner: one grab per viewer, one grabber per share. The hot table has no
-- surrogate id and no foreign key to viewers (the viewer id comes from an
-- authenticated token), so a group commit touches two B-trees per grab.
CREATE TABLE red_envelope_grabs (
    envelope_id  INTEGER NOT NULL REFERENCES red_envelopes(id),
    seq          INTEGER NOT NULL,
    tenant_id    INTEGER NOT NULL,
    viewer_id    INTEGER NOT NULL,
    amount       INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (envelope_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX red_envelope_grabs_viewer ON red_envelope_grabs(envelope_id, viewer_id);

-- Pre-armed envelopes sent automatically when the room's likes reach a milestone;
-- fired_at is set exactly once, in the transaction that creates the envelope.
CREATE TABLE red_envelope_rules (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    session_id          INTEGER NOT NULL REFERENCES live_sessions(id),
    created_by          INTEGER NOT NULL DEFAULT 0,
    likes_milestone     INTEGER NOT NULL,
    mode                TEXT    NOT NULL,
    condition           TEXT    NOT NULL DEFAULT 'none',
    message             TEXT    NOT NULL DEFAULT '',
    total               INTEGER NOT NULL,
    share_count         INTEGER NOT NULL,
    expires_in_seconds  INTEGER NOT NULL,
    fired_at            INTEGER NOT NULL DEFAULT 0,
    envelope_id         INTEGER NOT NULL DEFAULT 0,
    deleted_at          INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL
);
CREATE INDEX red_envelope_rules_session ON red_envelope_rules(session_id, fired_at);

-- Lotteries: the seed stays secret until the draw; its sha256 (commitment) is public
-- from the launch. entrant_count is bumped by each entry so the entry and the draw
-- serialise on this row (no entry can slip in after the winners were computed).
CREATE TABLE lotteries (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    session_id     INTEGER NOT NULL REFERENCES live_sessions(id),
    created_by     INTEGER NOT NULL DEFAULT 0,
    prize          TEXT    NOT NULL,
    winner_count   INTEGER NOT NULL,
    condition      TEXT    NOT NULL DEFAULT 'none',
    password       TEXT    NOT NULL DEFAULT '',
    min_watch_ms   INTEGER NOT NULL DEFAULT 0,
    seed           TEXT    NOT NULL,
    commitment     TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'open',
    entrant_count  INTEGER NOT NULL DEFAULT 0,
    draw_at        INTEGER NOT NULL,
    drawn_at       INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);
CREATE INDEX lotteries_session ON lotteries(tenant_id, session_id, id);
CREATE UNIQUE INDEX lotteries_commitment ON lotteries(commitment);

-- Entries in entry order (id): the published entrant list the draw runs over.
CREATE TABLE lottery_entries (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    lottery_id  INTEGER NOT NULL REFERENCES lotteries(id),
    viewer_id   INTEGER NOT NULL REFERENCES viewers(id),
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX lottery_entries_once ON lottery_entries(lottery_id, viewer_id);

-- Winners (place = 1-based draw order) and the delivery details they fill in.
CREATE TABLE lottery_winners (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants(id),
    lottery_id        INTEGER NOT NULL REFERENCES lotteries(id),
    viewer_id         INTEGER NOT NULL REFERENCES viewers(id),
    place             INTEGER NOT NULL,
    delivery_name     TEXT    NOT NULL DEFAULT '',
    delivery_phone    TEXT    NOT NULL DEFAULT '',
    delivery_address  TEXT    NOT NULL DEFAULT '',
    delivery_at       INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX lottery_winners_once ON lottery_winners(lottery_id, viewer_id);
CREATE INDEX lottery_winners_viewer ON lottery_winners(tenant_id, viewer_id, id);

-- Lotteries launched per tenant and calendar month (Asia/Shanghai, yyyymm): an upsert
-- that counts atomically on both engines enforces the personal-plan monthly limit.
CREATE TABLE lottery_month_counts (
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
    month      INTEGER NOT NULL,
    launched   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, month)
);

-- +goose Down
SELECT 1;
