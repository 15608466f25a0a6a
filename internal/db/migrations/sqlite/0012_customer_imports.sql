-- +goose Up
-- Customer import (issue 5, internal/crm/transfer): an uploaded CSV/Excel file checked
-- row by row (the dry run) and stored as a plan; confirming applies the plan through
-- the CRM in batches and records each row's result. Times unix milliseconds.
CREATE TABLE customer_imports (
    id                 INTEGER PRIMARY KEY,
    tenant_id          INTEGER NOT NULL REFERENCES tenants(id),
    status             TEXT    NOT NULL,             -- checking | ready | applying | done | failed
    filename           TEXT    NOT NULL DEFAULT '',
    format             TEXT    NOT NULL,             -- csv | xlsx
    encoding           TEXT    NOT NULL DEFAULT '',
    sheet              TEXT    NOT NULL DEFAULT '',
    column_map         TEXT    NOT NULL DEFAULT '[]', -- JSON: the header and the field of each column
    total_rows         INTEGER NOT NULL DEFAULT 0,
    new_rows           INTEGER NOT NULL DEFAULT 0,
    merge_rows         INTEGER NOT NULL DEFAULT 0,
    error_rows         INTEGER NOT NULL DEFAULT 0,
    blank_rows         INTEGER NOT NULL DEFAULT 0,
    applied_through    INTEGER NOT NULL DEFAULT 0,   -- rows up to this row number are applied
    applied_rows       INTEGER NOT NULL DEFAULT 0,
    created_count      INTEGER NOT NULL DEFAULT 0,
    merged_count       INTEGER NOT NULL DEFAULT 0,
    failed_count       INTEGER NOT NULL DEFAULT 0,
    error              TEXT    NOT NULL DEFAULT '',
    created_by         INTEGER NOT NULL DEFAULT 0,
    created_by_email   TEXT    NOT NULL DEFAULT '',
    confirmed_by       INTEGER NOT NULL DEFAULT 0,
    confirmed_by_email TEXT    NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,
    confirmed_at       INTEGER NOT NULL DEFAULT 0,
    finished_at        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX customer_imports_tenant ON customer_imports(tenant_id, id);

CREATE TABLE customer_import_rows (
    tenant_id    INTEGER NOT NULL,
    import_id    INTEGER NOT NULL REFERENCES customer_imports(id),
    row_no       INTEGER NOT NULL,                   -- as the spreadsheet numbers it
    status       TEXT    NOT NULL,                   -- new | merge | error
    name         TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    openid       TEXT    NOT NULL DEFAULT '',
    unionid      TEXT    NOT NULL DEFAULT '',
    tags         TEXT    NOT NULL DEFAULT '',        -- tab-separated names
    remark       TEXT    NOT NULL DEFAULT '',
    source       TEXT    NOT NULL DEFAULT '',
    same_as_row  INTEGER NOT NULL DEFAULT 0,
    customer_id  INTEGER NOT NULL DEFAULT 0,         -- the existing customer, then the one applied to
    issues       TEXT    NOT NULL DEFAULT '',        -- JSON list, '' for none
    result       TEXT    NOT NULL DEFAULT '',        -- '' until confirmed; created | merged | failed | skipped
    PRIMARY KEY (import_id, row_no)
);

-- +goose Down
SELECT 1;
