-- One schema for SQLite and PostgreSQL: TEXT and BIGINT only, so sqlx's Any driver reads
-- both. Secrets are never stored: lookup keys and the engine's state hold digests.
CREATE TABLE enrollments (
    id TEXT PRIMARY KEY,
    version BIGINT NOT NULL,
    exchange TEXT NOT NULL,
    state_name TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX enrollments_updated ON enrollments (updated_at);

CREATE TABLE lookup_keys (
    lookup_key TEXT PRIMARY KEY,
    enrollment TEXT NOT NULL
);

CREATE TABLE users (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    email TEXT,
    display_name TEXT,
    managed_apple_id TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);

CREATE TABLE timers (
    enrollment TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    PRIMARY KEY (enrollment, due_at)
);
CREATE INDEX timers_due ON timers (due_at);

CREATE TABLE devices (
    enrollment TEXT PRIMARY KEY,
    device_kind TEXT NOT NULL,
    device_id TEXT NOT NULL,
    topic TEXT,
    push_token TEXT,
    push_magic TEXT,
    enrolled_at BIGINT,
    checked_out_at BIGINT
);
