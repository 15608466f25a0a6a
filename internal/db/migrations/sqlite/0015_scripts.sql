-- +goose Up
-- Script library (话术库, issue 5) owned by internal/crm/script: ready answers to the
-- questions customers ask again and again (shipping time, returns, live duration,
-- discounts), grouped in categories, sent by agents in one click. A script's replies
-- (snippets: text, image, video or link) are stored as one JSON array because they are
-- always read and written whole; search_text is the lower-cased title, keywords and
-- snippet texts the search box looks in. Times unix milliseconds.
CREATE TABLE script_categories (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    name        TEXT    NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE scripts (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    category_id  INTEGER REFERENCES script_categories(id),
    title        TEXT    NOT NULL,
    keywords     TEXT    NOT NULL DEFAULT '[]',
    snippets     TEXT    NOT NULL DEFAULT '[]',
    search_text  TEXT    NOT NULL DEFAULT '',
    use_count    INTEGER NOT NULL DEFAULT 0,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX scripts_tenant_category ON scripts(tenant_id, category_id);

-- A tenant whose library got the default categories once; deleting them later does
-- not bring them back.
CREATE TABLE script_seeds (
    tenant_id   INTEGER PRIMARY KEY REFERENCES tenants(id),
    seeded_at   INTEGER NOT NULL
);

-- +goose Down
SELECT 1;
