//! Scanning files: a parallel walk that, unlike most tools' defaults, looks at hidden and
//! git-ignored files too (auditors want `.env`), skips binaries, and reads huge files in chunks.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use ignore::{WalkBuilder, WalkState};

use crate::error::ScanError;
use crate::scanner::{Match, Scanner};

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Honour `.gitignore`, `.ignore` and git excludes (default: no, everything is read).
    pub respect_gitignore: bool,
    /// Skip hidden files and directories (default: no).
    pub skip_hidden: bool,
    /// Scan files that look binary (a NUL byte in the first 8 KiB) with every rule; by default
    /// they are scanned only for distinctive token formats.
    pub scan_binary: bool,
    /// Files larger than this are not read (bytes).
    pub max_file_size: u64,
    /// Files larger than this are read in chunks of this size (bytes).
    pub chunk_size: usize,
    /// Worker threads (0: one per CPU).
    pub threads: usize,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            respect_gitignore: false,
            skip_hidden: false,
            scan_binary: false,
            max_file_size: 1 << 30,
            chunk_size: 32 << 20,
            threads: 0,
        }
    }
}

/// A secret in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileMatch {
    /// The file, as reached from the path given.
    pub path: PathBuf,
    /// The match.
    pub found: Match,
}

/// A file that was not scanned, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub path: PathBuf,
    /// Why (`binary`, `larger than the size limit`, an I/O error).
    pub reason: String,
}

/// Counts of a scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Files (or blobs) scanned.
    pub files: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Files that looked binary (scanned for token formats only, unless asked otherwise).
    pub binary: u64,
}

/// What a scan found.
#[derive(Debug, Default)]
pub struct FileScan {
    /// The secrets, sorted by path and position.
    pub matches: Vec<FileMatch>,
    /// Files not scanned.
    pub skipped: Vec<Skipped>,
    /// Counts.
    pub stats: Stats,
}

/// Bytes inspected to decide that a file is binary.
const BINARY_PROBE: usize = 8 << 10;
/// Overlap between chunks of a huge file, so a secret across a boundary is still seen whole.
const CHUNK_OVERLAP: usize = 64 << 10;

/// Scans every file under `paths`.
///
/// # Errors
/// A path that does not exist.
pub fn scan_paths(
    scanner: &Scanner,
    paths: &[PathBuf],
    options: &WalkOptions,
) -> Result<FileScan, ScanError> {
    let Some((first, rest)) = paths.split_first() else {
        return Ok(FileScan::default());
    };
    for p in paths {
        if let Err(source) = std::fs::metadata(p) {
            return Err(ScanError::Io {
                path: p.clone(),
                source,
            });
        }
    }
    let mut builder = WalkBuilder::new(first);
    for p in rest {
        builder.add(p);
    }
    let respect = options.respect_gitignore;
    builder
        .hidden(options.skip_hidden)
        .ignore(respect)
        .git_ignore(respect)
        .git_global(respect)
        .git_exclude(respect)
        .parents(respect)
        .require_git(false)
        .follow_links(false)
        .threads(options.threads)
        // The repository database is history, read by `--history`, not the working tree.
        .filter_entry(|e| e.file_name() != ".git");

    let matches = Mutex::new(Vec::new());
    let skipped = Mutex::new(Vec::new());
    let (files, bytes, binary) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    builder.build_parallel().run(|| {
        let mut buf = Vec::new();
        let (matches, skipped) = (&matches, &skipped);
        let (files, bytes, binary) = (&files, &bytes, &binary);
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let path = err_path(&err);
                    lock(skipped).push(Skipped {
                        path,
                        reason: err.to_string(),
                    });
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            let path = entry.path();
            match scan_file(scanner, path, options, &mut buf) {
                Ok(Outcome::Scanned(len, found)) => {
                    files.fetch_add(1, Ordering::Relaxed);
                    bytes.fetch_add(len, Ordering::Relaxed);
                    if !found.is_empty() {
                        let mut m = lock(matches);
                        m.extend(found.into_iter().map(|found| FileMatch {
                            path: path.to_path_buf(),
                            found,
                        }));
                    }
                }
                Ok(Outcome::Binary(len, found)) => {
                    binary.fetch_add(1, Ordering::Relaxed);
                    files.fetch_add(1, Ordering::Relaxed);
                    bytes.fetch_add(len, Ordering::Relaxed);
                    if !found.is_empty() {
                        let mut m = lock(matches);
                        m.extend(found.into_iter().map(|found| FileMatch {
                            path: path.to_path_buf(),
                            found,
                        }));
                    }
                }
                Ok(Outcome::TooLarge(len)) => lock(skipped).push(Skipped {
                    path: path.to_path_buf(),
                    reason: format!(
                        "{len} bytes, larger than the {} byte limit",
                        options.max_file_size
                    ),
                }),
                Err(e) => lock(skipped).push(Skipped {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                }),
            }
            WalkState::Continue
        })
    });
    let mut matches = matches
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    matches.sort_by(|a, b| {
        a.path
            .cmp(&b.path)
            .then(a.found.offset.cmp(&b.found.offset))
    });
    let mut skipped = skipped
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(FileScan {
        matches,
        skipped,
        stats: Stats {
            files: files.into_inner(),
            bytes: bytes.into_inner(),
            binary: binary.into_inner(),
        },
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn err_path(err: &ignore::Error) -> PathBuf {
    match err {
        ignore::Error::WithPath { path, .. } => path.clone(),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        _ => PathBuf::new(),
    }
}

enum Outcome {
    Scanned(u64, Vec<Match>),
    Binary(u64, Vec<Match>),
    TooLarge(u64),
}

/// The extension of a path, for extension-bound rules.
#[must_use]
pub fn extension(path: &Path) -> Option<&str> {
    path.extension().and_then(|e| e.to_str())
}

/// Whether `data` looks binary (a NUL byte near the start).
#[must_use]
pub fn looks_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_PROBE)]).is_some()
}

fn scan_file(
    scanner: &Scanner,
    path: &Path,
    options: &WalkOptions,
    buf: &mut Vec<u8>,
) -> std::io::Result<Outcome> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    if len > options.max_file_size {
        return Ok(Outcome::TooLarge(len));
    }
    let ext = extension(path);
    buf.clear();
    if len <= options.chunk_size as u64 {
        // The size is known: `File::read_to_end` would ask for it again (and for the position),
        // two more system calls per file. Reading through `Take` fills the space reserved, then
        // one more read finds the end (or what the file grew by since).
        buf.reserve(usize::try_from(len).unwrap_or(0).saturating_add(1));
        Read::read_to_end(&mut Read::take(&mut file, u64::MAX), buf)?;
        if looks_binary(buf) {
            let found = if options.scan_binary {
                scanner.scan(buf, ext)
            } else {
                scanner.scan_binary(buf, ext)
            };
            return Ok(Outcome::Binary(buf.len() as u64, found));
        }
        return Ok(Outcome::Scanned(buf.len() as u64, scanner.scan(buf, ext)));
    }
    scan_chunked(scanner, &mut file, ext, options, buf)
}

/// Reads a huge file in overlapping chunks, so memory stays bounded; matches in the overlap are
/// counted once, with line numbers carried across chunks.
fn scan_chunked(
    scanner: &Scanner,
    file: &mut File,
    ext: Option<&str>,
    options: &WalkOptions,
    buf: &mut Vec<u8>,
) -> std::io::Result<Outcome> {
    let chunk = options.chunk_size.max(2 * CHUNK_OVERLAP);
    let mut found = Vec::new();
    let mut base_offset = 0usize; // file offset of buf[0]
    let mut base_line = 0u32; // lines before buf[0]
    let mut total = 0u64;
    let mut first = true;
    let mut binary = false;
    loop {
        let start_len = buf.len();
        buf.resize(start_len + chunk, 0);
        let mut filled = start_len;
        while filled < buf.len() {
            let n = file.read(&mut buf[filled..])?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        buf.truncate(filled);
        let eof = filled < start_len + chunk;
        total += (filled - start_len) as u64;
        if first {
            binary = looks_binary(buf);
            first = false;
        }
        // Matches starting in the overlap carried from the previous chunk were already reported.
        let fresh_from = if base_offset == 0 {
            0
        } else {
            CHUNK_OVERLAP.min(start_len)
        };
        let scanned = if binary && !options.scan_binary {
            scanner.scan_binary(buf, ext)
        } else {
            scanner.scan(buf, ext)
        };
        for mut m in scanned {
            if m.offset < fresh_from {
                continue;
            }
            m.offset += base_offset;
            m.line += base_line;
            found.push(m);
        }
        if eof {
            break;
        }
        let keep_from = buf.len() - CHUNK_OVERLAP;
        let newlines = memchr::memchr_iter(b'\n', &buf[..keep_from]).count();
        base_line += u32::try_from(newlines).unwrap_or(u32::MAX);
        base_offset += keep_from;
        buf.drain(..keep_from);
    }
    Ok(if binary {
        Outcome::Binary(total, found)
    } else {
        Outcome::Scanned(total, found)
    })
}
