-- +goose Up
-- Live sessions, second step (issue 3): co-streaming pairs and invitations, interruption
-- time kept out of the broadcast duration, the gift-catalog seeding marker, and indexes
-- for the phone-code throttle and the sandbox SMS outbox.
ALTER TABLE live_sessions ADD COLUMN co_stream_session_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE live_sessions ADD COLUMN co_stream_invite_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE live_sessions ADD COLUMN co_stream_invite_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE live_sessions ADD COLUMN interrupted_ms INTEGER NOT NULL DEFAULT 0;

-- One row per tenant whose default gift catalog was created, so two first reads racing
-- on PostgreSQL cannot both insert the defaults.
CREATE TABLE gift_catalogs (
    tenant_id   INTEGER PRIMARY KEY REFERENCES tenants(id),
    created_at  INTEGER NOT NULL
);

CREATE INDEX phone_codes_phone ON phone_codes(tenant_id, phone, created_at);
CREATE INDEX notifications_channel ON notifications(tenant_id, channel, id);
CREATE INDEX live_sessions_discover ON live_sessions(status, id);

-- +goose Down
SELECT 1;
