//! Scanning git history: every blob reachable from any reference, read once, reported with the
//! commit and path where it first appeared.
//!
//! Commits are visited oldest first; a tree already visited is not entered again, so the walk
//! costs about one visit per distinct tree rather than one per commit and file; the commits are
//! cut into consecutive runs walked on several threads and joined in order. The distinct
//! blobs it finds are then read where they lie: each pack file is traversed once in the order
//! of its deltas, by several threads, so every object is decompressed and rebuilt from its delta
//! base once, rather than rebuilt along its whole delta chain per blob (a history packed by
//! `git gc` keeps most versions of a file as deltas of another). Blobs outside the packs (loose
//! objects, alternates) are read one by one. Matches are put back in the order the blobs first
//! appeared before a secret seen again at the same path is dropped, so the result does not
//! depend on the threads nor on where the objects lie.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

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
    // Every commit and tree is read once (a tree already visited is not entered again): a cache
    // of objects by id would only copy each one. The delta bases that successive versions of a
    // tree share are what is worth keeping (32 MiB of them: 7% less CPU on the benchmark's
    // history than the default cache of 64 entries).
    repo.objects.unset_object_cache();
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            32 << 20,
        ))
    });

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

    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        threads
    };
    let blobs = walk_in_parallel(&repo, &commits, threads, path)?;
    let claimed: Vec<AtomicBool> = blobs.iter().map(|_| AtomicBool::new(false)).collect();
    let job = Job {
        scanner,
        blobs: &blobs,
        claimed: &claimed,
        max_blob_size,
        scan_binary,
    };
    let mut parts = vec![scan_packs(&job, &repo, threads, path)?];

    // What the packs did not hold, read one by one, in parallel.
    let rest: Vec<usize> = (0..blobs.len())
        .filter(|&i| !claimed[i].load(Ordering::Relaxed))
        .collect();
    if !rest.is_empty() {
        let shared = repo.into_sync();
        let chunk = rest.len().div_ceil(threads).max(1);
        let results: Vec<Result<Part, ScanError>> = std::thread::scope(|s| {
            let handles: Vec<_> = rest
                .chunks(chunk)
                .map(|seqs| {
                    let (shared, job) = (&shared, &job);
                    s.spawn(move || scan_loose(job, shared, seqs, path))
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
        for part in results {
            parts.push(part?);
        }
    }

    let mut out = HistoryScan {
        commits: commits.len() as u64,
        ..HistoryScan::default()
    };
    let mut matches: Vec<(usize, HistoryMatch)> = Vec::new();
    let mut skipped: Vec<(usize, (String, String))> = Vec::new();
    for part in parts {
        matches.extend(part.matches);
        skipped.extend(part.skipped);
        out.stats.files += part.stats.files;
        out.stats.bytes += part.stats.bytes;
        out.stats.binary += part.stats.binary;
    }
    // Back in the order the blobs first appeared (a stable sort keeps each blob's matches in the
    // order its scan gave them), so the first match of a secret at a path is where it was
    // introduced; later versions of the file that still hold it are not reported again.
    matches.sort_by_key(|(seq, _)| *seq);
    skipped.sort_by_key(|(seq, _)| *seq);
    let mut reported: HashSet<(String, String, String)> = HashSet::new();
    for (_, m) in matches {
        if reported.insert((
            m.found.rule.clone(),
            m.found.fingerprint.clone(),
            m.path.clone(),
        )) {
            out.matches.push(m);
        }
    }
    out.skipped = skipped.into_iter().map(|(_, s)| s).collect();
    Ok(out)
}

/// [`walk_trees`] over all `commits`, on `threads` threads: the commits are cut into consecutive
/// runs, each walked on its own (re-entering only the trees its first commits share with an
/// earlier run), and the runs' lists are joined in order, a blob listed by an earlier run
/// dropped from a later one. The result is the single walk's: a blob new to the whole walk sits
/// in new trees only, which both walks enter in the same order, at the same paths.
fn walk_in_parallel(
    repo: &gix::Repository,
    commits: &[(i64, ObjectId, ObjectId)],
    threads: usize,
    path: &Path,
) -> Result<Vec<BlobRef>, ScanError> {
    // A few runs per thread, so that a slow run does not keep the others waiting.
    let runs = if threads <= 1 { 1 } else { threads * 4 };
    let per_run = commits.len().div_ceil(runs).max(1);
    if threads <= 1 || commits.len() <= per_run {
        return walk_trees(repo, commits, path);
    }
    let runs: Vec<&[(i64, ObjectId, ObjectId)]> = commits.chunks(per_run).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let lists: Mutex<Vec<Option<Vec<BlobRef>>>> =
        Mutex::new((0..runs.len()).map(|_| None).collect());
    let shared = repo.clone().into_sync();
    let results: Vec<Result<(), ScanError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (shared, runs, next, lists) = (&shared, &runs, &next, &lists);
                s.spawn(move || {
                    let mut repo = shared.to_thread_local();
                    repo.objects.unset_object_cache();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(run) = runs.get(i) else {
                            return Ok(());
                        };
                        let list = walk_trees(&repo, run, path)?;
                        lists
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)[i] = Some(list);
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(git_err(path)(&"a walking thread panicked")))
            })
            .collect()
    });
    for r in results {
        r?;
    }
    let lists = lists
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut blobs = Vec::new();
    for list in lists.into_iter().flatten() {
        blobs.extend(list.into_iter().filter(|b| seen.insert(b.id)));
    }
    Ok(blobs)
}

/// Visits the trees of `commits` in order, each tree once, and lists every blob not seen before,
/// in order of first appearance, with the commit and path where it appeared.
fn walk_trees(
    repo: &gix::Repository,
    commits: &[(i64, ObjectId, ObjectId)],
    path: &Path,
) -> Result<Vec<BlobRef>, ScanError> {
    let err = git_err(path);
    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    let mut blobs: Vec<BlobRef> = Vec::new();
    for (_, commit, tree) in commits {
        let mut stack: Vec<(ObjectId, String)> = vec![(*tree, String::new())];
        while let Some((tree_id, prefix)) = stack.pop() {
            if !seen_trees.insert(tree_id) {
                continue;
            }
            let tree = repo.find_tree(tree_id).map_err(|e| err(&e))?;
            let decoded = tree.decode().map_err(|e| err(&e))?;
            for entry in &decoded.entries {
                let id = entry.oid.to_owned();
                let is_tree = entry.mode.is_tree();
                let new = if is_tree {
                    !seen_trees.contains(&id)
                } else {
                    entry.mode.is_blob() && seen_blobs.insert(id)
                };
                if !new {
                    continue;
                }
                let name = String::from_utf8_lossy(entry.filename);
                let full = if prefix.is_empty() {
                    name.into_owned()
                } else {
                    format!("{prefix}/{name}")
                };
                if is_tree {
                    stack.push((id, full));
                } else {
                    blobs.push(BlobRef {
                        id,
                        commit: *commit,
                        path: full,
                    });
                }
            }
        }
    }
    Ok(blobs)
}

/// What the scanning threads share: the blobs wanted (numbered in order of first appearance) and,
/// for each, whether a thread has taken it.
struct Job<'a> {
    scanner: &'a Scanner,
    blobs: &'a [BlobRef],
    claimed: &'a [AtomicBool],
    max_blob_size: u64,
    scan_binary: bool,
}

impl Job<'_> {
    /// Scans blob `seq` (its content `data`) into `part`, unless another thread took it already.
    fn scan(&self, seq: usize, data: &[u8], part: &mut Part) {
        if self.claimed[seq].swap(true, Ordering::Relaxed) {
            return;
        }
        let blob = &self.blobs[seq];
        if data.len() as u64 > self.max_blob_size {
            part.skipped.push((
                seq,
                (
                    blob.path.clone(),
                    format!("{} bytes, larger than the limit", data.len()),
                ),
            ));
            return;
        }
        let ext = extension(Path::new(&blob.path));
        let binary = looks_binary(data);
        part.stats.binary += u64::from(binary);
        part.stats.files += 1;
        part.stats.bytes += data.len() as u64;
        let found = if binary && !self.scan_binary {
            self.scanner.scan_binary(data, ext)
        } else {
            self.scanner.scan(data, ext)
        };
        for found in found {
            part.matches.push((
                seq,
                HistoryMatch {
                    commit: blob.commit.to_string(),
                    path: blob.path.clone(),
                    blob: blob.id.to_string(),
                    found,
                },
            ));
        }
    }
}

/// Traverses each pack of the repository once, in the order of its deltas, on `threads` threads,
/// scanning the wanted blobs it holds.
fn scan_packs(
    job: &Job<'_>,
    repo: &gix::Repository,
    threads: usize,
    path: &Path,
) -> Result<Part, ScanError> {
    let err = git_err(path);
    let wanted: HashMap<ObjectId, usize> = job
        .blobs
        .iter()
        .enumerate()
        .map(|(seq, b)| (b.id, seq))
        .collect();
    let dir = repo.objects.store_ref().path().join("pack");
    let mut indexes: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "idx"))
            .collect(),
        // No pack directory: every object is loose.
        Err(_) => Vec::new(),
    };
    indexes.sort();
    let found = Mutex::new(Part::default());
    for idx in indexes {
        let bundle = gix::odb::pack::Bundle::at(&idx, repo.object_hash()).map_err(|e| err(&e))?;
        let processor = |kind: gix::object::Kind,
                         data: &[u8],
                         entry: &gix::odb::pack::index::Entry,
                         _: &dyn gix::Progress|
         -> gix::error::Result<()> {
            if kind == gix::object::Kind::Blob
                && let Some(&seq) = wanted.get(&entry.oid)
            {
                let mut part = Part::default();
                job.scan(seq, data, &mut part);
                found
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .absorb(part);
            }
            Ok(())
        };
        bundle
            .index
            .traverse_with_index(
                &bundle.pack,
                processor,
                &mut gix::progress::Discard,
                &AtomicBool::new(false),
                gix::odb::pack::index::traverse::with_index::Options {
                    thread_limit: Some(threads),
                    // Like a plain object read: the pack's and each object's checksums are not
                    // recomputed.
                    check: gix::odb::pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerification,
                    alloc_limit_bytes: None,
                },
            )
            .map_err(|e| err(&e))?;
    }
    Ok(found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner))
}

#[derive(Default)]
struct Part {
    /// Matches, each with the number of its blob.
    matches: Vec<(usize, HistoryMatch)>,
    skipped: Vec<(usize, (String, String))>,
    stats: Stats,
}

impl Part {
    fn absorb(&mut self, other: Part) {
        self.matches.extend(other.matches);
        self.skipped.extend(other.skipped);
        self.stats.files += other.stats.files;
        self.stats.bytes += other.stats.bytes;
        self.stats.binary += other.stats.binary;
    }
}

/// Reads blobs `seqs` one by one (those no pack traversed) and scans them.
fn scan_loose(
    job: &Job<'_>,
    shared: &gix::ThreadSafeRepository,
    seqs: &[usize],
    path: &Path,
) -> Result<Part, ScanError> {
    let err = git_err(path);
    let mut repo = shared.to_thread_local();
    // Each object is read once: a cache of objects by id would only copy them.
    repo.objects.unset_object_cache();
    let mut part = Part::default();
    for &seq in seqs {
        let object = repo.find_object(job.blobs[seq].id).map_err(|e| err(&e))?;
        job.scan(seq, &object.data, &mut part);
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
