-- +goose Up
-- SCRM (issue 5) owned by internal/crm: one customer profile per person across the
-- identities they show up with, tags (manual and rule), the behaviour aggregates rule
-- tags and segments read, and the books those aggregates are kept from. Money is
-- integer fen, times unix milliseconds. The segments engineer's internal/crm/segment
-- reads customers, customer_tags and tags (never writes them outside its bench).

-- A profile. merged_into points at the profile it was merged into (a merged row keeps
-- its old values for history but is no longer listed); erased_at marks a profile whose
-- personal data was removed on request (aggregates kept). The aggregates are changed
-- only by internal/crm's event worker and merges, each in one transaction with the
-- facts they summarise.
CREATE TABLE customers (
    id                   INTEGER PRIMARY KEY,
    tenant_id            INTEGER NOT NULL REFERENCES tenants(id),
    name                 TEXT    NOT NULL DEFAULT '',
    phone                TEXT,
    remark               TEXT    NOT NULL DEFAULT '',
    first_source         TEXT    NOT NULL DEFAULT '',
    last_source          TEXT    NOT NULL DEFAULT '',
    orders_count         INTEGER NOT NULL DEFAULT 0,
    spent_fen            INTEGER NOT NULL DEFAULT 0,
    watch_ms             INTEGER NOT NULL DEFAULT 0,
    last_seen_at         INTEGER,
    merged_into          INTEGER,
    erased_at            INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    -- first and last touch: when, and through which entry link (0 = none)
    first_touch_at       INTEGER NOT NULL DEFAULT 0,
    last_touch_at        INTEGER NOT NULL DEFAULT 0,
    first_entry_link_id  INTEGER NOT NULL DEFAULT 0,
    last_entry_link_id   INTEGER NOT NULL DEFAULT 0,
    -- more aggregates for rules and preferences
    sessions             INTEGER NOT NULL DEFAULT 0,
    reservations         INTEGER NOT NULL DEFAULT 0,
    no_shows             INTEGER NOT NULL DEFAULT 0,
    comments             INTEGER NOT NULL DEFAULT 0,
    gifts_fen            INTEGER NOT NULL DEFAULT 0,
    origin               TEXT    NOT NULL DEFAULT 'api'
);
CREATE INDEX customers_tenant ON customers(tenant_id, id);
CREATE UNIQUE INDEX customers_phone ON customers(tenant_id, phone) WHERE phone IS NOT NULL AND merged_into IS NULL;

-- Every identity a profile is known by; one identity belongs to one profile, so
-- identifying with it finds (or merges into) that profile. kind: viewer | phone |
-- wechat_openid | wechat_unionid | platform:<name>. ref_id is the viewer id of a
-- viewer identity, so the timeline reads the other domains' tables by integer.
CREATE TABLE customer_identities (
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    kind         TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    ref_id       INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, kind, value)
);
CREATE INDEX customer_identities_customer ON customer_identities(tenant_id, customer_id, kind);

-- Tags: manual ones are put on and taken off by staff, rule ones by internal/crm as
-- events change a customer's aggregates (rule holds the rule text, docs/crm-rules.md).
CREATE TABLE tags (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL DEFAULT 'manual',
    rule         TEXT    NOT NULL DEFAULT '',
    description  TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE customer_tags (
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    tag_id       INTEGER NOT NULL REFERENCES tags(id),
    source       TEXT    NOT NULL DEFAULT 'manual',
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, tag_id)
);
CREATE INDEX customer_tags_tag ON customer_tags(tenant_id, tag_id, customer_id);

-- Paid orders per customer, for windowed aggregates ("spent in 30 days") and merges;
-- refunded_at > 0 takes an order out of every sum.
CREATE TABLE customer_orders (
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    order_id     INTEGER NOT NULL,
    customer_id  INTEGER NOT NULL,
    amount_fen   INTEGER NOT NULL,
    paid_at      INTEGER NOT NULL,
    refunded_at  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, order_id)
);
CREATE INDEX customer_orders_customer ON customer_orders(tenant_id, customer_id, paid_at);

-- Sessions a customer attended (whichever of their viewer identities came), so
-- "sessions attended" counts a person once and a reserver's no-show is exact.
CREATE TABLE customer_sessions (
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    customer_id      INTEGER NOT NULL,
    session_id       INTEGER NOT NULL,
    first_joined_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, session_id)
);

-- Durable events written in the transaction of the change they report (an order paid
-- or refunded, a reservation, a verified phone, a session ended) and applied to the
-- profiles by the crm worker, which deletes them in the transaction that applies them.
CREATE TABLE crm_inbox (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    viewer_id   INTEGER NOT NULL DEFAULT 0,
    session_id  INTEGER NOT NULL DEFAULT 0,
    ref_id      INTEGER NOT NULL DEFAULT 0,
    amount      INTEGER NOT NULL DEFAULT 0,
    text        TEXT    NOT NULL DEFAULT '',
    at          INTEGER NOT NULL
);

-- The timeline reads a person's comments, gifts and reservations by viewer; the room
-- and live tables are indexed by session only.
CREATE INDEX room_events_viewer ON room_events(tenant_id, viewer_id, id);
CREATE INDEX reservations_viewer ON reservations(tenant_id, viewer_id);

-- +goose Down
SELECT 1;
