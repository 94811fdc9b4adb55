//! The PostgreSQL backend (`tokio-postgres`), driven from a current-thread runtime of its own.
//!
//! A scan is written in one transaction; results go in batches (`UNNEST` of arrays), sorted by
//! (fingerprint, content hash), so that two scans written at once take their row locks in the
//! same order: the second waits for the first's rows and links to them, and nothing is lost.
//! Migrations run under a transaction-scoped advisory lock, so two first opens do not race.

use std::collections::HashMap;

use rampart_model::{Finding, Report};
use tokio_postgres::{Client, NoTls};

use crate::{MIGRATIONS, Prepared, ResultKey, SCAN_COLUMNS, ScanInfo, ScanMeta, StoreError, sql};

/// Rows written per statement.
const BATCH: usize = 5_000;

/// The advisory lock key taken while migrating (an arbitrary constant: "rampart" in ASCII).
const MIGRATION_LOCK: i64 = 0x72_61_6d_70_61_72_74;

/// A PostgreSQL store.
pub struct PgStore {
    name: String,
    runtime: tokio::runtime::Runtime,
    client: Client,
}

impl PgStore {
    /// Connects to `url` and migrates the database.
    ///
    /// # Errors
    /// The server cannot be reached; its schema is newer than this binary knows.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let name = crate::without_password(url);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| StoreError::Io {
                store: name.clone(),
                source,
            })?;
        let err = |source| StoreError::Postgres {
            store: name.clone(),
            source,
        };
        let (client, connection) = runtime
            .block_on(async {
                tokio::time::timeout(
                    std::time::Duration::from_secs(15),
                    tokio_postgres::connect(url, NoTls),
                )
                .await
            })
            .map_err(|_| StoreError::Io {
                store: name.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "no answer from the server in 15 s",
                ),
            })?
            .map_err(err)?;
        runtime.spawn(async move {
            // The connection ends with an error only when the client is dropped mid-query or
            // the server goes away; each query then reports it.
            let _ = connection.await;
        });
        let mut store = PgStore {
            name,
            runtime,
            client,
        };
        store.migrate()?;
        Ok(store)
    }

    pub(crate) fn name(&self) -> String {
        self.name.clone()
    }

    fn err(&self) -> impl Fn(tokio_postgres::Error) -> StoreError + '_ {
        move |source| StoreError::Postgres {
            store: self.name.clone(),
            source,
        }
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let name = self.name.clone();
        let err = |source| StoreError::Postgres {
            store: name.clone(),
            source,
        };
        let client = &mut self.client;
        self.runtime.block_on(async {
            let tx = client.transaction().await.map_err(err)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
                .await
                .map_err(err)?;
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS rampart_schema (version BIGINT NOT NULL, applied_at TEXT NOT NULL)",
            )
            .await
            .map_err(err)?;
            let found: i64 = tx
                .query_one("SELECT COALESCE(MAX(version), 0)::BIGINT FROM rampart_schema", &[])
                .await
                .map_err(err)?
                .get(0);
            crate::refuse_newer(&name, found)?;
            for m in MIGRATIONS.iter().filter(|m| m.version > found) {
                tx.batch_execute(m.postgres).await.map_err(err)?;
                tx.execute(
                    "INSERT INTO rampart_schema (version, applied_at) VALUES ($1, $2)",
                    &[&m.version, &rampart_model::Timestamp::now().to_string()],
                )
                .await
                .map_err(err)?;
            }
            tx.commit().await.map_err(err)
        })
    }

    pub(crate) fn record(&mut self, meta: &ScanMeta, report: &Report) -> Result<i64, StoreError> {
        let name = self.name.clone();
        let p: Prepared =
            crate::prepare(&meta.command, meta, report).map_err(|message| StoreError::Corrupt {
                store: name.clone(),
                scan: 0,
                message,
            })?;
        let err = |source| StoreError::Postgres {
            store: name.clone(),
            source,
        };
        let json = |v: &[String]| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
        let client = &mut self.client;
        self.runtime.block_on(async {
            let tx = client.transaction().await.map_err(err)?;
            let scanned_at = report.scanned_at.map(|t| t.to_string());
            let (inputs, accounts, regions) =
                (json(&p.inputs), json(&meta.accounts), json(&meta.regions));
            let scan: i64 = tx
                .query_one(
                    sql::INSERT_SCAN,
                    &[
                        &meta.recorded_at,
                        &scanned_at,
                        &report.tool.version,
                        &meta.command,
                        &meta.config_digest,
                        &p.input_kind,
                        &p.scope,
                        &inputs,
                        &accounts,
                        &regions,
                        &p.header,
                        &p.failures[0],
                        &p.failures[1],
                        &p.failures[2],
                        &p.failures[3],
                        &p.failures[4],
                    ],
                )
                .await
                .map_err(err)?
                .get(0);
            // Remediations: few, sorted by hash.
            let mut remediation_ids = vec![0i64; p.remediations.len()];
            let mut order: Vec<usize> = (0..p.remediations.len()).collect();
            order.sort_by(|&a, &b| p.remediations[a].0.cmp(&p.remediations[b].0));
            let st = tx
                .prepare(
                    "INSERT INTO remediations (hash, body) VALUES ($1, $2) \
                     ON CONFLICT (hash) DO UPDATE SET hash = EXCLUDED.hash RETURNING id",
                )
                .await
                .map_err(err)?;
            for i in order {
                let (hash, body) = &p.remediations[i];
                remediation_ids[i] = tx.query_one(&st, &[hash, body]).await.map_err(err)?.get(0);
            }
            // Results in batches, in their sorted order.
            let st = tx
                .prepare(
                    "INSERT INTO results (fingerprint, status, severity, evidence_hash, \
                     content_hash, remediation, body, first_seen, last_seen) \
                     SELECT f, s, v, e, c, r, b, $8, $8 FROM UNNEST($1::TEXT[], $2::TEXT[], \
                     $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::BIGINT[], $7::TEXT[]) \
                     WITH ORDINALITY AS t (f, s, v, e, c, r, b, n) ORDER BY n \
                     ON CONFLICT (fingerprint, content_hash) DO UPDATE SET last_seen = EXCLUDED.last_seen \
                     RETURNING id, fingerprint, content_hash",
                )
                .await
                .map_err(err)?;
            let mut row_ids = vec![0i64; p.rows.len()];
            let mut index: HashMap<(&str, &str), usize> = HashMap::with_capacity(p.rows.len());
            for (i, r) in p.rows.iter().enumerate() {
                index.insert((r.fingerprint.as_str(), r.content_hash.as_str()), i);
            }
            for chunk in p.rows.chunks(BATCH) {
                let fp: Vec<&str> = chunk.iter().map(|r| r.fingerprint.as_str()).collect();
                let st_: Vec<&str> = chunk.iter().map(|r| r.status).collect();
                let sev: Vec<&str> = chunk.iter().map(|r| r.severity).collect();
                let ev: Vec<&str> = chunk.iter().map(|r| r.evidence_hash.as_str()).collect();
                let ch: Vec<&str> = chunk.iter().map(|r| r.content_hash.as_str()).collect();
                let rem: Vec<i64> = chunk.iter().map(|r| remediation_ids[r.remediation]).collect();
                let body: Vec<&str> = chunk.iter().map(|r| r.body.as_str()).collect();
                let rows = tx
                    .query(&st, &[&fp, &st_, &sev, &ev, &ch, &rem, &body, &scan])
                    .await
                    .map_err(err)?;
                for row in rows {
                    let id: i64 = row.get(0);
                    let f: &str = row.get(1);
                    let c: &str = row.get(2);
                    if let Some(&i) = index.get(&(f, c)) {
                        row_ids[i] = id;
                    }
                }
            }
            let st = tx
                .prepare(
                    "INSERT INTO scan_results (scan_id, position, result_id) \
                     SELECT $1, p, r FROM UNNEST($2::BIGINT[], $3::BIGINT[]) AS t (p, r)",
                )
                .await
                .map_err(err)?;
            let members: Vec<(i64, i64)> = p
                .members
                .iter()
                .enumerate()
                .map(|(pos, &m)| (pos as i64, row_ids[m]))
                .collect();
            for chunk in members.chunks(BATCH * 4) {
                let pos: Vec<i64> = chunk.iter().map(|m| m.0).collect();
                let ids: Vec<i64> = chunk.iter().map(|m| m.1).collect();
                tx.execute(&st, &[&scan, &pos, &ids]).await.map_err(err)?;
            }
            tx.commit().await.map_err(err)?;
            Ok(scan)
        })
    }

    pub(crate) fn scans(&mut self) -> Result<Vec<ScanInfo>, StoreError> {
        let rows = self
            .runtime
            .block_on(self.client.query(
                &format!("SELECT {SCAN_COLUMNS} FROM scans ORDER BY id"),
                &[],
            ))
            .map_err(self.err())?;
        Ok(rows
            .iter()
            .map(|r| {
                crate::scan_info(
                    (
                        r.get(0),
                        r.get(1),
                        r.get(2),
                        r.get(3),
                        r.get(4),
                        r.get(5),
                        r.get(6),
                        r.get(7),
                    ),
                    (r.get(8), r.get(9), r.get(10)),
                    [r.get(11), r.get(12), r.get(13), r.get(14), r.get(15)],
                )
            })
            .collect())
    }

    pub(crate) fn report(&mut self, id: i64) -> Result<Report, StoreError> {
        let header = self
            .runtime
            .block_on(self.client.query_opt(sql::HEADER, &[&id]))
            .map_err(self.err())?;
        let Some(header) = header else {
            return Err(StoreError::NoScan {
                store: self.name(),
                scan: id,
            });
        };
        let header: String = header.get(0);
        let rows = self
            .runtime
            .block_on(self.client.query(sql::REPORT_FINDINGS, &[&id]))
            .map_err(self.err())?;
        let corrupt = |message| StoreError::Corrupt {
            store: self.name(),
            scan: id,
            message,
        };
        let findings = rows
            .iter()
            .map(|r| crate::finding_of(r.get(0), r.get(1)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(corrupt)?;
        crate::report_of(&header, findings).map_err(corrupt)
    }

    pub(crate) fn keys(&mut self, scan: i64) -> Result<Vec<ResultKey>, StoreError> {
        let rows = self
            .runtime
            .block_on(self.client.query(sql::KEYS, &[&scan]))
            .map_err(self.err())?;
        Ok(rows
            .iter()
            .map(|r| ResultKey {
                id: r.get(0),
                fingerprint: r.get(1),
                status: r.get(2),
                severity: r.get(3),
                evidence_hash: r.get(4),
            })
            .collect())
    }

    pub(crate) fn findings(
        &mut self,
        ids: &[i64],
        scan: i64,
    ) -> Result<HashMap<i64, Finding>, StoreError> {
        let rows = self
            .runtime
            .block_on(self.client.query(
                "SELECT r.id, r.body, d.body FROM results r \
                 JOIN remediations d ON d.id = r.remediation WHERE r.id = ANY($1)",
                &[&ids],
            ))
            .map_err(self.err())?;
        let mut out = HashMap::with_capacity(rows.len());
        for r in &rows {
            let f =
                crate::finding_of(r.get(1), r.get(2)).map_err(|message| StoreError::Corrupt {
                    store: self.name(),
                    scan,
                    message,
                })?;
            out.insert(r.get::<_, i64>(0), f);
        }
        Ok(out)
    }

    pub(crate) fn counts(&mut self) -> Result<[i64; 3], StoreError> {
        let row = self
            .runtime
            .block_on(self.client.query_one(sql::COUNTS, &[]))
            .map_err(self.err())?;
        Ok([row.get(0), row.get(1), row.get(2)])
    }

    pub(crate) fn delete(&mut self, scans: &[i64]) -> Result<(), StoreError> {
        let name = self.name.clone();
        let err = |source| StoreError::Postgres {
            store: name.clone(),
            source,
        };
        let client = &mut self.client;
        self.runtime.block_on(async {
            let tx = client.transaction().await.map_err(err)?;
            tx.execute(
                "DELETE FROM scan_results WHERE scan_id = ANY($1)",
                &[&scans],
            )
            .await
            .map_err(err)?;
            tx.execute("DELETE FROM scans WHERE id = ANY($1)", &[&scans])
                .await
                .map_err(err)?;
            for q in sql::CLEANUP {
                tx.execute(q, &[]).await.map_err(err)?;
            }
            tx.commit().await.map_err(err)
        })
    }
}
