-- +goose Up
-- Live sessions (SPEC §3): lifecycle, settings and the aggregates the rules and
-- rankings read once a session has ended.
CREATE TABLE live_sessions (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants(id),
    host_id           INTEGER NOT NULL REFERENCES users(id),
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    cover_url         TEXT    NOT NULL DEFAULT '',
    theme             TEXT    NOT NULL DEFAULT 'rose',
    announcement      TEXT    NOT NULL DEFAULT '',
    video_url         TEXT    NOT NULL DEFAULT '',
    rundown           TEXT    NOT NULL DEFAULT '[]',
    banned_words      TEXT    NOT NULL DEFAULT '[]',
    slow_mode_seconds INTEGER NOT NULL DEFAULT 0,
    followers_only    INTEGER NOT NULL DEFAULT 0,
    status            TEXT    NOT NULL DEFAULT 'draft',
    scheduled_at      INTEGER NOT NULL DEFAULT 0,
    started_at        INTEGER NOT NULL DEFAULT 0,
    ended_at          INTEGER NOT NULL DEFAULT 0,
    interrupted_at    INTEGER NOT NULL DEFAULT 0,
    live_ms           INTEGER NOT NULL DEFAULT 0,
    peak_online       INTEGER NOT NULL DEFAULT 0,
    viewers           INTEGER NOT NULL DEFAULT 0,
    likes             INTEGER NOT NULL DEFAULT 0,
    comments          INTEGER NOT NULL DEFAULT 0,
    shares            INTEGER NOT NULL DEFAULT 0,
    follows           INTEGER NOT NULL DEFAULT 0,
    gift_value        INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX live_sessions_tenant ON live_sessions(tenant_id, id);
CREATE INDEX live_sessions_status ON live_sessions(status, scheduled_at);
CREATE INDEX live_sessions_host ON live_sessions(tenant_id, host_id, status);

-- Entry links (直播入口): one per channel and sharer, for attribution.
CREATE TABLE entry_links (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    session_id  INTEGER NOT NULL REFERENCES live_sessions(id),
    channel     TEXT    NOT NULL,
    code        TEXT    NOT NULL,
    label       TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX entry_links_code ON entry_links(code);
CREATE INDEX entry_links_session ON entry_links(tenant_id, session_id);

-- Viewers: guests with a nickname, upgradable to a known customer by phone.
CREATE TABLE viewers (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    session_id     INTEGER NOT NULL REFERENCES live_sessions(id),
    nickname       TEXT    NOT NULL,
    token_hash     TEXT    NOT NULL,
    entry_link_id  INTEGER NOT NULL DEFAULT 0,
    phone          TEXT    NOT NULL DEFAULT '',
    customer_id    INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX viewers_token ON viewers(token_hash);
CREATE INDEX viewers_session ON viewers(tenant_id, session_id);
CREATE INDEX viewers_phone ON viewers(tenant_id, phone);

-- One-time codes sent through the notify SMS channel to verify a phone.
CREATE TABLE phone_codes (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    viewer_id   INTEGER NOT NULL REFERENCES viewers(id),
    phone       TEXT    NOT NULL,
    code_hash   TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX phone_codes_viewer ON phone_codes(tenant_id, viewer_id, id);

-- Reservations (预约) of a session; reminded_at is set when the reminder went out.
CREATE TABLE reservations (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    session_id   INTEGER NOT NULL REFERENCES live_sessions(id),
    viewer_id    INTEGER NOT NULL REFERENCES viewers(id),
    created_at   INTEGER NOT NULL,
    reminded_at  INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX reservations_once ON reservations(session_id, viewer_id);

-- In-app notifications (the first notify channel); SMS, e-mail and WeCom come later.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    viewer_id   INTEGER NOT NULL DEFAULT 0,
    phone       TEXT    NOT NULL DEFAULT '',
    channel     TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    dedupe_key  TEXT,
    title       TEXT    NOT NULL DEFAULT '',
    body        TEXT    NOT NULL DEFAULT '',
    link        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    read_at     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX notifications_dedupe ON notifications(dedupe_key);
CREATE INDEX notifications_viewer ON notifications(tenant_id, viewer_id, id);

-- Gift catalog per tenant.
CREATE TABLE gifts (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    name        TEXT    NOT NULL,
    icon        TEXT    NOT NULL DEFAULT '',
    value_fen   INTEGER NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    sort        INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX gifts_tenant ON gifts(tenant_id, active, sort);

-- Follows of a host by a viewer identity (a customer once known, else the viewer).
CREATE TABLE follows (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    host_id     INTEGER NOT NULL REFERENCES users(id),
    viewer_id   INTEGER NOT NULL REFERENCES viewers(id),
    session_id  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX follows_once ON follows(host_id, viewer_id);

-- Room events written in batches by the room engine: comments, gifts, shares, joins.
CREATE TABLE room_events (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    session_id  INTEGER NOT NULL REFERENCES live_sessions(id),
    viewer_id   INTEGER NOT NULL DEFAULT 0,
    user_id     INTEGER NOT NULL DEFAULT 0,
    kind        TEXT    NOT NULL,
    text        TEXT    NOT NULL DEFAULT '',
    ref_id      INTEGER NOT NULL DEFAULT 0,
    amount      INTEGER NOT NULL DEFAULT 0,
    hidden      INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX room_events_session ON room_events(tenant_id, session_id, kind, id);

-- Per-viewer presence in a session: watch time and entry, for attribution and reports.
CREATE TABLE room_presence (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    session_id      INTEGER NOT NULL REFERENCES live_sessions(id),
    viewer_id       INTEGER NOT NULL REFERENCES viewers(id),
    entry_link_id   INTEGER NOT NULL DEFAULT 0,
    first_joined_at INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    watch_ms        INTEGER NOT NULL DEFAULT 0,
    likes           INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX room_presence_once ON room_presence(session_id, viewer_id);

-- Moderation sanctions: mute (timed), kick, ban.
CREATE TABLE room_sanctions (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    session_id  INTEGER NOT NULL REFERENCES live_sessions(id),
    viewer_id   INTEGER NOT NULL REFERENCES viewers(id),
    kind        TEXT    NOT NULL,
    until       INTEGER NOT NULL DEFAULT 0,
    by_user_id  INTEGER NOT NULL DEFAULT 0,
    reason      TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    lifted_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX room_sanctions_session ON room_sanctions(tenant_id, session_id, viewer_id);

-- Popularity per session and hour, summed into hourly and weekly rankings.
CREATE TABLE live_popularity (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    session_id  INTEGER NOT NULL REFERENCES live_sessions(id),
    hour        INTEGER NOT NULL,
    viewers     INTEGER NOT NULL DEFAULT 0,
    comments    INTEGER NOT NULL DEFAULT 0,
    likes       INTEGER NOT NULL DEFAULT 0,
    shares      INTEGER NOT NULL DEFAULT 0,
    follows     INTEGER NOT NULL DEFAULT 0,
    gift_value  INTEGER NOT NULL DEFAULT 0,
    orders      INTEGER NOT NULL DEFAULT 0,
    score       INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX live_popularity_hour ON live_popularity(session_id, hour);
CREATE INDEX live_popularity_rank ON live_popularity(hour, score);

-- Host privileges earned by the rules: goods permission and new-host exposure credits.
CREATE TABLE host_privileges (
    id                   INTEGER PRIMARY KEY,
    tenant_id            INTEGER NOT NULL REFERENCES tenants(id),
    user_id              INTEGER NOT NULL REFERENCES users(id),
    goods_permission_at  INTEGER NOT NULL DEFAULT 0,
    exposure_credits     INTEGER NOT NULL DEFAULT 0,
    new_host_granted_at  INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX host_privileges_user ON host_privileges(user_id);

-- +goose Down
SELECT 1;
