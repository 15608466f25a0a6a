-- +goose Up
-- Communities (社群, issue 5): groups of a brand's customers with an announcement,
-- managers, a live entry link, in-group red envelopes and 接龙 sign-up chains; owned by
-- internal/crm/community (docs in its package comment). Times unix milliseconds, money
-- integer fen.
CREATE TABLE communities (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    name             TEXT    NOT NULL,
    avatar_url       TEXT    NOT NULL DEFAULT '',
    announcement     TEXT    NOT NULL DEFAULT '',
    announcement_at  INTEGER NOT NULL DEFAULT 0,
    join_mode        TEXT    NOT NULL DEFAULT 'open',
    code             TEXT    NOT NULL,
    invite_code      TEXT    NOT NULL,
    session_id       INTEGER NOT NULL DEFAULT 0,
    entry_link_id    INTEGER NOT NULL DEFAULT 0,
    entry_code       TEXT    NOT NULL DEFAULT '',
    created_by       INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    deleted_at       INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX communities_code ON communities(code);
CREATE INDEX communities_tenant ON communities(tenant_id, id);

-- Managers (群管理): staff who speak for the group (send envelopes, open chains).
CREATE TABLE community_managers (
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    tenant_id     INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (community_id, user_id)
);

-- Members: CRM customers. source: staff (added by id), rule (bulk by tag/segment rule),
-- join (joined through the public page).
CREATE TABLE community_members (
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    tenant_id     INTEGER NOT NULL,
    customer_id   INTEGER NOT NULL,
    source        TEXT    NOT NULL,
    added_by      INTEGER NOT NULL DEFAULT 0,
    joined_at     INTEGER NOT NULL,
    PRIMARY KEY (community_id, customer_id)
);
CREATE INDEX community_members_customer ON community_members(tenant_id, customer_id);

-- Guests: a device's identity on a brand's community pages (token hash only), linked
-- to the CRM customer it stands for.
CREATE TABLE community_guests (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    token_hash   TEXT    NOT NULL,
    customer_id  INTEGER NOT NULL,
    nickname     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX community_guests_token ON community_guests(token_hash);

-- In-group red envelopes: shares are split once at creation (promo.Split) and taken in
-- order; at every moment total = grabbed_amount + (what is left) + refunded.
CREATE TABLE community_envelopes (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    created_by      INTEGER NOT NULL DEFAULT 0,
    mode            TEXT    NOT NULL,
    message         TEXT    NOT NULL DEFAULT '',
    total           INTEGER NOT NULL,
    share_count     INTEGER NOT NULL,
    shares          TEXT    NOT NULL,
    grabbed_count   INTEGER NOT NULL DEFAULT 0,
    grabbed_amount  INTEGER NOT NULL DEFAULT 0,
    refunded        INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL DEFAULT 'open',
    expires_at      INTEGER NOT NULL,
    closed_at       INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);
CREATE INDEX community_envelopes_community ON community_envelopes(tenant_id, community_id, id);

-- One row per grab, keyed by its share; one grab per customer per envelope.
CREATE TABLE community_envelope_grabs (
    envelope_id  INTEGER NOT NULL REFERENCES community_envelopes(id),
    seq          INTEGER NOT NULL,
    tenant_id    INTEGER NOT NULL,
    customer_id  INTEGER NOT NULL,
    nickname     TEXT    NOT NULL DEFAULT '',
    amount       INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (envelope_id, seq)
);
CREATE UNIQUE INDEX community_envelope_grabs_customer ON community_envelope_grabs(envelope_id, customer_id);

-- 接龙 sign-up chains; entry_count numbers the entries (bumped under the row lock).
CREATE TABLE community_chains (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    created_by    INTEGER NOT NULL DEFAULT 0,
    title         TEXT    NOT NULL,
    template      TEXT    NOT NULL DEFAULT '',
    max_entries   INTEGER NOT NULL DEFAULT 0,
    entry_count   INTEGER NOT NULL DEFAULT 0,
    deadline_at   INTEGER NOT NULL DEFAULT 0,
    status        TEXT    NOT NULL DEFAULT 'open',
    closed_at     INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE INDEX community_chains_community ON community_chains(tenant_id, community_id, id);

CREATE TABLE community_chain_entries (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL,
    chain_id     INTEGER NOT NULL REFERENCES community_chains(id),
    seq          INTEGER NOT NULL,
    customer_id  INTEGER NOT NULL,
    nickname     TEXT    NOT NULL DEFAULT '',
    note         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX community_chain_entries_customer ON community_chain_entries(chain_id, customer_id);
CREATE UNIQUE INDEX community_chain_entries_seq ON community_chain_entries(chain_id, seq);

-- +goose Down
SELECT 1;
