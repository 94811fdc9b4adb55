//! The SQLite backend: one file, written in one transaction per scan.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rampart_model::{Finding, Report};
use rusqlite::{Connection, OptionalExtension, params};

use crate::{
    Hex, MIGRATIONS, Prepared, ResultKey, SCAN_COLUMNS, ScanInfo, ScanMeta, StoreError, sql,
};

/// Result rows a statement: 7 parameters each and the scan, within SQLite's 32,766.
const RESULT_ROWS: usize = 1_000;
/// Link rows a statement: 2 parameters each and the scan.
const LINK_ROWS: usize = 5_000;

/// `INSERT INTO results` of `n` rows (`?1` the scan, then 7 parameters a row).
fn insert_results(n: usize) -> String {
    let mut q = String::from(
        "INSERT INTO results (fingerprint, status, severity, evidence_hash, content_hash, \
         remediation, body, first_seen, last_seen) VALUES ",
    );
    for i in 0..n {
        let b = 2 + 7 * i;
        if i > 0 {
            q.push(',');
        }
        q.push_str(&format!(
            "(?{},?{},?{},?{},?{},?{},?{},?1,?1)",
            b,
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6
        ));
    }
    q.push_str(
        " ON CONFLICT (fingerprint, content_hash) DO UPDATE SET last_seen = excluded.last_seen \
         RETURNING id, fingerprint, content_hash",
    );
    q
}

/// `INSERT INTO scan_results` of `n` links (`?1` the scan, then position and result).
fn insert_links(n: usize) -> String {
    let mut q = String::from("INSERT INTO scan_results (scan_id, position, result_id) VALUES ");
    for i in 0..n {
        let b = 2 + 2 * i;
        if i > 0 {
            q.push(',');
        }
        q.push_str(&format!("(?1,?{},?{})", b, b + 1));
    }
    q
}

/// A SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    conn: Connection,
}

impl SqliteStore {
    /// Opens (creating it and its directory if needed) and migrates the store at `path`.
    ///
    /// # Errors
    /// The file cannot be opened or created; its schema is newer than this binary knows.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let name = format!("sqlite:{}", path.display());
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                store: name.clone(),
                source,
            })?;
        }
        let err = |source| StoreError::Sqlite {
            store: name.clone(),
            source,
        };
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(Duration::from_secs(60)).map_err(err)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
             PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;",
        )
        .map_err(err)?;
        let mut store = SqliteStore {
            path: path.to_owned(),
            conn,
        };
        store.migrate()?;
        Ok(store)
    }

    pub(crate) fn name(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Sqlite {
            store: self.name(),
            source,
        }
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let name = self.name();
        let err = |source| StoreError::Sqlite {
            store: name.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS rampart_schema (version INTEGER NOT NULL, applied_at TEXT NOT NULL)",
        )
        .map_err(err)?;
        let found: i64 = tx
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM rampart_schema",
                [],
                |r| r.get(0),
            )
            .map_err(err)?;
        crate::refuse_newer(&name, found)?;
        for m in MIGRATIONS.iter().filter(|m| m.version > found) {
            tx.execute_batch(m.sqlite).map_err(err)?;
            tx.execute(
                "INSERT INTO rampart_schema (version, applied_at) VALUES ($1, $2)",
                params![m.version, rampart_model::Timestamp::now().to_string()],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    pub(crate) fn record(&mut self, meta: &ScanMeta, report: &Report) -> Result<i64, StoreError> {
        let name = self.name();
        let p: Prepared =
            crate::prepare(&meta.command, meta, report).map_err(|message| StoreError::Corrupt {
                store: name.clone(),
                scan: 0,
                message,
            })?;
        let err = |source| StoreError::Sqlite {
            store: name.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        let json = |v: &[String]| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
        let scan: i64 = tx
            .query_row(
                sql::INSERT_SCAN,
                params![
                    meta.recorded_at,
                    report.scanned_at.map(|t| t.to_string()),
                    report.tool.version,
                    meta.command,
                    meta.config_digest,
                    p.input_kind,
                    p.scope,
                    json(&p.inputs),
                    json(&meta.accounts),
                    json(&meta.regions),
                    p.header,
                    p.failures[0],
                    p.failures[1],
                    p.failures[2],
                    p.failures[3],
                    p.failures[4],
                ],
                |r| r.get(0),
            )
            .map_err(err)?;
        let mut remediation_ids = Vec::with_capacity(p.remediations.len());
        {
            let mut st = tx
                .prepare_cached(
                    "INSERT INTO remediations (hash, body) VALUES ($1, $2) \
                     ON CONFLICT (hash) DO UPDATE SET hash = excluded.hash RETURNING id",
                )
                .map_err(err)?;
            for (hash, body) in &p.remediations {
                remediation_ids.push(
                    st.query_row(params![hash, body], |r| r.get::<_, i64>(0))
                        .map_err(err)?,
                );
            }
        }
        // Results: many rows a statement (`?1` is the scan), in their sorted order. RETURNING
        // gives rows in no promised order: each comes back with its key, matched to the chunk.
        let mut row_ids = Vec::with_capacity(p.rows.len());
        // The statement's text, for a full chunk, made once (it is a cache key).
        let full = insert_results(RESULT_ROWS);
        for chunk in p.rows.chunks(RESULT_ROWS) {
            let text = if chunk.len() == RESULT_ROWS {
                std::borrow::Cow::Borrowed(full.as_str())
            } else {
                std::borrow::Cow::Owned(insert_results(chunk.len()))
            };
            let mut st = tx.prepare_cached(&text).map_err(err)?;
            let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(1 + 7 * chunk.len());
            values.push(&scan);
            for row in chunk {
                values.push(&row.fingerprint);
                values.push(&row.status);
                values.push(&row.severity);
                values.push(&row.evidence_hash);
                values.push(&row.content_hash);
                values.push(&remediation_ids[row.remediation]);
                values.push(&row.body);
            }
            let mut back: Vec<(Hex<16>, Hex<32>, i64)> = Vec::with_capacity(chunk.len());
            let mut rows = st.query(values.as_slice()).map_err(err)?;
            while let Some(r) = rows.next().map_err(err)? {
                let key = (|| {
                    Some((
                        Hex::parse(r.get_ref(1).ok()?.as_str().ok()?)?,
                        Hex::parse(r.get_ref(2).ok()?.as_str().ok()?)?,
                        r.get::<_, i64>(0).ok()?,
                    ))
                })();
                back.push(key.ok_or_else(|| StoreError::Corrupt {
                    store: name.clone(),
                    scan,
                    message: "a result row's key is not as written".into(),
                })?);
            }
            drop(rows);
            back.sort_unstable();
            if back.len() != chunk.len()
                || back
                    .iter()
                    .zip(chunk)
                    .any(|(b, r)| b.0 != r.fingerprint || b.1 != r.content_hash)
            {
                return Err(StoreError::Corrupt {
                    store: name.clone(),
                    scan,
                    message: "the rows written are not the rows sent".into(),
                });
            }
            row_ids.extend(back.into_iter().map(|b| b.2));
        }
        // Links: many a statement, in report order.
        for (c, chunk) in p.members.chunks(LINK_ROWS).enumerate() {
            let mut st = tx.prepare_cached(&insert_links(chunk.len())).map_err(err)?;
            let mut values: Vec<i64> = Vec::with_capacity(1 + 2 * chunk.len());
            values.push(scan);
            for (i, &m) in chunk.iter().enumerate() {
                values.push((c * LINK_ROWS + i) as i64);
                values.push(row_ids[m]);
            }
            st.execute(rusqlite::params_from_iter(values))
                .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(scan)
    }

    pub(crate) fn scans(&mut self) -> Result<Vec<ScanInfo>, StoreError> {
        let mut st = self
            .conn
            .prepare(&format!("SELECT {SCAN_COLUMNS} FROM scans ORDER BY id"))
            .map_err(self.err())?;
        let rows = st
            .query_map([], |r| {
                Ok(crate::scan_info(
                    (
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ),
                    (
                        &r.get::<_, String>(8)?,
                        &r.get::<_, String>(9)?,
                        &r.get::<_, String>(10)?,
                    ),
                    [r.get(11)?, r.get(12)?, r.get(13)?, r.get(14)?, r.get(15)?],
                ))
            })
            .map_err(self.err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.err())
    }

    pub(crate) fn header(&mut self, id: i64) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(sql::HEADER, params![id], |r| r.get(0))
            .optional()
            .map_err(self.err())
    }

    pub(crate) fn report(&mut self, id: i64) -> Result<Report, StoreError> {
        let Some(header) = self.header(id)? else {
            return Err(StoreError::NoScan {
                store: self.name(),
                scan: id,
            });
        };
        let name = self.name();
        let mut st =
            self.conn
                .prepare(sql::REPORT_FINDINGS)
                .map_err(|source| StoreError::Sqlite {
                    store: name.clone(),
                    source,
                })?;
        let mut findings = Vec::new();
        let mut reader = crate::FindingReader::new(id);
        let mut rows = st.query(params![id]).map_err(|source| StoreError::Sqlite {
            store: name.clone(),
            source,
        })?;
        while let Some(r) = rows.next().map_err(|source| StoreError::Sqlite {
            store: name.clone(),
            source,
        })? {
            findings.push(read_finding(&mut reader, r, 0).map_err(|e| e.into_store(&name))?);
        }
        crate::report_of(&header, findings).map_err(|message| StoreError::Corrupt {
            store: name,
            scan: id,
            message,
        })
    }

    pub(crate) fn keys(&mut self, scan: i64) -> Result<Vec<ResultKey>, StoreError> {
        let name = self.name();
        let err = |source| StoreError::Sqlite {
            store: name.clone(),
            source,
        };
        let mut st = self.conn.prepare_cached(sql::KEYS).map_err(err)?;
        let mut rows = st.query(params![scan]).map_err(err)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(err)? {
            let text = |i: usize| -> Result<&str, StoreError> {
                r.get_ref(i)
                    .and_then(|v| v.as_str().map_err(rusqlite::Error::from))
                    .map_err(err)
            };
            let id: i64 = r.get(0).map_err(err)?;
            let key = ResultKey::parse(id, text(1)?, text(2)?, text(3)?, text(4)?);
            out.push(key.ok_or_else(|| StoreError::Corrupt {
                store: name.clone(),
                scan,
                message: format!("result {id}: a key is not as rampart writes it"),
            })?);
        }
        Ok(out)
    }

    pub(crate) fn findings(
        &mut self,
        ids: &[i64],
        scan: i64,
    ) -> Result<HashMap<i64, Finding>, StoreError> {
        let name = self.name();
        let err = |source| StoreError::Sqlite {
            store: name.clone(),
            source,
        };
        let mut out = HashMap::with_capacity(ids.len());
        let mut reader = crate::FindingReader::new(scan);
        let mut st = self.conn.prepare_cached(sql::FINDING_BY_ID).map_err(err)?;
        for &id in ids {
            let mut rows = st.query(params![id]).map_err(err)?;
            let Some(r) = rows.next().map_err(err)? else {
                continue;
            };
            out.insert(
                id,
                read_finding(&mut reader, r, 0).map_err(|e| e.into_store(&name))?,
            );
        }
        Ok(out)
    }

    pub(crate) fn counts(&mut self) -> Result<[i64; 3], StoreError> {
        self.conn
            .query_row(sql::COUNTS, [], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?]))
            .map_err(self.err())
    }

    pub(crate) fn delete(&mut self, scans: &[i64]) -> Result<(), StoreError> {
        let name = self.name();
        let err = |source| StoreError::Sqlite {
            store: name.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        {
            let mut links = tx
                .prepare("DELETE FROM scan_results WHERE scan_id = $1")
                .map_err(err)?;
            let mut st = tx.prepare("DELETE FROM scans WHERE id = $1").map_err(err)?;
            for id in scans {
                links.execute(params![id]).map_err(err)?;
                st.execute(params![id]).map_err(err)?;
            }
        }
        for q in sql::CLEANUP {
            tx.execute(q, []).map_err(err)?;
        }
        tx.commit().map_err(err)
    }
}

/// A finding from columns `at` (body), `at + 1` (remediation id) and `at + 2` (remediation
/// text, read only the first time that remediation is met).
fn read_finding(
    reader: &mut crate::FindingReader,
    r: &rusqlite::Row<'_>,
    at: usize,
) -> Result<Finding, crate::ReadError> {
    let body = r.get_ref(at)?.as_str()?;
    let remediation: i64 = r.get(at + 1)?;
    reader.finding(body, remediation, || {
        Ok(r.get_ref(at + 2)?.as_str()?.to_owned())
    })
}
