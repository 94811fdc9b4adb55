//! Scan history: every scan rampart records, in SQLite (one file, the default) or PostgreSQL (a
//! team's shared store), and the differences between two scans.
//!
//! A scan is stored once with what it read (inputs, accounts, regions, input kinds), when, the
//! tool version and a digest of its configuration. Its results are stored once per distinct
//! content: a result row is keyed by the finding's fingerprint and a hash of the whole finding
//! (status, severity, evidence, message…), carries the first and last scan that found it, and
//! each scan links to the rows it found. A hundred scans of an unchanged account hold one copy of
//! each result and a hundred sets of links.
//!
//! The store receives the report as the command printed it, secrets already redacted
//! (`rampart_report::redact`): nothing reaches the database that the report did not show.
//!
//! Schema migrations are `.sql` files under `migrations/<backend>/`, applied on open in a
//! transaction; the version is recorded in `rampart_schema`. A store written by a newer rampart
//! (a version this binary does not know) is refused rather than misread.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use rampart_model::{Evidence, Finding, Location, Remediation, Report, Severity, Status};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

mod postgres;
mod sqlite;
mod tls;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// The schema version this binary writes and reads.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// One migration: its version and its SQL for each backend.
pub(crate) struct Migration {
    pub version: i64,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// Every migration, in order.
pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    sqlite: include_str!("../migrations/sqlite/0001_history.sql"),
    postgres: include_str!("../migrations/postgres/0001_history.sql"),
}];

/// Refuses a store whose recorded schema version is newer than this binary knows.
pub(crate) fn refuse_newer(store: &str, found: i64) -> Result<(), StoreError> {
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            store: store.to_owned(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Why the store could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The `--store` value is not a store address.
    #[error(
        "`{0}` is not a store: use `sqlite:PATH`, a path to a SQLite file, or `postgres://USER@HOST[:PORT]/DB`"
    )]
    BadUrl(String),
    /// No data directory to put the default store in.
    #[error(
        "no data directory for the default store (HOME is not set): name one with `--store sqlite:PATH`"
    )]
    NoDataDir,
    /// The store was written by a newer rampart.
    #[error(
        "the store {store} has schema version {found}, newer than this rampart knows ({known}): upgrade rampart to read it"
    )]
    NewerSchema {
        /// Where.
        store: String,
        /// The version found.
        found: i64,
        /// The newest version this binary knows.
        known: i64,
    },
    /// SQLite failed.
    #[error("SQLite store {store}: {source}")]
    Sqlite {
        /// Where.
        store: String,
        /// The cause.
        source: rusqlite::Error,
    },
    /// PostgreSQL failed.
    #[error("PostgreSQL store {store}: {source}")]
    Postgres {
        /// Where (the address without its password).
        store: String,
        /// The cause.
        source: tokio_postgres::Error,
    },
    /// The TLS settings of a PostgreSQL address are wrong (`sslmode`, `sslrootcert`).
    #[error("PostgreSQL store {store}: TLS: {message}")]
    Tls {
        /// Where.
        store: String,
        /// What is wrong.
        message: String,
    },
    /// The PostgreSQL server's certificate was refused.
    #[error("PostgreSQL store {store}: {source} ({hint})")]
    Certificate {
        /// Where.
        store: String,
        /// The cause.
        source: tokio_postgres::Error,
        /// What is checked and how to name the CA.
        hint: String,
    },
    /// An I/O error (creating the store's directory, starting the client runtime).
    #[error("store {store}: {source}")]
    Io {
        /// Where.
        store: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A stored row could not be read back.
    #[error("store {store}: scan {scan}: a stored result is not readable: {message}")]
    Corrupt {
        /// Where.
        store: String,
        /// The scan.
        scan: i64,
        /// What is wrong.
        message: String,
    },
    /// No such scan.
    #[error("store {store}: no scan {scan} (`rampart history` lists them)")]
    NoScan {
        /// Where.
        store: String,
        /// The scan asked for.
        scan: i64,
    },
}

/// Where a store is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string (`postgres://…` or `postgresql://…`).
    Postgres(String),
}

impl StoreUrl {
    /// The default store: `rampart/history.sqlite` in the user's data directory
    /// (`$XDG_DATA_HOME` or `~/.local/share` on Linux, `~/Library/Application Support` on macOS).
    ///
    /// # Errors
    /// No data directory can be found.
    pub fn default_sqlite() -> Result<StoreUrl, StoreError> {
        let dir = dirs::data_dir().ok_or(StoreError::NoDataDir)?;
        Ok(StoreUrl::Sqlite(dir.join("rampart").join("history.sqlite")))
    }
}

impl FromStr for StoreUrl {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(StoreUrl::Postgres(s.to_owned()));
        }
        if let Some(path) = s
            .strip_prefix("sqlite://")
            .or_else(|| s.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(StoreError::BadUrl(s.to_owned()));
            }
            return Ok(StoreUrl::Sqlite(PathBuf::from(path)));
        }
        if s.is_empty() || s.contains("://") {
            return Err(StoreError::BadUrl(s.to_owned()));
        }
        Ok(StoreUrl::Sqlite(PathBuf::from(s)))
    }
}

impl fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreUrl::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            StoreUrl::Postgres(url) => f.write_str(&without_password(url)),
        }
    }
}

/// A connection string with any password replaced by `***` (in the user part or as a
/// `password=` parameter): errors never print it.
#[must_use]
pub fn without_password(url: &str) -> String {
    let (url, query) = match url.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (url, None),
    };
    let mut out = match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((auth, host)) => match auth.split_once(':') {
                Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
                None => url.to_owned(),
            },
            None => url.to_owned(),
        },
        None => url.to_owned(),
    };
    if let Some(query) = query {
        let pairs: Vec<&str> = query
            .split('&')
            .map(|p| {
                if p.starts_with("password=") {
                    "password=***"
                } else {
                    p
                }
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
}

/// What a command tells the store about a scan, beside its report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanMeta {
    /// The command (`scan`, `collect`, `policy lint`, `secrets`, `deps`).
    pub command: String,
    /// The accounts read.
    pub accounts: Vec<String>,
    /// The regions read.
    pub regions: Vec<String>,
    /// A digest of the configuration in force (file contents and check selection).
    pub config_digest: String,
    /// When the scan was recorded (RFC 3339).
    pub recorded_at: String,
}

/// A stored scan, as `rampart history` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanInfo {
    /// Its id.
    pub id: i64,
    /// When it was recorded.
    pub recorded_at: String,
    /// When its data was read.
    pub scanned_at: Option<String>,
    /// The rampart version that made it.
    pub tool_version: String,
    /// The command.
    pub command: String,
    /// The configuration digest.
    pub config_digest: String,
    /// The inputs' kinds.
    pub input_kind: String,
    /// The scope digest: scans of one scope are compared by default.
    pub scope: String,
    /// The inputs' sources.
    pub inputs: Vec<String>,
    /// The accounts.
    pub accounts: Vec<String>,
    /// The regions.
    pub regions: Vec<String>,
    /// Failures by severity (`critical`…`info`), as the report counted them.
    pub failures: BTreeMap<String, i64>,
}

/// What a store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Scans.
    pub scans: i64,
    /// Distinct results.
    pub results: i64,
    /// Links from scans to results (one per result of each scan).
    pub links: i64,
}

/// Which scans `history` lists.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Scans that read this account.
    pub account: Option<String>,
    /// Scans with an input whose source contains this text.
    pub input: Option<String>,
    /// Scans of this scope.
    pub scope: Option<String>,
}

impl Filter {
    fn keeps(&self, s: &ScanInfo) -> bool {
        self.account
            .as_ref()
            .is_none_or(|a| s.accounts.iter().any(|x| x == a))
            && self
                .input
                .as_ref()
                .is_none_or(|i| s.inputs.iter().any(|x| x.contains(i.as_str())))
            && self.scope.as_ref().is_none_or(|sc| &s.scope == sc)
    }
}

/// What `history prune` removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prune {
    /// Keep the N most recent scans of each scope.
    Keep(usize),
    /// Remove scans recorded more than this many days before `now`.
    OlderThan {
        /// Days.
        days: i64,
        /// Now, RFC 3339 UTC (`recorded_at` values compare as text).
        now: rampart_model::Timestamp,
    },
}

/// One result of a stored scan, as a diff compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultKey {
    /// The row.
    pub id: i64,
    /// The finding's fingerprint.
    pub fingerprint: Hex<16>,
    /// Its status.
    pub status: Status,
    /// Its severity.
    pub severity: Severity,
    /// The hash of its evidence.
    pub evidence_hash: Hex<32>,
}

/// Every status, as stored.
const STATUSES: [Status; 5] = [
    Status::Fail,
    Status::Pass,
    Status::NotAssessed,
    Status::Manual,
    Status::Waived,
];

impl ResultKey {
    /// A key from its stored columns; `None` when one is not as rampart writes it.
    pub(crate) fn parse(
        id: i64,
        fingerprint: &str,
        status: &str,
        severity: &str,
        evidence_hash: &str,
    ) -> Option<ResultKey> {
        Some(ResultKey {
            id,
            fingerprint: Hex::parse(fingerprint)?,
            status: STATUSES.into_iter().find(|s| s.as_str() == status)?,
            severity: severity.parse().ok()?,
            evidence_hash: Hex::parse(evidence_hash)?,
        })
    }
}

/// A result found in both scans with another status, severity or evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// What changed: `status`, `severity`, `evidence`.
    pub changed: Vec<&'static str>,
    /// The result in the older scan.
    pub before: Finding,
    /// The result in the newer scan.
    pub after: Finding,
}

/// The difference between two scans. Passes are not results here: a failure that now passes is
/// resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// The older scan.
    pub old: ScanInfo,
    /// The newer scan.
    pub new_scan: ScanInfo,
    /// In the newer scan only.
    pub new: Vec<Finding>,
    /// In the older scan only (fixed, or no longer found).
    pub resolved: Vec<Finding>,
    /// In both, with another status, severity or evidence.
    pub changed: Vec<Change>,
    /// In both, the same.
    pub unchanged: usize,
}

/// Which rows of two scans are new, resolved, changed (as pairs) and how many are unchanged.
pub(crate) struct RowDiff {
    pub new: Vec<i64>,
    pub resolved: Vec<i64>,
    pub changed: Vec<(Vec<&'static str>, i64, i64)>,
    pub unchanged: usize,
}

/// Compares two scans' results by fingerprint (passes left out): both sides sorted by
/// (fingerprint, evidence hash), then merged. Two results of one scan with the same fingerprint
/// are paired in the order of their evidence hashes.
pub(crate) fn diff_rows(mut old: Vec<ResultKey>, mut new: Vec<ResultKey>) -> RowDiff {
    old.retain(|r| r.status != Status::Pass);
    new.retain(|r| r.status != Status::Pass);
    let order = |a: &ResultKey, b: &ResultKey| {
        (&a.fingerprint, &a.evidence_hash).cmp(&(&b.fingerprint, &b.evidence_hash))
    };
    old.sort_unstable_by(order);
    new.sort_unstable_by(order);
    let mut out = RowDiff {
        new: Vec::new(),
        resolved: Vec::new(),
        changed: Vec::new(),
        unchanged: 0,
    };
    let (mut i, mut j) = (0, 0);
    loop {
        match (old.get(i), new.get(j)) {
            (None, None) => break,
            (Some(b), None) => {
                out.resolved.push(b.id);
                i += 1;
            }
            (None, Some(a)) => {
                out.new.push(a.id);
                j += 1;
            }
            (Some(b), Some(a)) => match b.fingerprint.cmp(&a.fingerprint) {
                std::cmp::Ordering::Less => {
                    out.resolved.push(b.id);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.new.push(a.id);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    let mut what = Vec::new();
                    if b.status != a.status {
                        what.push("status");
                    }
                    if b.severity != a.severity {
                        what.push("severity");
                    }
                    if b.evidence_hash != a.evidence_hash {
                        what.push("evidence");
                    }
                    if what.is_empty() {
                        out.unchanged += 1;
                    } else {
                        out.changed.push((what, b.id, a.id));
                    }
                    i += 1;
                    j += 1;
                }
            },
        }
    }
    out
}

/// A report's rows, ready to write.
pub(crate) struct Prepared {
    /// The report without findings, and the passes it counted without listing.
    pub header: String,
    /// Failures by severity: critical, high, medium, low, info.
    pub failures: [i64; 5],
    /// Distinct remediations: hash, JSON.
    pub remediations: Vec<(String, String)>,
    /// Distinct result rows, sorted by (fingerprint, content hash) so that concurrent writers
    /// take row locks in one order.
    pub rows: Vec<Row>,
    /// For each finding in report order, its index in `rows`.
    pub members: Vec<usize>,
    /// The inputs' sources and kinds.
    pub inputs: Vec<String>,
    /// The kinds, comma-separated.
    pub input_kind: String,
    /// The scope digest.
    pub scope: String,
}

/// One distinct result.
pub(crate) struct Row {
    pub fingerprint: Hex<16>,
    pub status: &'static str,
    pub severity: &'static str,
    pub evidence_hash: Hex<32>,
    pub content_hash: Hex<32>,
    /// Index in `Prepared::remediations`.
    pub remediation: usize,
    pub body: String,
}

#[derive(Serialize, Deserialize)]
struct Header {
    report: Report,
    #[serde(default)]
    passes_not_listed: BTreeMap<String, usize>,
}

/// Hex SHA-256 of `bytes`, cut to 128 bits (32 hex digits).
#[must_use]
pub fn digest_hex(bytes: &[u8]) -> String {
    digest(bytes).as_str().to_owned()
}

/// `N` lowercase hex digits, kept inline: a scan has 100,000 of each key and none needs the heap.
/// They order as their text does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hex<const N: usize>([u8; N]);

impl<const N: usize> Hex<N> {
    /// The digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// `text` if it is `N` hex digits (as stored), else `None`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Hex<N>> {
        let bytes: [u8; N] = text.as_bytes().try_into().ok()?;
        bytes
            .iter()
            .all(u8::is_ascii_hexdigit)
            .then(|| Hex(bytes.map(|b| b.to_ascii_lowercase())))
    }

    fn of(bytes: &[u8]) -> Hex<N> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b'0'; N];
        for (i, b) in bytes.iter().take(N / 2).enumerate() {
            out[2 * i] = DIGITS[usize::from(b >> 4)];
            out[2 * i + 1] = DIGITS[usize::from(b & 0xf)];
        }
        Hex(out)
    }
}

impl<const N: usize> fmt::Display for Hex<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize> rusqlite::ToSql for Hex<N> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(&self.0),
        ))
    }
}

/// SHA-256 of `bytes`, its first 128 bits in hex: the content and evidence hashes of a result.
/// Collision resistance matters here (a result whose hash collided with another's would be
/// stored as that one), so a cryptographic hash; with the CPU's SHA instructions it costs a few
/// milliseconds for a 100,000-result scan.
fn digest(bytes: &[u8]) -> Hex<32> {
    Hex::of(&Sha256::digest(bytes))
}

/// The scope of a scan: the command, the inputs' kinds and the accounts and regions read; for
/// inputs without an account of their own (IaC, source trees, policy files), the inputs' sources.
#[must_use]
pub fn scope_of(command: &str, report: &Report, accounts: &[String], regions: &[String]) -> String {
    let kinds: BTreeSet<&str> = report.inputs.iter().map(|i| i.kind.as_str()).collect();
    let account_based = !accounts.is_empty()
        && report
            .inputs
            .iter()
            .all(|i| matches!(i.kind.as_str(), "live" | "snapshot"));
    let mut key = format!(
        "{command}\n{}\n",
        kinds.into_iter().collect::<Vec<_>>().join(",")
    );
    let sorted = |v: &[String]| {
        let s: BTreeSet<&str> = v.iter().map(String::as_str).collect();
        s.into_iter().collect::<Vec<_>>().join(",")
    };
    key.push_str(&sorted(accounts));
    key.push('\n');
    key.push_str(&sorted(regions));
    if !account_based {
        let sources: Vec<String> = report.inputs.iter().map(|i| i.source.clone()).collect();
        key.push('\n');
        key.push_str(&sorted(&sources));
    }
    digest(key.as_bytes()).as_str()[..16].to_owned()
}

fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
        Severity::Info => 4,
    }
}

/// The severity names in the order of [`Prepared::failures`].
pub(crate) const SEVERITY_COLUMNS: [&str; 5] = ["critical", "high", "medium", "low", "info"];

/// A finding as a result row stores it: every field but the remediation, which is stored once
/// per distinct text (`remediations`). The evidence is written last, so that its text — hashed
/// for `evidence_hash` — is a slice of the body and the finding is serialised once.
#[derive(Serialize)]
struct StoredFinding<'a> {
    check: &'a str,
    name: &'a str,
    controls: &'a [String],
    severity: Severity,
    status: Status,
    resource: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver_reason: Option<&'a str>,
}

/// A stored body read back (the remediation comes from its own row).
#[derive(Deserialize)]
struct StoredBody {
    check: String,
    name: String,
    controls: Vec<String>,
    severity: Severity,
    status: Status,
    resource: String,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    region: Option<String>,
    message: String,
    #[serde(default)]
    evidence: Evidence,
    #[serde(default)]
    location: Option<Location>,
    #[serde(default)]
    waiver_reason: Option<String>,
}

/// A finding's stored text: `(body, evidence)`, where `evidence` is the evidence's JSON, the end
/// of `body` (`body = {…,"evidence":EVIDENCE}`).
fn body_of(f: &Finding) -> Result<(String, std::ops::Range<usize>), String> {
    // Every field named: a field added to `Finding` does not compile here until it is stored.
    let Finding {
        check,
        name,
        controls,
        severity,
        status,
        resource,
        account,
        region,
        message,
        evidence,
        location,
        remediation: _,
        waiver_reason,
    } = f;
    let head = StoredFinding {
        check,
        name,
        controls,
        severity: *severity,
        status: *status,
        resource,
        account: account.as_deref(),
        region: region.as_deref(),
        message,
        location: location.as_ref(),
        waiver_reason: waiver_reason.as_deref(),
    };
    let mut body = serde_json::to_vec(&head).map_err(|e| e.to_string())?;
    // `head` is an object with at least `check`: replace its closing brace.
    body.pop();
    body.extend_from_slice(b",\"evidence\":");
    let from = body.len();
    serde_json::to_writer(&mut body, evidence).map_err(|e| e.to_string())?;
    let to = body.len();
    body.push(b'}');
    let body = String::from_utf8(body).map_err(|e| e.to_string())?;
    Ok((body, from..to))
}

pub(crate) fn prepare(command: &str, meta: &ScanMeta, report: &Report) -> Result<Prepared, String> {
    let header = Header {
        report: Report {
            tool: report.tool.clone(),
            inputs: report.inputs.clone(),
            scanned_at: report.scanned_at,
            settings: report.settings.clone(),
            findings: Vec::new(),
            gaps: report.gaps.clone(),
            summary: report.summary.clone(),
            passes_not_listed: BTreeMap::new(),
        },
        passes_not_listed: report.passes_not_listed.clone(),
    };
    let header = serde_json::to_string(&header).map_err(|e| e.to_string())?;
    let mut failures = [0i64; 5];
    let mut remediations: Vec<(String, String)> = Vec::new();
    let mut remediation_index: HashMap<*const Remediation, usize> = HashMap::new();
    let mut by_hash: HashMap<String, usize> = HashMap::new();
    let mut rows: Vec<Row> = Vec::with_capacity(report.findings.len());
    let mut members = Vec::with_capacity(report.findings.len());
    for f in &report.findings {
        if f.status == Status::Fail {
            failures[severity_index(f.severity)] += 1;
        }
        // Findings of one check share their remediation: hash it once per shared value.
        let ptr = std::sync::Arc::as_ptr(&f.remediation);
        let remediation = match remediation_index.get(&ptr) {
            Some(&i) => i,
            None => {
                let body = serde_json::to_string(&*f.remediation).map_err(|e| e.to_string())?;
                let hash = digest(body.as_bytes()).as_str().to_owned();
                let i = *by_hash.entry(hash.clone()).or_insert_with(|| {
                    remediations.push((hash, body));
                    remediations.len() - 1
                });
                remediation_index.insert(ptr, i);
                i
            }
        };
        let (body, evidence) = body_of(f)?;
        let fingerprint = f.fingerprint();
        let fingerprint = Hex::parse(&fingerprint)
            .ok_or_else(|| format!("fingerprint `{fingerprint}` is not 16 hex digits"))?;
        rows.push(Row {
            fingerprint,
            status: f.status.as_str(),
            severity: f.severity.as_str(),
            evidence_hash: digest(&body.as_bytes()[evidence]),
            content_hash: digest(body.as_bytes()),
            remediation,
            body,
        });
        members.push(rows.len() - 1);
    }
    // Sort rows by key and keep one of each (identical results of one scan share a row), with
    // `members` pointing at the rows kept.
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        (&rows[a].fingerprint, &rows[a].content_hash)
            .cmp(&(&rows[b].fingerprint, &rows[b].content_hash))
    });
    let mut new_index = vec![0usize; rows.len()];
    let mut slots: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
    let mut rows: Vec<Row> = Vec::with_capacity(slots.len());
    for &old in &order {
        let Some(row) = slots[old].take() else {
            continue;
        };
        let same = rows.last().is_some_and(|last: &Row| {
            last.fingerprint == row.fingerprint && last.content_hash == row.content_hash
        });
        if !same {
            rows.push(row);
        }
        new_index[old] = rows.len() - 1;
    }
    for m in &mut members {
        *m = new_index[*m];
    }
    let kinds: BTreeSet<&str> = report.inputs.iter().map(|i| i.kind.as_str()).collect();
    Ok(Prepared {
        header,
        failures,
        remediations,
        rows,
        members,
        inputs: report.inputs.iter().map(|i| i.source.clone()).collect(),
        input_kind: kinds.into_iter().collect::<Vec<_>>().join(","),
        scope: scope_of(command, report, &meta.accounts, &meta.regions),
    })
}

/// Reads a stored remediation (once per distinct text: findings share it).
pub(crate) fn remediation_of(text: &str) -> Result<std::sync::Arc<Remediation>, String> {
    serde_json::from_str(text)
        .map(std::sync::Arc::new)
        .map_err(|e| e.to_string())
}

/// Rebuilds a finding from its stored body and remediation.
pub(crate) fn finding_of(
    body: &str,
    remediation: std::sync::Arc<Remediation>,
) -> Result<Finding, String> {
    let StoredBody {
        check,
        name,
        controls,
        severity,
        status,
        resource,
        account,
        region,
        message,
        evidence,
        location,
        waiver_reason,
    } = serde_json::from_str(body).map_err(|e| e.to_string())?;
    Ok(Finding {
        check,
        name,
        controls,
        severity,
        status,
        resource,
        account,
        region,
        message,
        evidence,
        location,
        remediation,
        waiver_reason,
    })
}

/// Why a stored finding could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    Sqlite(rusqlite::Error),
    Postgres(tokio_postgres::Error),
    Corrupt { scan: i64, message: String },
}

impl From<rusqlite::Error> for ReadError {
    fn from(e: rusqlite::Error) -> Self {
        ReadError::Sqlite(e)
    }
}

impl From<rusqlite::types::FromSqlError> for ReadError {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        ReadError::Sqlite(e.into())
    }
}

impl From<tokio_postgres::Error> for ReadError {
    fn from(e: tokio_postgres::Error) -> Self {
        ReadError::Postgres(e)
    }
}

impl ReadError {
    pub(crate) fn into_store(self, store: &str) -> StoreError {
        let store = store.to_owned();
        match self {
            ReadError::Sqlite(source) => StoreError::Sqlite { store, source },
            ReadError::Postgres(source) => StoreError::Postgres { store, source },
            ReadError::Corrupt { scan, message } => StoreError::Corrupt {
                store,
                scan,
                message,
            },
        }
    }
}

/// Reads stored findings, each distinct remediation parsed once and shared, as in the report
/// that was stored.
pub(crate) struct FindingReader {
    scan: i64,
    remediations: HashMap<i64, std::sync::Arc<Remediation>>,
}

impl FindingReader {
    pub(crate) fn new(scan: i64) -> FindingReader {
        FindingReader {
            scan,
            remediations: HashMap::new(),
        }
    }

    /// The finding of `body`, with remediation `id` (its text from `text` the first time).
    pub(crate) fn finding(
        &mut self,
        body: &str,
        id: i64,
        text: impl FnOnce() -> Result<String, ReadError>,
    ) -> Result<Finding, ReadError> {
        let scan = self.scan;
        let corrupt = |message| ReadError::Corrupt { scan, message };
        let remediation = match self.remediations.get(&id) {
            Some(r) => r.clone(),
            None => {
                let r = remediation_of(&text()?).map_err(corrupt)?;
                self.remediations.insert(id, r.clone());
                r
            }
        };
        finding_of(body, remediation).map_err(corrupt)
    }
}

/// Rebuilds a report from its stored header and findings.
pub(crate) fn report_of(header: &str, findings: Vec<Finding>) -> Result<Report, String> {
    let header: Header = serde_json::from_str(header).map_err(|e| e.to_string())?;
    let mut report = header.report;
    report.findings = findings;
    report.passes_not_listed = header.passes_not_listed;
    Ok(report)
}

/// A stored scan row's columns, as both backends read them.
pub(crate) fn scan_info(
    cols: (
        i64,
        String,
        Option<String>,
        String,
        String,
        String,
        String,
        String,
    ),
    lists: (&str, &str, &str),
    failures: [i64; 5],
) -> ScanInfo {
    let (id, recorded_at, scanned_at, tool_version, command, config_digest, input_kind, scope) =
        cols;
    let list = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_default();
    ScanInfo {
        id,
        recorded_at,
        scanned_at,
        tool_version,
        command,
        config_digest,
        input_kind,
        scope,
        inputs: list(lists.0),
        accounts: list(lists.1),
        regions: list(lists.2),
        failures: SEVERITY_COLUMNS
            .iter()
            .zip(failures)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| ((*s).to_owned(), n))
            .collect(),
    }
}

/// The columns of `scans` read by [`scan_info`], in order.
pub(crate) const SCAN_COLUMNS: &str = "id, recorded_at, scanned_at, tool_version, command, \
     config_digest, input_kind, scope, inputs, accounts, regions, fail_critical, fail_high, \
     fail_medium, fail_low, fail_info";

/// A store: SQLite or PostgreSQL, with one set of operations.
pub enum Store {
    /// A SQLite file.
    Sqlite(SqliteStore),
    /// A PostgreSQL database.
    Postgres(PgStore),
}

impl Store {
    /// Opens (creating and migrating as needed) the store at `url`.
    ///
    /// # Errors
    /// The store cannot be reached or created; its schema is newer than this binary knows.
    pub fn open(url: &StoreUrl) -> Result<Store, StoreError> {
        match url {
            StoreUrl::Sqlite(path) => SqliteStore::open(path).map(Store::Sqlite),
            StoreUrl::Postgres(conn) => PgStore::open(conn).map(Store::Postgres),
        }
    }

    /// Records a scan and its results; returns the scan's id.
    ///
    /// # Errors
    /// A database error (nothing is recorded: one transaction).
    pub fn record(&mut self, meta: &ScanMeta, report: &Report) -> Result<i64, StoreError> {
        match self {
            Store::Sqlite(s) => s.record(meta, report),
            Store::Postgres(s) => s.record(meta, report),
        }
    }

    /// The scans `filter` keeps, oldest first.
    ///
    /// # Errors
    /// A database error.
    pub fn scans(&mut self, filter: &Filter) -> Result<Vec<ScanInfo>, StoreError> {
        let all = match self {
            Store::Sqlite(s) => s.scans()?,
            Store::Postgres(s) => s.scans()?,
        };
        Ok(all.into_iter().filter(|s| filter.keeps(s)).collect())
    }

    /// One scan's description.
    ///
    /// # Errors
    /// No such scan; a database error.
    pub fn scan(&mut self, id: i64) -> Result<ScanInfo, StoreError> {
        let all = match self {
            Store::Sqlite(s) => s.scans()?,
            Store::Postgres(s) => s.scans()?,
        };
        all.into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| StoreError::NoScan {
                store: self.name(),
                scan: id,
            })
    }

    /// The report of a stored scan, as it was printed (findings in their order).
    ///
    /// # Errors
    /// No such scan; a database error; an unreadable row.
    pub fn report(&mut self, id: i64) -> Result<Report, StoreError> {
        match self {
            Store::Sqlite(s) => s.report(id),
            Store::Postgres(s) => s.report(id),
        }
    }

    /// A stored scan's report without its findings (its inputs, settings, gaps and summary):
    /// what a diff's output wraps around the results it lists, without reading them all.
    ///
    /// # Errors
    /// No such scan; a database error; an unreadable row.
    pub fn report_header(&mut self, id: i64) -> Result<Report, StoreError> {
        let header = match self {
            Store::Sqlite(s) => s.header(id)?,
            Store::Postgres(s) => s.header(id)?,
        };
        let Some(header) = header else {
            return Err(StoreError::NoScan {
                store: self.name(),
                scan: id,
            });
        };
        report_of(&header, Vec::new()).map_err(|message| StoreError::Corrupt {
            store: self.name(),
            scan: id,
            message,
        })
    }

    /// The difference between scans `old` and `new`.
    ///
    /// # Errors
    /// No such scan; a database error; an unreadable row.
    pub fn diff(&mut self, old: i64, new: i64) -> Result<Diff, StoreError> {
        let old_info = self.scan(old)?;
        let new_info = self.scan(new)?;
        let (a, b) = match self {
            Store::Sqlite(s) => (s.keys(old)?, s.keys(new)?),
            Store::Postgres(s) => (s.keys(old)?, s.keys(new)?),
        };
        let rows = diff_rows(a, b);
        let mut wanted: Vec<i64> = rows.new.clone();
        wanted.extend(&rows.resolved);
        for (_, b, a) in &rows.changed {
            wanted.push(*b);
            wanted.push(*a);
        }
        let found = match self {
            Store::Sqlite(s) => s.findings(&wanted, new)?,
            Store::Postgres(s) => s.findings(&wanted, new)?,
        };
        let get = |id: &i64| {
            found.get(id).cloned().ok_or_else(|| StoreError::Corrupt {
                store: self.name(),
                scan: new,
                message: format!("result {id} is missing"),
            })
        };
        let mut diff = Diff {
            old: old_info,
            new_scan: new_info,
            new: rows.new.iter().map(get).collect::<Result<_, _>>()?,
            resolved: rows.resolved.iter().map(get).collect::<Result<_, _>>()?,
            changed: Vec::with_capacity(rows.changed.len()),
            unchanged: rows.unchanged,
        };
        for (what, b, a) in &rows.changed {
            diff.changed.push(Change {
                changed: what.clone(),
                before: get(b)?,
                after: get(a)?,
            });
        }
        let order = |f: &Finding| {
            (
                std::cmp::Reverse(f.severity),
                f.check.clone(),
                f.resource.clone(),
            )
        };
        diff.new.sort_by_key(order);
        diff.resolved.sort_by_key(order);
        diff.changed.sort_by_key(|c| order(&c.after));
        Ok(diff)
    }

    /// The two most recent scans of the scope of the latest scan (or of `of`, when given).
    ///
    /// # Errors
    /// Fewer than two scans of that scope; a database error.
    pub fn last_two(&mut self, of: Option<i64>) -> Result<Option<(i64, i64)>, StoreError> {
        let all = self.scans(&Filter::default())?;
        let Some(latest) = (match of {
            Some(id) => all.iter().find(|s| s.id == id),
            None => all.last(),
        }) else {
            return Ok(None);
        };
        let scope = latest.scope.clone();
        let latest_id = latest.id;
        let previous = all
            .iter()
            .rev()
            .find(|s| s.scope == scope && s.id < latest_id)
            .map(|s| s.id);
        Ok(previous.map(|p| (p, latest_id)))
    }

    /// Removes scans, then the results no scan links to any more; returns how many scans went.
    ///
    /// # Errors
    /// A database error.
    pub fn prune(&mut self, how: Prune) -> Result<usize, StoreError> {
        let all = self.scans(&Filter::default())?;
        let doomed: Vec<i64> = match how {
            Prune::Keep(n) => {
                let mut by_scope: HashMap<&str, Vec<i64>> = HashMap::new();
                for s in &all {
                    by_scope.entry(&s.scope).or_default().push(s.id);
                }
                by_scope
                    .into_values()
                    .flat_map(|ids| {
                        let cut = ids.len().saturating_sub(n);
                        ids.into_iter().take(cut)
                    })
                    .collect()
            }
            Prune::OlderThan { days, now } => all
                .iter()
                .filter(|s| {
                    rampart_model::Timestamp::parse(&s.recorded_at)
                        .is_ok_and(|t| t.days_until(now) > days)
                })
                .map(|s| s.id)
                .collect(),
        };
        if doomed.is_empty() {
            return Ok(0);
        }
        match self {
            Store::Sqlite(s) => s.delete(&doomed)?,
            Store::Postgres(s) => s.delete(&doomed)?,
        }
        Ok(doomed.len())
    }

    /// How many scans, distinct results and links the store holds.
    ///
    /// # Errors
    /// A database error.
    pub fn counts(&mut self) -> Result<Counts, StoreError> {
        let n = match self {
            Store::Sqlite(s) => s.counts()?,
            Store::Postgres(s) => s.counts()?,
        };
        Ok(Counts {
            scans: n[0],
            results: n[1],
            links: n[2],
        })
    }

    /// The store's name for messages (a PostgreSQL address without its password).
    #[must_use]
    pub fn name(&self) -> String {
        match self {
            Store::Sqlite(s) => s.name(),
            Store::Postgres(s) => s.name(),
        }
    }
}

/// For tests of programs that use a store.
#[doc(hidden)]
pub mod testing {
    /// Records schema `version` in the SQLite store at `path`, as a newer rampart would.
    ///
    /// # Errors
    /// A database error.
    pub fn record_schema_version(path: &std::path::Path, version: i64) -> rusqlite::Result<()> {
        let conn = rusqlite::Connection::open(path)?;
        conn.execute(
            "INSERT INTO rampart_schema (version, applied_at) VALUES ($1, 'a newer rampart')",
            rusqlite::params![version],
        )?;
        Ok(())
    }
}

/// The statements both backends run: `$N` parameters are positional in SQLite too.
pub(crate) mod sql {
    pub const INSERT_SCAN: &str = "INSERT INTO scans (recorded_at, scanned_at, tool_version, \
        command, config_digest, input_kind, scope, inputs, accounts, regions, header, \
        fail_critical, fail_high, fail_medium, fail_low, fail_info) VALUES ($1, $2, $3, $4, $5, \
        $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id";
    /// A scan's results as a diff compares them: keys only, passes left out (they are not
    /// results of a diff), in no order (the diff sorts them).
    pub const KEYS: &str = "SELECT r.id, r.fingerprint, r.status, r.severity, r.evidence_hash \
        FROM scan_results m JOIN results r ON r.id = m.result_id \
        WHERE m.scan_id = $1 AND r.status <> 'pass'";
    /// A scan's findings in report order: body, remediation id, remediation text.
    pub const REPORT_FINDINGS: &str = "SELECT r.body, r.remediation, d.body FROM scan_results m \
        JOIN results r ON r.id = m.result_id JOIN remediations d ON d.id = r.remediation \
        WHERE m.scan_id = $1 ORDER BY m.position";
    /// One result: body, remediation id, remediation text.
    pub const FINDING_BY_ID: &str = "SELECT r.body, r.remediation, d.body FROM results r \
        JOIN remediations d ON d.id = r.remediation WHERE r.id = $1";
    pub const HEADER: &str = "SELECT header FROM scans WHERE id = $1";
    pub const COUNTS: &str = "SELECT (SELECT COUNT(*) FROM scans), (SELECT COUNT(*) FROM results), \
        (SELECT COUNT(*) FROM scan_results)";
    /// After scans are deleted (their links with them): results and remediations nothing links
    /// to go, and the first and last sightings of the others are those of the scans left.
    pub const CLEANUP: [&str; 3] = [
        "DELETE FROM results WHERE NOT EXISTS \
         (SELECT 1 FROM scan_results m WHERE m.result_id = results.id)",
        "DELETE FROM remediations WHERE NOT EXISTS \
         (SELECT 1 FROM results r WHERE r.remediation = remediations.id)",
        "UPDATE results SET \
         first_seen = (SELECT MIN(scan_id) FROM scan_results m WHERE m.result_id = results.id), \
         last_seen = (SELECT MAX(scan_id) FROM scan_results m WHERE m.result_id = results.id)",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: i64, fp: &str, status: &str, ev: &str) -> ResultKey {
        ResultKey::parse(id, &fp.repeat(16), status, "high", &ev.repeat(32))
            .unwrap_or_else(|| panic!("key {fp} {status} {ev}"))
    }

    #[test]
    fn urls() {
        assert_eq!(
            "sqlite:/tmp/a.db".parse::<StoreUrl>().ok(),
            Some(StoreUrl::Sqlite("/tmp/a.db".into()))
        );
        assert_eq!(
            "h.sqlite".parse::<StoreUrl>().ok(),
            Some(StoreUrl::Sqlite("h.sqlite".into()))
        );
        assert!(matches!(
            "postgresql://u@h/db".parse::<StoreUrl>(),
            Ok(StoreUrl::Postgres(_))
        ));
        assert!("mysql://x".parse::<StoreUrl>().is_err());
        assert_eq!(
            without_password("postgres://me:hunter2@db:5432/x"),
            "postgres://me:***@db:5432/x"
        );
        assert_eq!(
            without_password("postgres://me@db/x?sslmode=require&password=hunter2"),
            "postgres://me@db/x?sslmode=require&password=***"
        );
    }

    #[test]
    fn a_failure_that_passes_now_is_resolved() {
        let old = vec![
            key(1, "a", "fail", "e"),
            key(2, "b", "fail", "e"),
            key(3, "c", "fail", "e"),
        ];
        let new = vec![
            key(4, "a", "pass", "e"),
            key(2, "b", "fail", "e"),
            key(5, "c", "fail", "f"),
            key(6, "d", "fail", "e"),
        ];
        let d = diff_rows(old, new);
        assert_eq!(d.resolved, vec![1]);
        assert_eq!(d.new, vec![6]);
        assert_eq!(d.changed, vec![(vec!["evidence"], 3, 5)]);
        assert_eq!(d.unchanged, 1);
    }
}
