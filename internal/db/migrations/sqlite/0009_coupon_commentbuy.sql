-- +goose Up
-- Coupons (优惠券) and comment-to-buy (评论下单), issue 4. Money is integer fen, times
-- unix milliseconds (0 = not yet).

-- Orders keep what the lines came to (subtotal) and what a coupon took off (discount);
-- total_fen stays what the buyer pays: subtotal − discount, never below 1 fen.
-- coupon_claim_id names the claim redeemed by the order (0 = none), so cancelling or
-- expiring the order can give the coupon back.
ALTER TABLE orders ADD COLUMN subtotal_fen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN discount_fen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN coupon_claim_id INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET subtotal_fen = total_fen;

-- A coupon issued in a live session: quantity claims at most, guarded by the CHECK
-- (claims take one with claimed = claimed + 1 … WHERE claimed < quantity). product_id 0
-- means any product.
CREATE TABLE coupons (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    session_id     INTEGER NOT NULL REFERENCES live_sessions(id),
    created_by     INTEGER NOT NULL DEFAULT 0,
    name           TEXT    NOT NULL,
    discount_fen   INTEGER NOT NULL,
    min_spend_fen  INTEGER NOT NULL DEFAULT 0,
    product_id     INTEGER NOT NULL DEFAULT 0,
    quantity       INTEGER NOT NULL,
    claimed        INTEGER NOT NULL DEFAULT 0 CHECK (claimed >= 0 AND claimed <= quantity),
    used           INTEGER NOT NULL DEFAULT 0,
    valid_minutes  INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'active',
    stopped_at     INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);
CREATE INDEX coupons_session ON coupons(tenant_id, session_id, id);

-- One claim per viewer and coupon (the unique index is the last line of defence behind
-- the guarded increment). status is unused or used; "expired" is computed from
-- expires_at. order_id is the order that redeemed it.
CREATE TABLE coupon_claims (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    coupon_id   INTEGER NOT NULL REFERENCES coupons(id),
    session_id  INTEGER NOT NULL,
    viewer_id   INTEGER NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'unused',
    order_id    INTEGER NOT NULL DEFAULT 0,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX coupon_claims_once ON coupon_claims(coupon_id, viewer_id);
CREATE INDEX coupon_claims_viewer ON coupon_claims(tenant_id, viewer_id, id);

-- A keyword armed by staff: a viewer comment equal to it (normalised: keyword_norm)
-- drafts an unpaid order of quantity × the SKU at price_fen. drafts counts the orders
-- made; the per-viewer latest draft lives in comment_buy_drafts.
CREATE TABLE comment_buys (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    session_id    INTEGER NOT NULL REFERENCES live_sessions(id),
    created_by    INTEGER NOT NULL DEFAULT 0,
    keyword       TEXT    NOT NULL,
    keyword_norm  TEXT    NOT NULL,
    product_id    INTEGER NOT NULL REFERENCES products(id),
    sku_id        INTEGER NOT NULL REFERENCES product_skus(id),
    product_name  TEXT    NOT NULL,
    price_fen     INTEGER NOT NULL,
    quantity      INTEGER NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'active',
    drafts        INTEGER NOT NULL DEFAULT 0,
    stopped_at    INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE INDEX comment_buys_session ON comment_buys(tenant_id, session_id, status);
-- One active offer per keyword in a session: a "+1" never drafts two orders at once.
CREATE UNIQUE INDEX comment_buys_keyword ON comment_buys(session_id, keyword_norm) WHERE status = 'active';

-- The latest draft order of each viewer per offer: replaced by compare-and-set on
-- order_id, so racing "+1"s (on any node) make one draft while it is unpaid.
CREATE TABLE comment_buy_drafts (
    comment_buy_id  INTEGER NOT NULL REFERENCES comment_buys(id),
    viewer_id       INTEGER NOT NULL,
    tenant_id       INTEGER NOT NULL,
    order_id        INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (comment_buy_id, viewer_id)
);

-- +goose Down
SELECT 1;
