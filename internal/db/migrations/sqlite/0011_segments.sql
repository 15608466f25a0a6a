-- +goose Up
-- Segments (issue 5): a saved rule over tags and behaviour (docs/segments.md) owned by
-- internal/crm/segment. Only the rule is stored; who belongs is computed from the
-- in-memory index when asked, so a segment is always current. Times unix milliseconds.
CREATE TABLE segments (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    name         TEXT    NOT NULL,
    rule         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    created_by   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);

-- +goose Down
SELECT 1;
