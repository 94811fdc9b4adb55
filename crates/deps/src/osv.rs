//! The OSV database: records read from per-ecosystem `all.zip` files (as osv.dev exports them:
//! `DB/PyPI/all.zip`) or from directories of `*.json` records, indexed once into a compact
//! cache file next to the database so that later runs start fast.
//!
//! Record semantics follow the OSV schema (<https://ossf.github.io/osv-schema/>):
//! `affected[].ranges[]` of type `ECOSYSTEM` (the ecosystem's own order) or `SEMVER`, whose
//! `events` are `introduced`, `fixed`, `last_affected` and `limit`; `affected[].versions[]`
//! lists affected versions explicitly; a record with `withdrawn` set is not an advisory any more.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rampart_model::Severity;
use serde::{Deserialize, Serialize};

use crate::cvss;
use crate::version::Ecosystem;

/// Bumped whenever the cache layout changes: an older cache is rebuilt.
const CACHE_FORMAT: u32 = 1;
/// The cache file's name, in the database directory (or beside a single zip).
pub const CACHE_NAME: &str = ".rampart-osv-index.bin.zst";

/// One advisory, reduced to what the audit reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Advisory {
    /// `PYSEC-2021-13`, `GHSA-…`.
    pub id: String,
    /// Other ids of the same vulnerability (CVE, GHSA…).
    pub aliases: Vec<String>,
    /// The one-line summary (or the first line of the details).
    pub summary: String,
    /// When the record was last modified (RFC 3339).
    pub modified: String,
    /// The severity, where the record gives one.
    pub severity: Option<Rated>,
}

/// A severity with where it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rated {
    /// The rating.
    pub severity: Severity,
    /// The CVSS base score, when computed from a vector.
    pub score: Option<f64>,
    /// The vector, or `database_specific.severity`.
    pub source: String,
}

/// A range event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// The first affected version (`0`: all versions before the next event).
    Introduced(String),
    /// The first version that is not affected any more.
    Fixed(String),
    /// The last affected version (later ones are not).
    LastAffected(String),
    /// An upper bound: versions at or above it are outside the range.
    Limit(String),
}

/// How a range's versions are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RangeKind {
    /// The ecosystem's own order.
    Ecosystem,
    /// SemVer 2.0.
    Semver,
    /// Git commits: no version order, only the explicit `versions` list counts.
    Git,
}

/// One `ranges[]` entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Range {
    /// The order.
    pub kind: RangeKind,
    /// The events, as written.
    pub events: Vec<Event>,
}

/// One `affected[]` entry of one advisory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Affected {
    /// Index into [`Index::advisories`].
    pub advisory: u32,
    /// The package name as the advisory writes it.
    pub package: String,
    /// Ranges.
    pub ranges: Vec<Range>,
    /// Explicitly listed affected versions.
    pub versions: Vec<String>,
    /// A severity given for this package only (`ecosystem_specific.severity`), overriding
    /// the advisory's.
    pub severity: Option<Rated>,
}

/// The indexed database.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Index {
    /// The fingerprint of the sources it was built from.
    pub key: String,
    /// Advisories.
    pub advisories: Vec<Advisory>,
    /// `(ecosystem, normalised name)` → affected entries.
    pub packages: HashMap<(u8, String), Vec<Affected>>,
    /// Records skipped because they were withdrawn.
    pub withdrawn: usize,
    /// The newest `modified` among the records (RFC 3339), the database's age.
    pub newest_modified: Option<String>,
    /// The ecosystems that had at least one source (zip or directory).
    pub ecosystems: Vec<String>,
    /// Records that could not be read: `source: why`.
    pub problems: Vec<String>,
    /// The source files read.
    pub sources: Vec<String>,
}

fn eco_code(e: Ecosystem) -> u8 {
    Ecosystem::ALL.iter().position(|x| *x == e).unwrap_or(0) as u8
}

impl Index {
    /// The entries for one package (name normalised per ecosystem).
    #[must_use]
    pub fn affected(&self, eco: Ecosystem, name: &str) -> &[Affected] {
        self.packages
            .get(&(eco_code(eco), eco.normalise_name(name)))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether the database has records for the ecosystem at all (an ecosystem without a
    /// source is not assessed, not clean).
    #[must_use]
    pub fn covers(&self, eco: Ecosystem) -> bool {
        self.ecosystems.iter().any(|e| e == eco.as_str())
    }
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Nothing at the path.
    #[error(
        "no OSV database at `{0}`: download one with `rampart deps --update-db {0}` (or place osv.dev's per-ecosystem exports there: `{0}/PyPI/all.zip`, from https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip)"
    )]
    Missing(String),
    /// The path holds no record.
    #[error(
        "`{0}` holds no OSV records (expected `<ECOSYSTEM>/all.zip` files or `*.json` records); `rampart deps --update-db {0}` downloads them"
    )]
    Empty(String),
    /// A source could not be read.
    #[error("`{path}`: {message}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
}

/// How the database was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheUse {
    /// The cache was current and loaded.
    Loaded(PathBuf),
    /// The cache was (re)built and written.
    Written(PathBuf),
    /// The cache was built but could not be written (a read-only database): why.
    NotWritten(String),
}

/// A source of records: a zip or a JSON file.
#[derive(Debug)]
struct Source {
    path: PathBuf,
    size: u64,
    mtime: u128,
    /// The ecosystem named by the directory (`DB/PyPI/all.zip`), if any.
    ecosystem: Option<Ecosystem>,
}

/// Opens the database at `db` (a directory or one zip), from its cache when current.
///
/// # Errors
/// When the path does not exist, holds no record, or a source cannot be read at all.
pub fn open(db: &Path) -> Result<(Index, CacheUse), DbError> {
    if !db.exists() {
        return Err(DbError::Missing(db.display().to_string()));
    }
    let sources = find_sources(db)?;
    if sources.is_empty() {
        return Err(DbError::Empty(db.display().to_string()));
    }
    let key = fingerprint(&sources);
    let cache = cache_path(db);
    if let Some(index) = read_cache(&cache, &key) {
        return Ok((index, CacheUse::Loaded(cache)));
    }
    let index = build(&sources, key)?;
    let used = match write_cache(&cache, &index) {
        Ok(()) => CacheUse::Written(cache),
        Err(e) => CacheUse::NotWritten(format!("cannot write `{}`: {e}", cache.display())),
    };
    Ok((index, used))
}

/// Where the cache of `db` lives.
#[must_use]
pub fn cache_path(db: &Path) -> PathBuf {
    if db.is_dir() {
        db.join(CACHE_NAME)
    } else {
        let name = db
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        db.with_file_name(format!(".{name}{CACHE_NAME}"))
    }
}

fn find_sources(db: &Path) -> Result<Vec<Source>, DbError> {
    let mut out = Vec::new();
    let err = |p: &Path, e: std::io::Error| DbError::Read {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    if db.is_file() {
        let eco = db
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| Ecosystem::from_osv(&n.to_string_lossy()))
            .or_else(|| eco_from_file_name(db));
        out.push(source(db, eco).map_err(|e| err(db, e))?);
        return Ok(out);
    }
    walk(db, None, 0, &mut out).map_err(|(p, e)| err(&p, e))?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// `PyPI-all.zip`: the ecosystem from a file name's prefix.
fn eco_from_file_name(p: &Path) -> Option<Ecosystem> {
    let name = p.file_name()?.to_string_lossy().into_owned();
    Ecosystem::ALL
        .into_iter()
        .find(|e| name.starts_with(&format!("{}-", e.as_str())))
}

fn walk(
    dir: &Path,
    eco: Option<Ecosystem>,
    depth: usize,
    out: &mut Vec<Source>,
) -> Result<(), (PathBuf, std::io::Error)> {
    if depth > 8 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| (dir.to_path_buf(), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| (dir.to_path_buf(), e))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue; // the cache, partial downloads, editor files
        }
        let ft = entry.file_type().map_err(|e| (path.clone(), e))?;
        if ft.is_dir() {
            let sub = Ecosystem::from_osv(&name).or(eco);
            walk(&path, sub, depth + 1, out)?;
        } else if name.ends_with(".zip") || name.ends_with(".json") {
            let e = eco.or_else(|| eco_from_file_name(&path));
            out.push(source(&path, e).map_err(|e| (path.clone(), e))?);
        }
    }
    Ok(())
}

fn source(path: &Path, ecosystem: Option<Ecosystem>) -> std::io::Result<Source> {
    let meta = std::fs::metadata(path)?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok(Source {
        path: path.to_path_buf(),
        size: meta.len(),
        mtime,
        ecosystem,
    })
}

/// The cache key: format, and every source's path, size and modification time.
fn fingerprint(sources: &[Source]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes.iter().chain(std::iter::once(&0xff)) {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(&CACHE_FORMAT.to_le_bytes());
    feed(env!("CARGO_PKG_VERSION").as_bytes());
    for s in sources {
        feed(s.path.to_string_lossy().as_bytes());
        feed(&s.size.to_le_bytes());
        feed(&s.mtime.to_le_bytes());
    }
    format!("{hash:016x}-{}", sources.len())
}

fn read_cache(path: &Path, key: &str) -> Option<Index> {
    let bytes = std::fs::read(path).ok()?;
    let raw = zstd::decode_all(bytes.as_slice()).ok()?;
    let (format, rest): (u32, &[u8]) = postcard::take_from_bytes(&raw).ok()?;
    if format != CACHE_FORMAT {
        return None;
    }
    let index: Index = postcard::from_bytes(rest).ok()?;
    (index.key == key).then_some(index)
}

fn write_cache(path: &Path, index: &Index) -> std::io::Result<()> {
    let mut raw = postcard::to_stdvec(&CACHE_FORMAT).map_err(std::io::Error::other)?;
    raw.extend(postcard::to_stdvec(index).map_err(std::io::Error::other)?);
    let packed = zstd::encode_all(raw.as_slice(), 3)?;
    // Atomic: a reader never sees half a cache.
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, packed)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn build(sources: &[Source], key: String) -> Result<Index, DbError> {
    let mut b = Builder {
        index: Index {
            key,
            ..Index::default()
        },
    };
    let mut ecosystems = std::collections::BTreeSet::new();
    for s in sources {
        if let Some(e) = s.ecosystem {
            ecosystems.insert(e.as_str().to_owned());
        }
        let display = s.path.display().to_string();
        b.index.sources.push(display.clone());
        let read_err = |e: &dyn std::fmt::Display| DbError::Read {
            path: display.clone(),
            message: e.to_string(),
        };
        if display.ends_with(".zip") {
            let file = std::fs::File::open(&s.path).map_err(|e| read_err(&e))?;
            let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
                .map_err(|e| read_err(&format!("not a readable zip: {e}")))?;
            let mut buf = Vec::new();
            for i in 0..zip.len() {
                let mut entry = zip.by_index(i).map_err(|e| read_err(&e))?;
                if !entry.is_file() || !entry.name().ends_with(".json") {
                    continue;
                }
                let name = format!("{display}:{}", entry.name());
                buf.clear();
                if let Err(e) = entry.read_to_end(&mut buf) {
                    b.index.problems.push(format!("{name}: {e}"));
                    continue;
                }
                b.add(&name, &buf, &mut ecosystems);
            }
        } else {
            let bytes = std::fs::read(&s.path).map_err(|e| read_err(&e))?;
            b.add(&display, &bytes, &mut ecosystems);
        }
    }
    b.index.ecosystems = ecosystems.into_iter().collect();
    Ok(b.index)
}

struct Builder {
    index: Index,
}

#[derive(Deserialize)]
struct RawRecord {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    severity: Vec<RawSeverity>,
    #[serde(default)]
    affected: Vec<RawAffected>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct RawAffected {
    #[serde(default)]
    package: Option<RawPackage>,
    #[serde(default)]
    ranges: Vec<RawRange>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    severity: Vec<RawSeverity>,
    #[serde(default)]
    ecosystem_specific: Option<serde_json::Value>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawPackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<BTreeMap<String, String>>,
}

/// The severity an OSV record states: a CVSS v3 vector (base score computed), else a
/// `severity` word in `ecosystem_specific`/`database_specific` (GHSA `MODERATE`).
fn rate(sev: &[RawSeverity], specific: &[Option<&serde_json::Value>]) -> Option<Rated> {
    let mut best: Option<Rated> = None;
    for s in sev.iter().filter(|s| s.kind == "CVSS_V3") {
        if let Ok(score) = cvss::base_score(&s.score) {
            let r = Rated {
                severity: cvss::rating(score),
                score: Some(score),
                source: s.score.clone(),
            };
            if best.as_ref().is_none_or(|b| b.score < r.score) {
                best = Some(r);
            }
        }
    }
    if best.is_some() {
        return best;
    }
    specific
        .iter()
        .flatten()
        .filter_map(|v| v.get("severity").and_then(serde_json::Value::as_str))
        .find_map(|w| {
            cvss::from_word(w).map(|severity| Rated {
                severity,
                score: None,
                source: format!("severity: {w}"),
            })
        })
}

impl Builder {
    fn add(
        &mut self,
        name: &str,
        bytes: &[u8],
        ecosystems: &mut std::collections::BTreeSet<String>,
    ) {
        let rec: RawRecord = match serde_json::from_slice(bytes) {
            Ok(r) => r,
            Err(e) => {
                self.index.problems.push(format!(
                    "{name}:{}:{}: not an OSV record: {e}",
                    e.line(),
                    e.column()
                ));
                return;
            }
        };
        if rec.withdrawn.is_some() {
            self.index.withdrawn += 1;
            return;
        }
        if let Some(m) = &rec.modified
            && self
                .index
                .newest_modified
                .as_ref()
                .is_none_or(|n| n.as_str() < m.as_str())
        {
            self.index.newest_modified = Some(m.clone());
        }
        let id = u32::try_from(self.index.advisories.len()).unwrap_or(u32::MAX);
        let summary = rec
            .summary
            .filter(|s| !s.trim().is_empty())
            .or_else(|| {
                rec.details
                    .as_deref()
                    .and_then(|d| d.lines().find(|l| !l.trim().is_empty()))
                    .map(|l| l.chars().take(200).collect())
            })
            .unwrap_or_default();
        let severity = rate(&rec.severity, &[rec.database_specific.as_ref()]);
        let mut any = false;
        for a in rec.affected {
            let Some(pkg) = a.package else { continue };
            let eco_name = pkg.ecosystem.split(':').next().unwrap_or_default();
            let Some(eco) = Ecosystem::from_osv(eco_name) else {
                continue;
            };
            ecosystems.insert(eco.as_str().to_owned());
            let ranges = a
                .ranges
                .into_iter()
                .map(|r| Range {
                    kind: match r.kind.as_str() {
                        "SEMVER" => RangeKind::Semver,
                        "ECOSYSTEM" => RangeKind::Ecosystem,
                        _ => RangeKind::Git,
                    },
                    events: r
                        .events
                        .into_iter()
                        .filter_map(|e| {
                            let (k, v) = e.into_iter().next()?;
                            Some(match k.as_str() {
                                "introduced" => Event::Introduced(v),
                                "fixed" => Event::Fixed(v),
                                "last_affected" => Event::LastAffected(v),
                                "limit" => Event::Limit(v),
                                _ => return None,
                            })
                        })
                        .collect(),
                })
                .collect();
            let own = rate(
                &a.severity,
                &[a.ecosystem_specific.as_ref(), a.database_specific.as_ref()],
            );
            any = true;
            self.index
                .packages
                .entry((eco_code(eco), eco.normalise_name(&pkg.name)))
                .or_default()
                .push(Affected {
                    advisory: id,
                    package: pkg.name,
                    ranges,
                    versions: a.versions,
                    severity: own,
                });
        }
        if any {
            self.index.advisories.push(Advisory {
                id: rec.id,
                aliases: rec.aliases,
                summary,
                modified: rec.modified.unwrap_or_default(),
                severity,
            });
        }
    }
}

/// The database's age in whole days at `now`, from its newest record.
#[must_use]
pub fn age_days(index: &Index, now: SystemTime) -> Option<u64> {
    let newest = index.newest_modified.as_deref()?;
    let t =
        time::OffsetDateTime::parse(newest, &time::format_description::well_known::Rfc3339).ok()?;
    let now = time::OffsetDateTime::from(now);
    let days = (now - t).whole_days();
    Some(u64::try_from(days).unwrap_or(0))
}
