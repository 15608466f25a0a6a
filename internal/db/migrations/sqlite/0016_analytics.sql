-- +goose Up
-- Analytics (issue 6) owned by internal/analytics. Times are unix milliseconds, money
-- integer fen.

-- The event log: every viewer, room and commerce event, written by one batched writer.
-- A row is one segment: the events of one session taken by one flush, encoded column
-- by column (internal/analytics/eventlog/codec.go, docs/analytics.md), so a flush of
-- 100,000 events is a handful of rows and a report reads a million events in one pass.
CREATE TABLE analytics_segments (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL,
    session_id  INTEGER NOT NULL,
    first_at    INTEGER NOT NULL,
    last_at     INTEGER NOT NULL,
    events      INTEGER NOT NULL,
    data        BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX analytics_segments_session ON analytics_segments(tenant_id, session_id, id);

-- The post-live report of a session as last computed, with the watermarks that tell
-- whether it is still current (the last segment read, the session's orders).
CREATE TABLE analytics_reports (
    tenant_id     INTEGER NOT NULL,
    session_id    INTEGER NOT NULL,
    body          TEXT    NOT NULL,
    segment_id    INTEGER NOT NULL,
    orders_mark   TEXT    NOT NULL,
    computed_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, session_id)
);

-- Alerts raised for the host while live (traffic or engagement fell sharply); the
-- unique key stores each alert once however many nodes noticed it.
CREATE TABLE analytics_alerts (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL,
    session_id    INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    window_start  INTEGER NOT NULL,
    window_minutes INTEGER NOT NULL,
    current_n     INTEGER NOT NULL,
    previous_n    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX analytics_alerts_once ON analytics_alerts(tenant_id, session_id, kind, window_start);

-- +goose Down
SELECT 1;
