-- +goose Up
-- Group buys (拼团) and assists (助力), owned by internal/promo/groupbuy and
-- internal/promo/assist. Money is integer fen, times unix milliseconds (0 = not yet).
-- Product name, image and price are snapshotted at launch, like order lines, so the
-- offer reads the same after the product is edited.

-- A group-buy offer: viewers form groups of group_size at price within
-- time_limit_seconds of the group's start.
CREATE TABLE group_buys (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    session_id          INTEGER NOT NULL REFERENCES live_sessions(id),
    created_by          INTEGER NOT NULL DEFAULT 0,
    product_id          INTEGER NOT NULL REFERENCES products(id),
    sku_id              INTEGER NOT NULL REFERENCES product_skus(id),
    product_name        TEXT    NOT NULL,
    image               TEXT    NOT NULL DEFAULT '',
    original_price      INTEGER NOT NULL,
    price               INTEGER NOT NULL,
    group_size          INTEGER NOT NULL,
    time_limit_seconds  INTEGER NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'open',
    closed_at           INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL
);
CREATE INDEX group_buys_session ON group_buys(tenant_id, session_id, id);

-- One group. member_count (seats held by live orders) and paid_count are kept by the
-- transactions that change them; the guarded increment member_count < size is what
-- keeps racing joins from overfilling a group.
CREATE TABLE group_buy_groups (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants(id),
    group_buy_id      INTEGER NOT NULL REFERENCES group_buys(id),
    session_id        INTEGER NOT NULL,
    leader_viewer_id  INTEGER NOT NULL,
    leader_nickname   TEXT    NOT NULL DEFAULT '',
    size              INTEGER NOT NULL,
    member_count      INTEGER NOT NULL DEFAULT 0 CHECK (member_count >= 0 AND member_count <= size),
    paid_count        INTEGER NOT NULL DEFAULT 0,
    status            TEXT    NOT NULL DEFAULT 'forming',
    expires_at        INTEGER NOT NULL,
    finished_at       INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);
CREATE INDEX group_buy_groups_offer ON group_buy_groups(tenant_id, group_buy_id, status, id);

-- A seat: one member and their order. left_at > 0 once the order was cancelled or
-- expired (the seat is free again). forming = 1 while the member holds a seat in a
-- forming group: the partial unique index keeps a viewer in one forming group per offer.
CREATE TABLE group_buy_members (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    group_id      INTEGER NOT NULL REFERENCES group_buy_groups(id),
    group_buy_id  INTEGER NOT NULL,
    viewer_id     INTEGER NOT NULL,
    nickname      TEXT    NOT NULL DEFAULT '',
    order_id      INTEGER NOT NULL,
    paid          INTEGER NOT NULL DEFAULT 0,
    forming       INTEGER NOT NULL DEFAULT 1,
    left_at       INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE INDEX group_buy_members_group ON group_buy_members(group_id, id);
CREATE UNIQUE INDEX group_buy_members_order ON group_buy_members(order_id);
CREATE UNIQUE INDEX group_buy_members_one ON group_buy_members(group_buy_id, viewer_id) WHERE forming = 1;
CREATE INDEX group_buy_members_viewer ON group_buy_members(tenant_id, viewer_id, group_buy_id);

-- An assist offer: a viewer unlocks price by getting helpers_needed friends to help
-- within time_limit_seconds.
CREATE TABLE assists (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    session_id          INTEGER NOT NULL REFERENCES live_sessions(id),
    created_by          INTEGER NOT NULL DEFAULT 0,
    product_id          INTEGER NOT NULL REFERENCES products(id),
    sku_id              INTEGER NOT NULL REFERENCES product_skus(id),
    product_name        TEXT    NOT NULL,
    image               TEXT    NOT NULL DEFAULT '',
    original_price      INTEGER NOT NULL,
    price               INTEGER NOT NULL,
    helpers_needed      INTEGER NOT NULL,
    time_limit_seconds  INTEGER NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'open',
    closed_at           INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL
);
CREATE INDEX assists_session ON assists(tenant_id, session_id, id);

-- One campaign per viewer and offer; code is the unguessable share code.
CREATE TABLE assist_campaigns (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    assist_id       INTEGER NOT NULL REFERENCES assists(id),
    session_id      INTEGER NOT NULL,
    viewer_id       INTEGER NOT NULL,
    owner_nickname  TEXT    NOT NULL DEFAULT '',
    code            TEXT    NOT NULL,
    helpers_needed  INTEGER NOT NULL,
    helper_count    INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL DEFAULT 'collecting',
    order_id        INTEGER NOT NULL DEFAULT 0,
    expires_at      INTEGER NOT NULL,
    unlocked_at     INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX assist_campaigns_owner ON assist_campaigns(assist_id, viewer_id);
CREATE UNIQUE INDEX assist_campaigns_code ON assist_campaigns(code);
CREATE INDEX assist_campaigns_offer ON assist_campaigns(tenant_id, assist_id, status);
CREATE INDEX assist_campaigns_order ON assist_campaigns(tenant_id, order_id);

-- One help per viewer per campaign, and per verified phone (phone '' = unverified).
CREATE TABLE assist_helps (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    campaign_id  INTEGER NOT NULL REFERENCES assist_campaigns(id),
    viewer_id    INTEGER NOT NULL,
    nickname     TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX assist_helps_once ON assist_helps(campaign_id, viewer_id);
CREATE UNIQUE INDEX assist_helps_phone ON assist_helps(campaign_id, phone) WHERE phone <> '';

-- +goose Down
SELECT 1;
