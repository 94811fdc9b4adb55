//! Scanning git history: every blob reachable from any reference, read once, reported with the
//! commit and path where it first appeared.
//!
//! Commits are visited oldest first; a tree already visited is not entered again, so the walk
//! costs about one visit per distinct tree rather than one per commit and file. The distinct
//! blobs are then scanned in parallel, each thread with its own repository handle.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use gix::ObjectId;

use crate::error::ScanError;
use crate::scanner::{Match, Scanner};
use crate::walk::{Stats, extension, looks_binary};

/// A secret in a blob of the history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryMatch {
    /// The commit where the blob first appeared (full hex id).
    pub commit: String,
    /// The path of the blob in that commit.
    pub path: String,
    /// The blob id.
    pub blob: String,
    /// The match.
    pub found: Match,
}

/// What a history scan found.
#[derive(Debug, Default)]
pub struct HistoryScan {
    /// The secrets, in the order the blobs first appeared.
    pub matches: Vec<HistoryMatch>,
    /// Commits visited.
    pub commits: u64,
    /// Blobs too large to read, by path.
    pub skipped: Vec<(String, String)>,
    /// Counts (files = distinct blobs scanned).
    pub stats: Stats,
}

struct BlobRef {
    id: ObjectId,
    commit: ObjectId,
    path: String,
}

fn git_err(path: &Path) -> impl Fn(&dyn std::fmt::Display) -> ScanError + '_ {
    move |e| ScanError::Git {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Scans the history of the repository at `path` (a work tree or a bare repository).
///
/// # Errors
/// Not a git repository, or an object that cannot be read.
pub fn scan_history(
    scanner: &Scanner,
    path: &Path,
    threads: usize,
    max_blob_size: u64,
    scan_binary: bool,
) -> Result<HistoryScan, ScanError> {
    let err = git_err(path);
    let mut repo = gix::open(path).map_err(|e| err(&e))?;
    repo.object_cache_size_if_unset(64 << 20);

    // Every commit reachable from a reference (or HEAD), oldest first.
    let mut tips: Vec<ObjectId> = Vec::new();
    if let Ok(head) = repo.head_id() {
        tips.push(head.detach());
    }
    let platform = repo.references().map_err(|e| err(&e))?;
    for reference in platform.all().map_err(|e| err(&e))? {
        let Ok(mut reference) = reference else {
            continue;
        };
        if let Ok(commit) = reference.peel_to_commit() {
            tips.push(commit.id);
        }
    }
    tips.sort();
    tips.dedup();
    let mut commits: Vec<(i64, ObjectId, ObjectId)> = Vec::new();
    if !tips.is_empty() {
        for info in repo.rev_walk(tips).all().map_err(|e| err(&e))? {
            let info = info.map_err(|e| err(&e))?;
            let commit = repo.find_commit(info.id).map_err(|e| err(&e))?;
            let time = commit.time().map(|t| t.seconds).unwrap_or_default();
            let tree = commit.tree_id().map_err(|e| err(&e))?.detach();
            commits.push((time, info.id, tree));
        }
    }
    // Oldest first; a stable sort keeps the walk's (child before parent) order reversed for ties.
    commits.reverse();
    commits.sort_by_key(|(time, _, _)| *time);

    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    let mut blobs: Vec<BlobRef> = Vec::new();
    for (_, commit, tree) in &commits {
        let mut stack: Vec<(ObjectId, String)> = vec![(*tree, String::new())];
        while let Some((tree_id, prefix)) = stack.pop() {
            if !seen_trees.insert(tree_id) {
                continue;
            }
            let tree = repo.find_tree(tree_id).map_err(|e| err(&e))?;
            let decoded = tree.decode().map_err(|e| err(&e))?;
            for entry in &decoded.entries {
                let name = String::from_utf8_lossy(entry.filename);
                let full = if prefix.is_empty() {
                    name.into_owned()
                } else {
                    format!("{prefix}/{name}")
                };
                let id = entry.oid.to_owned();
                if entry.mode.is_tree() {
                    if !seen_trees.contains(&id) {
                        stack.push((id, full));
                    }
                } else if entry.mode.is_blob() && seen_blobs.insert(id) {
                    blobs.push(BlobRef {
                        id,
                        commit: *commit,
                        path: full,
                    });
                }
            }
        }
    }

    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        threads
    };
    let shared = repo.into_sync();
    let chunk = blobs.len().div_ceil(threads).max(1);
    let results: Vec<Result<Part, ScanError>> = std::thread::scope(|s| {
        let handles: Vec<_> = blobs
            .chunks(chunk)
            .map(|part| {
                let shared = &shared;
                s.spawn(move || scan_blobs(scanner, shared, part, path, max_blob_size, scan_binary))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(git_err(path)(&"a scanning thread panicked")))
            })
            .collect()
    });
    let mut out = HistoryScan {
        commits: commits.len() as u64,
        ..HistoryScan::default()
    };
    // Blobs are in order of first appearance, so the first match of a secret at a path is where
    // it was introduced; later versions of the file that still hold it are not reported again.
    let mut reported: HashSet<(String, String, String)> = HashSet::new();
    for part in results {
        let part = part?;
        for m in part.matches {
            if reported.insert((
                m.found.rule.clone(),
                m.found.fingerprint.clone(),
                m.path.clone(),
            )) {
                out.matches.push(m);
            }
        }
        out.skipped.extend(part.skipped);
        out.stats.files += part.stats.files;
        out.stats.bytes += part.stats.bytes;
        out.stats.binary += part.stats.binary;
    }
    Ok(out)
}

#[derive(Default)]
struct Part {
    matches: Vec<HistoryMatch>,
    skipped: Vec<(String, String)>,
    stats: Stats,
}

fn scan_blobs(
    scanner: &Scanner,
    shared: &gix::ThreadSafeRepository,
    blobs: &[BlobRef],
    path: &Path,
    max_blob_size: u64,
    scan_binary: bool,
) -> Result<Part, ScanError> {
    let err = git_err(path);
    let mut repo = shared.to_thread_local();
    repo.object_cache_size_if_unset(32 << 20);
    let mut part = Part::default();
    for blob in blobs {
        let object = repo.find_object(blob.id).map_err(|e| err(&e))?;
        let data = &object.data;
        if data.len() as u64 > max_blob_size {
            part.skipped.push((
                blob.path.clone(),
                format!("{} bytes, larger than the limit", data.len()),
            ));
            continue;
        }
        let ext = extension(Path::new(&blob.path));
        let binary = looks_binary(data);
        part.stats.binary += u64::from(binary);
        part.stats.files += 1;
        part.stats.bytes += data.len() as u64;
        let found = if binary && !scan_binary {
            scanner.scan_binary(data, ext)
        } else {
            scanner.scan(data, ext)
        };
        for found in found {
            part.matches.push(HistoryMatch {
                commit: blob.commit.to_string(),
                path: blob.path.clone(),
                blob: blob.id.to_string(),
                found,
            });
        }
    }
    Ok(part)
}

/// The path a history match is reported under: `path@commit` (12 hex digits of the commit).
#[must_use]
pub fn display_path(m: &HistoryMatch) -> PathBuf {
    PathBuf::from(format!(
        "{}@{}",
        m.path,
        m.commit.get(..12).unwrap_or(&m.commit)
    ))
}
