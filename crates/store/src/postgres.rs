//! The PostgreSQL backend (`tokio-postgres`), driven from a current-thread runtime of its own.
//!
//! A scan is written in one transaction; results are copied in binary (`COPY … FROM STDIN
//! BINARY`) into a temporary table and upserted from it sorted by (fingerprint, content hash), so
//! that two scans written at once take their row locks in the same order: the second waits for
//! the first's rows and links to them, and nothing is lost. Links are copied in binary too.
//! Migrations run under a transaction-scoped advisory lock, so two first opens do not race.

use std::collections::HashMap;

use rampart_model::{Finding, Report};
use tokio_postgres::Client;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::Type;

use crate::{
    Hex, MIGRATIONS, Prepared, ResultKey, SCAN_COLUMNS, ScanInfo, ScanMeta, StoreError, sql,
};

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
        let settings = crate::tls::settings(url).map_err(|message| StoreError::Tls {
            store: name.clone(),
            message,
        })?;
        let mut config: tokio_postgres::Config = settings.url.parse().map_err(err)?;
        config.ssl_mode(crate::tls::ssl_mode(settings.mode));
        let tls = crate::tls::connector(&name, &settings)?;
        let (client, connection) = runtime
            .block_on(async {
                tokio::time::timeout(std::time::Duration::from_secs(15), config.connect(tls)).await
            })
            .map_err(|_| StoreError::Io {
                store: name.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "no answer from the server in 15 s",
                ),
            })?
            .map_err(|source| {
                if crate::tls::is_certificate_error(&source) {
                    StoreError::Certificate {
                        store: name.clone(),
                        source,
                        hint: crate::tls::hint(&settings),
                    }
                } else {
                    err(source)
                }
            })?;
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
            // Results: copied in binary into a temporary table, then upserted in their sorted
            // order in one statement. RETURNING gives rows in no promised order: each comes
            // back with its key and is matched to the sorted rows.
            tx.batch_execute(
                "CREATE TEMPORARY TABLE rampart_incoming (f TEXT, s TEXT, v TEXT, e TEXT, \
                 c TEXT, r BIGINT, b TEXT) ON COMMIT DROP",
            )
            .await
            .map_err(err)?;
            let sink = tx
                .copy_in("COPY rampart_incoming (f, s, v, e, c, r, b) FROM STDIN BINARY")
                .await
                .map_err(err)?;
            let mut writer = std::pin::pin!(BinaryCopyInWriter::new(
                sink,
                &[
                    Type::TEXT,
                    Type::TEXT,
                    Type::TEXT,
                    Type::TEXT,
                    Type::TEXT,
                    Type::INT8,
                    Type::TEXT
                ],
            ));
            for row in &p.rows {
                writer
                    .as_mut()
                    .write(&[
                        &row.fingerprint.as_str(),
                        &row.status,
                        &row.severity,
                        &row.evidence_hash.as_str(),
                        &row.content_hash.as_str(),
                        &remediation_ids[row.remediation],
                        &row.body,
                    ])
                    .await
                    .map_err(err)?;
            }
            writer.as_mut().finish().await.map_err(err)?;
            let back = tx
                .query(
                    "INSERT INTO results (fingerprint, status, severity, evidence_hash, \
                     content_hash, remediation, body, first_seen, last_seen) \
                     SELECT f, s, v, e, c, r, b, $1, $1 FROM rampart_incoming ORDER BY f, c \
                     ON CONFLICT (fingerprint, content_hash) DO UPDATE SET last_seen = EXCLUDED.last_seen \
                     RETURNING id, fingerprint, content_hash",
                    &[&scan],
                )
                .await
                .map_err(err)?;
            let mut back: Vec<(Hex<16>, Hex<32>, i64)> = back
                .iter()
                .map(|r| {
                    Some((
                        Hex::parse(r.try_get(1).ok()?)?,
                        Hex::parse(r.try_get(2).ok()?)?,
                        r.try_get(0).ok()?,
                    ))
                })
                .collect::<Option<_>>()
                .ok_or_else(|| StoreError::Corrupt {
                    store: name.clone(),
                    scan,
                    message: "a result row's key is not as written".into(),
                })?;
            // The rows' order: (fingerprint, content hash) as Rust compares the strings.
            back.sort_unstable();
            if back.len() != p.rows.len()
                || back
                    .iter()
                    .zip(&p.rows)
                    .any(|(b, r)| b.0 != r.fingerprint || b.1 != r.content_hash)
            {
                return Err(StoreError::Corrupt {
                    store: name.clone(),
                    scan,
                    message: "the rows written are not the rows sent".into(),
                });
            }
            let row_ids: Vec<i64> = back.iter().map(|b| b.2).collect();
            // Links, in report order, copied in binary.
            let sink = tx
                .copy_in("COPY scan_results (scan_id, position, result_id) FROM STDIN BINARY")
                .await
                .map_err(err)?;
            let mut writer = std::pin::pin!(BinaryCopyInWriter::new(
                sink,
                &[Type::INT8, Type::INT8, Type::INT8],
            ));
            for (pos, &m) in p.members.iter().enumerate() {
                writer
                    .as_mut()
                    .write(&[&scan, &(pos as i64), &row_ids[m]])
                    .await
                    .map_err(err)?;
            }
            writer.as_mut().finish().await.map_err(err)?;
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

    pub(crate) fn header(&mut self, id: i64) -> Result<Option<String>, StoreError> {
        let row = self
            .runtime
            .block_on(self.client.query_opt(sql::HEADER, &[&id]))
            .map_err(self.err())?;
        Ok(row.map(|r| r.get(0)))
    }

    pub(crate) fn report(&mut self, id: i64) -> Result<Report, StoreError> {
        let Some(header) = self.header(id)? else {
            return Err(StoreError::NoScan {
                store: self.name(),
                scan: id,
            });
        };
        let rows = self
            .runtime
            .block_on(self.client.query(sql::REPORT_FINDINGS, &[&id]))
            .map_err(self.err())?;
        let mut reader = crate::FindingReader::new(id);
        let findings = rows
            .iter()
            .map(|r| read_finding(&mut reader, r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.into_store(&self.name))?;
        crate::report_of(&header, findings).map_err(|message| StoreError::Corrupt {
            store: self.name(),
            scan: id,
            message,
        })
    }

    pub(crate) fn keys(&mut self, scan: i64) -> Result<Vec<ResultKey>, StoreError> {
        let rows = self
            .runtime
            .block_on(self.client.query(sql::KEYS, &[&scan]))
            .map_err(self.err())?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get(0).map_err(self.err())?;
                let text = |i: usize| r.try_get::<_, &str>(i).map_err(self.err());
                ResultKey::parse(id, text(1)?, text(2)?, text(3)?, text(4)?).ok_or_else(|| {
                    StoreError::Corrupt {
                        store: self.name(),
                        scan,
                        message: format!("result {id}: a key is not as rampart writes it"),
                    }
                })
            })
            .collect()
    }

    pub(crate) fn findings(
        &mut self,
        ids: &[i64],
        scan: i64,
    ) -> Result<HashMap<i64, Finding>, StoreError> {
        let rows = self
            .runtime
            .block_on(self.client.query(
                "SELECT r.body, r.remediation, d.body, r.id FROM results r \
                 JOIN remediations d ON d.id = r.remediation WHERE r.id = ANY($1)",
                &[&ids],
            ))
            .map_err(self.err())?;
        let mut reader = crate::FindingReader::new(scan);
        let mut out = HashMap::with_capacity(rows.len());
        for r in &rows {
            let f = read_finding(&mut reader, r).map_err(|e| e.into_store(&self.name))?;
            out.insert(r.get::<_, i64>(3), f);
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

/// A finding from columns 0 (body), 1 (remediation id) and 2 (remediation text).
fn read_finding(
    reader: &mut crate::FindingReader,
    r: &tokio_postgres::Row,
) -> Result<Finding, crate::ReadError> {
    let body: &str = r.try_get(0)?;
    let remediation: i64 = r.try_get(1)?;
    reader.finding(body, remediation, || Ok(r.try_get::<_, String>(2)?))
}
