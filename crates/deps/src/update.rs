//! Downloading the database: `<SOURCE>/<ECOSYSTEM>/all.zip` into `DB/<ECOSYSTEM>/all.zip`.
//!
//! Each request is conditional (`If-None-Match` with the ETag, `If-Modified-Since` with the
//! `Last-Modified` of the previous download, kept in `DB/<ECOSYSTEM>/.all.zip.meta`): a `304
//! Not Modified` leaves the file as it is. A new file is written beside the old one, its
//! length checked against `Content-Length` and its zip directory read, then renamed over it:
//! an interrupted or corrupt download leaves the previous database intact.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::version::Ecosystem;

/// osv.dev's public export (a Google Cloud Storage bucket).
pub const DEFAULT_SOURCE: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// What happened to one ecosystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new file was downloaded (bytes).
    Downloaded(u64),
    /// The server said the copy held is current.
    NotModified,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Downloaded(n) => write!(f, "downloaded {n} bytes"),
            Outcome::NotModified => f.write_str("not modified since the last download"),
        }
    }
}

/// One ecosystem's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// What happened.
    pub outcome: Outcome,
}

/// Why an update failed (the previous file, if any, is intact).
#[derive(Debug, thiserror::Error)]
#[error("updating {ecosystem} from `{url}`: {message}")]
pub struct UpdateError {
    /// The ecosystem.
    pub ecosystem: String,
    /// The URL requested.
    pub url: String,
    /// What went wrong.
    pub message: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Meta {
    etag: Option<String>,
    last_modified: Option<String>,
    url: String,
}

/// Downloads every ecosystem's export into `dir`.
///
/// # Errors
/// On the first ecosystem that cannot be downloaded (earlier ones are kept).
pub fn update(
    dir: &Path,
    source: &str,
    ecosystems: &[Ecosystem],
) -> Result<Vec<Updated>, UpdateError> {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(30))
        .timeout_read(Duration::from_secs(120))
        .build();
    let mut out = Vec::new();
    for eco in ecosystems {
        let outcome = one(&agent, dir, source.trim_end_matches('/'), *eco)?;
        out.push(Updated {
            ecosystem: *eco,
            outcome,
        });
    }
    Ok(out)
}

fn one(
    agent: &ureq::Agent,
    dir: &Path,
    source: &str,
    eco: Ecosystem,
) -> Result<Outcome, UpdateError> {
    let url = format!("{source}/{}/all.zip", eco.as_str());
    let err = |m: String| UpdateError {
        ecosystem: eco.as_str().to_owned(),
        url: url.clone(),
        message: m,
    };
    let eco_dir = dir.join(eco.as_str());
    std::fs::create_dir_all(&eco_dir)
        .map_err(|e| err(format!("cannot create `{}`: {e}", eco_dir.display())))?;
    let target = eco_dir.join("all.zip");
    let meta_path = eco_dir.join(".all.zip.meta");
    let meta: Meta = if target.exists() {
        std::fs::read(&meta_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .filter(|m: &Meta| m.url == url)
            .unwrap_or_default()
    } else {
        Meta::default()
    };
    let mut req = agent.get(&url);
    if let Some(e) = &meta.etag {
        req = req.set("If-None-Match", e);
    }
    if let Some(l) = &meta.last_modified {
        req = req.set("If-Modified-Since", l);
    }
    let resp = match req.call() {
        Ok(r) => r,
        Err(ureq::Error::Status(code, r)) => {
            return Err(err(format!("HTTP {code} {}", r.status_text())));
        }
        Err(e) => return Err(err(e.to_string())),
    };
    if resp.status() == 304 {
        return Ok(Outcome::NotModified);
    }
    if resp.status() != 200 {
        return Err(err(format!(
            "HTTP {} {}",
            resp.status(),
            resp.status_text()
        )));
    }
    let expected: Option<u64> = resp.header("Content-Length").and_then(|v| v.parse().ok());
    let new_meta = Meta {
        etag: resp.header("ETag").map(str::to_owned),
        last_modified: resp.header("Last-Modified").map(str::to_owned),
        url: url.clone(),
    };
    let part = eco_dir.join(format!(".all.zip.part{}", std::process::id()));
    let result = (|| -> Result<u64, String> {
        let mut file = std::fs::File::create(&part)
            .map_err(|e| format!("cannot create `{}`: {e}", part.display()))?;
        let mut reader = resp.into_reader();
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0u64;
        loop {
            let n = reader
                .read(&mut buf)
                .map_err(|e| format!("download interrupted after {total} bytes: {e}"))?;
            if n == 0 {
                break;
            }
            file.write_all(&buf[..n])
                .map_err(|e| format!("cannot write `{}`: {e}", part.display()))?;
            total += n as u64;
        }
        file.sync_all()
            .map_err(|e| format!("cannot write `{}`: {e}", part.display()))?;
        if let Some(n) = expected
            && n != total
        {
            return Err(format!(
                "download interrupted: {total} of {n} bytes received"
            ));
        }
        let f = std::fs::File::open(&part).map_err(|e| e.to_string())?;
        zip::ZipArchive::new(std::io::BufReader::new(f))
            .map_err(|e| format!("the downloaded file is not a readable zip: {e}"))?;
        Ok(total)
    })();
    let total = match result {
        Ok(t) => t,
        Err(m) => {
            let _ = std::fs::remove_file(&part);
            return Err(err(format!("{m}; the previous database is unchanged")));
        }
    };
    std::fs::rename(&part, &target).map_err(|e| {
        let _ = std::fs::remove_file(&part);
        err(format!("cannot replace `{}`: {e}", target.display()))
    })?;
    if let Ok(bytes) = serde_json::to_vec(&new_meta) {
        let _ = std::fs::write(&meta_path, bytes);
    }
    Ok(Outcome::Downloaded(total))
}
