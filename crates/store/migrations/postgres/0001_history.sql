-- rampart scan history, schema version 1 (PostgreSQL): the same tables as the SQLite schema.

CREATE TABLE scans (
    id            BIGSERIAL PRIMARY KEY,
    recorded_at   TEXT    NOT NULL,
    scanned_at    TEXT,
    tool_version  TEXT    NOT NULL,
    command       TEXT    NOT NULL,
    config_digest TEXT    NOT NULL,
    input_kind    TEXT    NOT NULL,
    scope         TEXT    NOT NULL,
    inputs        TEXT    NOT NULL,
    accounts      TEXT    NOT NULL,
    regions       TEXT    NOT NULL,
    header        TEXT    NOT NULL,
    fail_critical BIGINT  NOT NULL DEFAULT 0,
    fail_high     BIGINT  NOT NULL DEFAULT 0,
    fail_medium   BIGINT  NOT NULL DEFAULT 0,
    fail_low      BIGINT  NOT NULL DEFAULT 0,
    fail_info     BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX scans_scope ON scans (scope, id);

CREATE TABLE remediations (
    id   BIGSERIAL PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
);

CREATE TABLE results (
    id            BIGSERIAL PRIMARY KEY,
    fingerprint   TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    severity      TEXT    NOT NULL,
    evidence_hash TEXT    NOT NULL,
    content_hash  TEXT    NOT NULL,
    remediation   BIGINT  NOT NULL REFERENCES remediations (id),
    body          TEXT    NOT NULL,
    first_seen    BIGINT  NOT NULL,
    last_seen     BIGINT  NOT NULL,
    UNIQUE (fingerprint, content_hash)  -- content_hash covers status, severity and evidence
);

CREATE TABLE scan_results (
    scan_id   BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    position  BIGINT NOT NULL,
    result_id BIGINT NOT NULL REFERENCES results (id),
    PRIMARY KEY (scan_id, position)
);
CREATE INDEX scan_results_result ON scan_results (result_id);
