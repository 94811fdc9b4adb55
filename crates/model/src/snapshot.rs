//! Snapshots: an Inventory saved as versioned JSON, optionally zstd-compressed.
//!
//! ```json
//! { "format": "rampart-snapshot", "version": 1, "created_by": "rampart 0.1.0", "inventory": { … } }
//! ```
//!
//! The version is checked before the inventory is parsed, so a snapshot from a newer rampart is
//! refused with a clear message rather than misread. Reading is bounded: files over
//! [`Limits::max_bytes`] (compressed or not) are refused before they are parsed, and nesting is
//! bounded by the JSON parser's recursion limit.

use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::inventory::Inventory;

/// The `format` field of every snapshot.
pub const FORMAT: &str = "rampart-snapshot";
/// The snapshot format version this build writes and the newest it reads.
pub const VERSION: u32 = 1;

const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Bounds on what a snapshot read may cost.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest snapshot accepted, after decompression.
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        // 512 MiB of JSON is several million resources: more than the largest organizations.
        Limits {
            max_bytes: 512 * 1024 * 1024,
        }
    }
}

/// Why a snapshot could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The file could not be opened or read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is larger than the limit.
    #[error("`{path}` is larger than {limit} bytes (the snapshot size limit); refusing to read it")]
    TooLarge {
        /// The file.
        path: String,
        /// The limit.
        limit: u64,
    },
    /// The JSON is malformed or does not match the snapshot schema.
    #[error("{path}:{line}:{column}: {message}")]
    Json {
        /// The file.
        path: String,
        /// 1-based line (0 when the error is at end of input).
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The JSON is not a rampart snapshot at all.
    #[error(
        "`{path}` is not a rampart snapshot (its `format` field is {found}, expected `{FORMAT}`)"
    )]
    NotASnapshot {
        /// The file.
        path: String,
        /// What the format field held.
        found: String,
    },
    /// The snapshot was written by a newer rampart.
    #[error(
        "`{path}` is a version {found} snapshot, but this rampart reads versions up to {VERSION}: \
         upgrade rampart to read it (it was written by {created_by})"
    )]
    NewerVersion {
        /// The file.
        path: String,
        /// Its version.
        found: u32,
        /// The `created_by` field.
        created_by: String,
    },
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    created_by: Option<String>,
    #[serde(borrow)]
    inventory: Option<&'a RawValue>,
}

#[derive(Serialize)]
struct EnvelopeOut<'a> {
    format: &'static str,
    version: u32,
    created_by: &'a str,
    inventory: &'a Inventory,
}

/// Whether `bytes` look like a snapshot (zstd, or JSON with the snapshot format marker near the
/// start). Used by `rampart scan` to tell a snapshot from other JSON inputs.
#[must_use]
pub fn looks_like_snapshot(bytes: &[u8]) -> bool {
    if bytes.starts_with(&ZSTD_MAGIC) {
        return true;
    }
    let head = &bytes[..bytes.len().min(4096)];
    head.windows(FORMAT.len()).any(|w| w == FORMAT.as_bytes())
}

/// Reads a snapshot file (plain JSON or zstd), enforcing `limits`.
///
/// # Errors
/// I/O errors, oversize files, malformed JSON (with line and column), a missing or wrong
/// `format`, and newer versions.
pub fn read(path: &Path, limits: Limits) -> Result<Inventory, SnapshotError> {
    let display = path.display().to_string();
    let io = |source| SnapshotError::Io {
        path: display.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > limits.max_bytes {
        return Err(SnapshotError::TooLarge {
            path: display,
            limit: limits.max_bytes,
        });
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut raw = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limits.max_bytes + 1)
        .read_to_end(&mut raw)
        .map_err(io)?;
    if raw.starts_with(&ZSTD_MAGIC) {
        let decoder = zstd::stream::read::Decoder::new(raw.as_slice()).map_err(io)?;
        let mut out = Vec::new();
        decoder
            .take(limits.max_bytes + 1)
            .read_to_end(&mut out)
            .map_err(io)?;
        raw = out;
    }
    if raw.len() as u64 > limits.max_bytes {
        return Err(SnapshotError::TooLarge {
            path: display,
            limit: limits.max_bytes,
        });
    }
    from_slice(&raw, &display)
}

/// Parses a snapshot from bytes; `path` is used in error messages.
///
/// # Errors
/// As [`read`].
pub fn from_slice(bytes: &[u8], path: &str) -> Result<Inventory, SnapshotError> {
    let json_error = |e: &serde_json::Error, base: usize| {
        let (line, column) = absolute_position(bytes, base, e.line(), e.column());
        SnapshotError::Json {
            path: path.to_owned(),
            line,
            column,
            message: strip_position(&e.to_string()),
        }
    };
    let envelope: Envelope<'_> = serde_json::from_slice(bytes).map_err(|e| json_error(&e, 0))?;
    match envelope.format.as_deref() {
        Some(FORMAT) => {}
        other => {
            return Err(SnapshotError::NotASnapshot {
                path: path.to_owned(),
                found: other.map_or_else(|| "missing".to_owned(), |f| format!("`{f}`")),
            });
        }
    }
    let version = envelope.version.unwrap_or(0);
    if version > VERSION {
        return Err(SnapshotError::NewerVersion {
            path: path.to_owned(),
            found: version,
            created_by: envelope
                .created_by
                .unwrap_or_else(|| "an unknown tool".to_owned()),
        });
    }
    let Some(raw) = envelope.inventory else {
        return Err(SnapshotError::Json {
            path: path.to_owned(),
            line: 1,
            column: 1,
            message: "the snapshot has no `inventory` field".to_owned(),
        });
    };
    // The inventory's offset in the file, so errors inside it point at the right line.
    let base = (raw.get().as_ptr() as usize).saturating_sub(bytes.as_ptr() as usize);
    serde_json::from_str::<Inventory>(raw.get()).map_err(|e| json_error(&e, base))
}

/// Writes `inventory` as a snapshot; a path ending in `.zst` is zstd-compressed.
///
/// # Errors
/// I/O errors.
pub fn write(path: &Path, inventory: &Inventory) -> Result<(), SnapshotError> {
    let display = path.display().to_string();
    let io = |source| SnapshotError::Io {
        path: display.clone(),
        source,
    };
    let file = std::fs::File::create(path).map_err(io)?;
    let compressed = path.extension().is_some_and(|e| e == "zst");
    if compressed {
        let mut encoder = zstd::stream::write::Encoder::new(file, 3).map_err(io)?;
        to_writer(&mut encoder, inventory).map_err(io)?;
        encoder.finish().map_err(io)?.flush().map_err(io)?;
    } else {
        let mut w = std::io::BufWriter::new(file);
        to_writer(&mut w, inventory).map_err(io)?;
        w.flush().map_err(io)?;
    }
    Ok(())
}

/// Serializes `inventory` as a snapshot to `w`.
///
/// # Errors
/// I/O errors.
pub fn to_writer<W: Write>(w: W, inventory: &Inventory) -> std::io::Result<()> {
    let created_by = concat!("rampart ", env!("CARGO_PKG_VERSION"));
    let env = EnvelopeOut {
        format: FORMAT,
        version: VERSION,
        created_by,
        inventory,
    };
    serde_json::to_writer_pretty(w, &env).map_err(std::io::Error::other)
}

/// The JSON Schema of the snapshot format.
#[must_use]
pub fn json_schema() -> serde_json::Value {
    let inventory = schemars::schema_for!(Inventory);
    let mut inv = inventory.to_value();
    let defs = inv
        .as_object_mut()
        .and_then(|o| o.remove("$defs"))
        .unwrap_or_else(|| serde_json::json!({}));
    if let Some(o) = inv.as_object_mut() {
        o.remove("$schema");
        o.remove("title");
    }
    let mut defs = defs;
    if let Some(d) = defs.as_object_mut() {
        d.insert("Inventory".to_owned(), inv);
    }
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://rampart.invalid/schemas/snapshot-v1.json",
        "title": "rampart snapshot",
        "description": "An AWS estate as rampart read it: versioned JSON, optionally zstd-compressed.",
        "type": "object",
        "required": ["format", "version", "inventory"],
        "properties": {
            "format": { "const": FORMAT },
            "version": { "type": "integer", "minimum": 1, "maximum": VERSION },
            "created_by": { "type": "string" },
            "inventory": { "$ref": "#/$defs/Inventory" }
        },
        "$defs": defs
    })
}

/// Converts a (line, column) inside the slice starting at byte `base` into one for the whole
/// buffer.
fn absolute_position(bytes: &[u8], base: usize, line: usize, column: usize) -> (usize, usize) {
    if base == 0 || line == 0 {
        return (line, column);
    }
    let prefix = &bytes[..base.min(bytes.len())];
    let base_line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let base_col = prefix.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    if line == 1 {
        (base_line, base_col + column - 1)
    } else {
        (base_line + line - 1, column)
    }
}

/// serde_json appends " at line L column C"; the error type already carries the position.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(version: u32, inventory: &str) -> String {
        format!(
            "{{\"format\":\"{FORMAT}\",\"version\":{version},\"created_by\":\"t\",\"inventory\":{inventory}}}"
        )
    }

    #[test]
    fn round_trip() {
        let mut inv = Inventory::default();
        inv.accounts.push(crate::Account::new("123456789012"));
        let mut buf = Vec::new();
        to_writer(&mut buf, &inv).expect("write");
        let back = from_slice(&buf, "mem").expect("read");
        assert_eq!(inv, back);
    }

    #[test]
    fn newer_version_is_refused() {
        let err = from_slice(snapshot(VERSION + 1, "{}").as_bytes(), "s.json")
            .expect_err("must be refused");
        assert!(
            matches!(err, SnapshotError::NewerVersion { found, .. } if found == VERSION + 1),
            "{err}"
        );
        assert!(err.to_string().contains("upgrade rampart"));
    }

    #[test]
    fn newer_version_refused_even_if_inventory_is_unreadable() {
        let err = from_slice(snapshot(99, "{\"accounts\": 5}").as_bytes(), "s.json")
            .expect_err("must be refused");
        assert!(matches!(err, SnapshotError::NewerVersion { .. }));
    }

    #[test]
    fn errors_inside_inventory_point_at_the_file_position() {
        let text = format!(
            "{{\n  \"format\": \"{FORMAT}\",\n  \"version\": 1,\n  \"inventory\": {{\n    \"accounts\": 5\n  }}\n}}"
        );
        let err = from_slice(text.as_bytes(), "s.json").expect_err("must be refused");
        match err {
            SnapshotError::Json { line, column, .. } => {
                assert_eq!(line, 5);
                assert!(column > 4, "column {column}");
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!(
            "{{\"accounts\": [{{\"id\": \"1\", \"iam\": {{\"policies\": [{{\"meta\": {{\"arn\": \"a\", \"name\": \"n\"}}, \"aws_managed\": false, \"document\": {}{}}}]}}}}]}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let err = from_slice(snapshot(1, &deep).as_bytes(), "s.json").expect_err("must be refused");
        assert!(err.to_string().contains("recursion limit"), "{err}");
        let unclosed = "[".repeat(100_000);
        let err =
            from_slice(snapshot(1, &unclosed).as_bytes(), "s.json").expect_err("must be refused");
        assert!(matches!(err, SnapshotError::Json { .. }), "{err}");
    }

    #[test]
    fn trailing_comma_is_located() {
        let err = from_slice(b"{\"format\":\"rampart-snapshot\",}", "s.json")
            .expect_err("must be refused");
        assert!(matches!(err, SnapshotError::Json { line: 1, .. }), "{err}");
    }

    #[test]
    fn not_a_snapshot() {
        let err =
            from_slice(b"{\"Version\":\"2012-10-17\"}", "p.json").expect_err("must be refused");
        assert!(matches!(err, SnapshotError::NotASnapshot { .. }));
    }
}
