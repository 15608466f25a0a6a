-- +goose Up
-- Flash sales (秒杀, SPEC §4, issue 4 point 3), owned by internal/promo/flashsale. Money is
-- integer fen, times unix milliseconds (0 = not set).

-- A flash sale holds its units: launching takes `stock` units off the SKU's stock, and
-- ending gives back what is not in a live order (`returned`). `sold` counts units in
-- live (not cancelled or refunded) orders of the sale and is changed in the same
-- transaction as those orders; the CHECK makes "never oversold" a database fact.
-- `version` counts the changes made outside the sale's in-memory owner (orders
-- released, waitlist claims), so a rebuilt owner knows which of them it has seen.
CREATE TABLE flash_sales (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    session_id      INTEGER NOT NULL REFERENCES live_sessions(id),
    created_by      INTEGER NOT NULL DEFAULT 0,
    product_id      INTEGER NOT NULL REFERENCES products(id),
    sku_id          INTEGER NOT NULL REFERENCES product_skus(id),
    product_name    TEXT    NOT NULL,
    sku_name        TEXT    NOT NULL DEFAULT '',
    image           TEXT    NOT NULL DEFAULT '',
    original_price  INTEGER NOT NULL,
    price           INTEGER NOT NULL,
    stock           INTEGER NOT NULL,
    sold            INTEGER NOT NULL DEFAULT 0,
    paid            INTEGER NOT NULL DEFAULT 0,
    returned        INTEGER NOT NULL DEFAULT 0,
    waiting         INTEGER NOT NULL DEFAULT 0,
    per_user_limit  INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 0,
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL DEFAULT 0,
    ended_at        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    CHECK (sold >= 0 AND sold <= stock),
    CHECK (paid >= 0 AND paid <= sold),
    CHECK (waiting >= 0)
);
CREATE INDEX flash_sales_session ON flash_sales(tenant_id, session_id, id);

-- Units each viewer holds in live orders of a sale; max_quantity is the sale's
-- per-user limit, so the CHECK backs the in-memory owner up on the limit.
CREATE TABLE flash_sale_buyers (
    sale_id       INTEGER NOT NULL REFERENCES flash_sales(id),
    viewer_id     INTEGER NOT NULL,
    tenant_id     INTEGER NOT NULL,
    quantity      INTEGER NOT NULL,
    max_quantity  INTEGER NOT NULL,
    PRIMARY KEY (sale_id, viewer_id),
    CHECK (quantity >= 0 AND quantity <= max_quantity)
);

-- Viewers waiting for returned units of a sold-out sale, first come first served (id).
CREATE TABLE flash_sale_waitlist (
    id          INTEGER PRIMARY KEY,
    sale_id     INTEGER NOT NULL REFERENCES flash_sales(id),
    tenant_id   INTEGER NOT NULL,
    viewer_id   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX flash_sale_waitlist_once ON flash_sale_waitlist(sale_id, viewer_id);
CREATE INDEX flash_sale_waitlist_order ON flash_sale_waitlist(sale_id, id);

-- +goose Down
SELECT 1;
