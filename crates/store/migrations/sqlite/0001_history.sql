-- rampart scan history, schema version 1 (SQLite).
-- A scan is one run of a command; a result is stored once per distinct content and linked to
-- every scan that found it, so that a hundred scans of an unchanged account hold one copy.

CREATE TABLE scans (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at   TEXT    NOT NULL,  -- RFC 3339, when the scan was stored
    scanned_at    TEXT,              -- RFC 3339, when the data was read (the report's scanned_at)
    tool_version  TEXT    NOT NULL,
    command       TEXT    NOT NULL,  -- scan, collect, policy lint, secrets, deps
    config_digest TEXT    NOT NULL,
    input_kind    TEXT    NOT NULL,  -- the inputs' kinds, comma-separated
    scope         TEXT    NOT NULL,  -- digest of command, kinds, accounts, regions (and paths without accounts)
    inputs        TEXT    NOT NULL,  -- JSON array of the inputs' sources
    accounts      TEXT    NOT NULL,  -- JSON array
    regions       TEXT    NOT NULL,  -- JSON array
    header        TEXT    NOT NULL,  -- the report without its findings (JSON)
    fail_critical INTEGER NOT NULL DEFAULT 0,
    fail_high     INTEGER NOT NULL DEFAULT 0,
    fail_medium   INTEGER NOT NULL DEFAULT 0,
    fail_low      INTEGER NOT NULL DEFAULT 0,
    fail_info     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX scans_scope ON scans (scope, id);

CREATE TABLE remediations (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL  -- JSON
);

CREATE TABLE results (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint   TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    severity      TEXT    NOT NULL,
    evidence_hash TEXT    NOT NULL,  -- the evidence alone: what `diff` calls a change
    content_hash  TEXT    NOT NULL,  -- the whole finding: identical results share a row
    remediation   INTEGER NOT NULL REFERENCES remediations (id),
    body          TEXT    NOT NULL,  -- the finding as JSON, without its remediation
    first_seen    INTEGER NOT NULL,  -- scan id
    last_seen     INTEGER NOT NULL,  -- scan id
    UNIQUE (fingerprint, content_hash)  -- content_hash covers status, severity and evidence
);

CREATE TABLE scan_results (
    scan_id   INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    result_id INTEGER NOT NULL REFERENCES results (id),
    PRIMARY KEY (scan_id, position)
) WITHOUT ROWID;
CREATE INDEX scan_results_result ON scan_results (result_id);
