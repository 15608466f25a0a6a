-- +goose Up
-- One-click reach (一键触达, issue 5) owned by internal/crm/broadcast: a broadcast sends
-- the customers of some segments and/or communities their audience's own talk-track
-- (话术) and poster, promoting one live session, through the notify channels, throttled.
-- Recipients are expanded when the broadcast is sent (one row per customer, from the
-- first audience that holds them), each with its own tracked-link token; the row
-- records what happened to that message and what the customer did with it. Times unix
-- milliseconds.

-- audiences: JSON [{"kind":"segment"|"community","id":N,"text":"talk-track"}], in the
-- order that decides which audience a customer in several belongs to. channels: JSON
-- list tried in order per recipient (the first that reaches them is used). send_rev
-- names the current send job (a reschedule makes a new one); send_part the current
-- slice of a long send (each job run sends for a bounded time, then hands over).
-- recipients is how many the expansion recorded (set when it completes).
CREATE TABLE broadcasts (
    id                   INTEGER PRIMARY KEY,
    tenant_id            INTEGER NOT NULL REFERENCES tenants(id),
    name                 TEXT    NOT NULL,
    session_id           INTEGER NOT NULL REFERENCES live_sessions(id),
    audiences            TEXT    NOT NULL DEFAULT '[]',
    channels             TEXT    NOT NULL DEFAULT '["in_app"]',
    title                TEXT    NOT NULL DEFAULT '',
    coupon               TEXT    NOT NULL DEFAULT '',
    poster               INTEGER NOT NULL DEFAULT 1,
    webhook_endpoint_id  INTEGER NOT NULL DEFAULT 0,
    throttle_per_minute  INTEGER NOT NULL DEFAULT 0,
    status               TEXT    NOT NULL DEFAULT 'draft',
    scheduled_at         INTEGER NOT NULL DEFAULT 0,
    send_rev             INTEGER NOT NULL DEFAULT 0,
    send_part            INTEGER NOT NULL DEFAULT 0,
    entry_link_id        INTEGER NOT NULL DEFAULT 0,
    entry_code           TEXT    NOT NULL DEFAULT '',
    recipients           INTEGER NOT NULL DEFAULT 0,
    started_at           INTEGER NOT NULL DEFAULT 0,
    expanded_at          INTEGER NOT NULL DEFAULT 0,
    finished_at          INTEGER NOT NULL DEFAULT 0,
    cancelled_at         INTEGER NOT NULL DEFAULT 0,
    last_error           TEXT    NOT NULL DEFAULT '',
    created_by           INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX broadcasts_tenant ON broadcasts(tenant_id, id);

-- status: pending (not yet handed to a channel) | delivered | failed | unreachable.
-- viewer_id is the viewer account an in-app message went to; room_viewer_id the viewer
-- of the promoted session the tracked link brought in (the recipient "came" once that
-- viewer is present in the room, room_presence). opened_at: the in-app message was read
-- (also read from notifications) or the poster fetched; clicked_at: the link was opened.
CREATE TABLE broadcast_recipients (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    broadcast_id    INTEGER NOT NULL REFERENCES broadcasts(id),
    customer_id     INTEGER NOT NULL REFERENCES customers(id),
    audience        INTEGER NOT NULL,
    token           TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending',
    channel         TEXT    NOT NULL DEFAULT '',
    reason          TEXT    NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    viewer_id       INTEGER NOT NULL DEFAULT 0,
    delivered_at    INTEGER NOT NULL DEFAULT 0,
    opened_at       INTEGER NOT NULL DEFAULT 0,
    clicked_at      INTEGER NOT NULL DEFAULT 0,
    clicks          INTEGER NOT NULL DEFAULT 0,
    room_viewer_id  INTEGER NOT NULL DEFAULT 0,
    joins           INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX broadcast_recipients_once ON broadcast_recipients(broadcast_id, customer_id);
CREATE UNIQUE INDEX broadcast_recipients_token ON broadcast_recipients(token);
CREATE INDEX broadcast_recipients_status ON broadcast_recipients(broadcast_id, status, id);

-- +goose Down
SELECT 1;
