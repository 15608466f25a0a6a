-- +goose Up
-- Commerce (SPEC §5, issue 4): products with SKUs, the per-session showcase with its
-- pinned product, orders with their lines, payment attempts, processed provider
-- callbacks (idempotency) and the per-deployment secrets of the sandbox provider.
-- Money is integer fen; times are unix milliseconds (0 = not yet).
CREATE TABLE products (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    images       TEXT    NOT NULL DEFAULT '[]',
    is_virtual   INTEGER NOT NULL DEFAULT 0,
    status       TEXT    NOT NULL DEFAULT 'active',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX products_tenant ON products(tenant_id, status, id);

-- Stock is what is left to sell: orders reserve it with a guarded decrement
-- (stock >= quantity), and the CHECK makes "never below zero" a database fact.
CREATE TABLE product_skus (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    product_id  INTEGER NOT NULL REFERENCES products(id),
    name        TEXT    NOT NULL,
    price_fen   INTEGER NOT NULL,
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    sold        INTEGER NOT NULL DEFAULT 0,
    sort        INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX product_skus_product ON product_skus(tenant_id, product_id, sort);

-- The showcase (商品橱窗) of a session; pinned_at > 0 marks the product on screen.
CREATE TABLE showcase_items (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    session_id  INTEGER NOT NULL REFERENCES live_sessions(id),
    product_id  INTEGER NOT NULL REFERENCES products(id),
    position    INTEGER NOT NULL DEFAULT 0,
    pinned_at   INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX showcase_items_once ON showcase_items(session_id, product_id);
CREATE INDEX showcase_items_product ON showcase_items(tenant_id, product_id);

CREATE TABLE orders (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    session_id     INTEGER NOT NULL DEFAULT 0,
    viewer_id      INTEGER NOT NULL,
    status         TEXT    NOT NULL,
    total_fen      INTEGER NOT NULL,
    needs_address  INTEGER NOT NULL DEFAULT 1,
    address        TEXT    NOT NULL DEFAULT '',
    source         TEXT    NOT NULL,
    source_id      INTEGER NOT NULL DEFAULT 0,
    stock_held     INTEGER NOT NULL DEFAULT 0,
    carrier        TEXT    NOT NULL DEFAULT '',
    tracking_no    TEXT    NOT NULL DEFAULT '',
    cancel_reason  TEXT    NOT NULL DEFAULT '',
    refund_reason  TEXT    NOT NULL DEFAULT '',
    expires_at     INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    paid_at        INTEGER NOT NULL DEFAULT 0,
    shipped_at     INTEGER NOT NULL DEFAULT 0,
    completed_at   INTEGER NOT NULL DEFAULT 0,
    cancelled_at   INTEGER NOT NULL DEFAULT 0,
    refunded_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orders_tenant ON orders(tenant_id, status, id);
CREATE INDEX orders_viewer ON orders(tenant_id, viewer_id, id);
CREATE INDEX orders_session ON orders(tenant_id, session_id, id);
CREATE INDEX orders_source ON orders(tenant_id, source, source_id);

-- Lines keep a snapshot of name and unit price: a later price change never rewrites
-- what a buyer agreed to pay.
CREATE TABLE order_lines (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    product_id      INTEGER NOT NULL REFERENCES products(id),
    sku_id          INTEGER NOT NULL REFERENCES product_skus(id),
    name            TEXT    NOT NULL,
    sku_name        TEXT    NOT NULL DEFAULT '',
    image           TEXT    NOT NULL DEFAULT '',
    unit_price_fen  INTEGER NOT NULL,
    quantity        INTEGER NOT NULL
);
CREATE INDEX order_lines_order ON order_lines(order_id);
CREATE INDEX order_lines_product ON order_lines(tenant_id, product_id);

-- One row per payment attempt with a provider.
CREATE TABLE payments (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    order_id      INTEGER NOT NULL REFERENCES orders(id),
    provider      TEXT    NOT NULL,
    provider_ref  TEXT    NOT NULL,
    amount_fen    INTEGER NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'pending',
    pay_url       TEXT    NOT NULL DEFAULT '',
    fail_reason   TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    finished_at   INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX payments_ref ON payments(provider, provider_ref);
CREATE INDEX payments_order ON payments(tenant_id, order_id, id);

-- Provider callbacks already processed, by the provider's event id: a redelivered
-- callback finds its row and changes nothing.
CREATE TABLE payment_events (
    id           INTEGER PRIMARY KEY,
    provider     TEXT    NOT NULL,
    event_id     TEXT    NOT NULL,
    payment_id   INTEGER NOT NULL,
    status       TEXT    NOT NULL,
    received_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX payment_events_once ON payment_events(provider, event_id);

-- Per-deployment secrets of the commerce domain (the sandbox provider's signing key).
CREATE TABLE commerce_secrets (
    name        TEXT    PRIMARY KEY,
    value       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

-- +goose Down
SELECT 1;
