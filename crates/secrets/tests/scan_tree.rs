//! The scanner on a tree of planted secrets and decoys: every planted secret is found at its
//! line, nothing else is, hidden and git-ignored files are read, binaries are skipped, and no
//! secret appears whole in what is returned.

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;

use rampart_secrets::{Place, Scanner, WalkOptions, scan_paths, to_finding};
use support::tree::{Planted, write_tree};

fn scan(root: &std::path::Path, options: &WalkOptions) -> rampart_secrets::FileScan {
    let scanner = Scanner::builtin().expect("catalogue");
    scan_paths(&scanner, &[root.to_path_buf()], options).expect("scan")
}

fn found_set(
    root: &std::path::Path,
    scan: &rampart_secrets::FileScan,
) -> BTreeSet<(String, usize, String)> {
    scan.matches
        .iter()
        .map(|m| {
            let rel = m
                .path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, m.found.line as usize, m.found.rule.clone())
        })
        .collect()
}

#[test]
fn finds_every_planted_secret_and_no_decoy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let planted = write_tree(dir.path()).expect("tree");
    let result = scan(dir.path(), &WalkOptions::default());
    let want: BTreeSet<(String, usize, String)> = planted
        .iter()
        .map(|Planted { path, line, kind }| (path.clone(), *line, kind.clone()))
        .collect();
    let got = found_set(dir.path(), &result);
    let missed: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed: {missed:#?}\nfalse positives: {extra:#?}"
    );
    assert_eq!(result.stats.binary, 2, "two files look binary");
    assert!(result.stats.files > 20);
}

#[test]
fn gitignore_and_hidden_files_are_skipped_only_when_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(dir.path()).expect("tree");
    let options = WalkOptions {
        respect_gitignore: true,
        skip_hidden: true,
        ..WalkOptions::default()
    };
    let got = found_set(dir.path(), &scan(dir.path(), &options));
    assert!(
        !got.iter().any(|(p, _, _)| p == "secrets.local.json"),
        "git-ignored file read: {got:?}"
    );
    assert!(
        !got.iter()
            .any(|(p, _, _)| p.starts_with('.') || p.contains("/.")),
        "hidden file read: {got:?}"
    );
    assert!(got.iter().any(|(p, _, _)| p == "app/shopify/client.py"));
}

#[test]
fn findings_never_hold_a_secret_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(dir.path()).expect("tree");
    let result = scan(dir.path(), &WalkOptions::default());
    for m in &result.matches {
        let text = std::fs::read_to_string(&m.path).expect("read");
        let line = text.lines().nth(m.found.line as usize - 1).expect("line");
        let file = m.path.to_string_lossy().into_owned();
        let finding = to_finding(
            Place {
                file: &file,
                commit: None,
                blob: None,
            },
            &m.found,
        );
        let json = serde_json::to_string(&finding).expect("json");
        // The secret starts at the reported column; at most 4 of its characters may appear.
        let secret: String = line
            .get(m.found.column as usize - 1..)
            .unwrap_or_default()
            .chars()
            .take(12)
            .collect();
        assert!(secret.len() >= 8, "{}:{} {secret:?}", file, m.found.line);
        assert!(
            !json.contains(&secret),
            "secret prefix {secret:?} leaked in {json}"
        );
        assert_eq!(finding.controls, ["SEC-1"]);
        assert_eq!(
            finding.location.as_ref().and_then(|l| l.line),
            Some(m.found.line)
        );
    }
}

#[test]
fn huge_files_are_read_in_chunks_with_correct_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::new();
    for i in 0..40_000 {
        text.push_str(&format!(
            "line {i} of filler text without anything secret in it\n"
        ));
    }
    let token = ["ghp_", "Zq8WmK3xT5rLp2Vb7NcYd4eHf9gJs6uQi1oA"].concat();
    text.push_str(&format!("token: {token}\n"));
    for i in 0..10 {
        text.push_str(&format!("tail {i}\n"));
    }
    let path: PathBuf = dir.path().join("big.log");
    std::fs::write(&path, &text).expect("write");
    let options = WalkOptions {
        chunk_size: 256 << 10,
        ..WalkOptions::default()
    };
    let result = scan(dir.path(), &options);
    assert!(
        text.len() > 4 * options.chunk_size,
        "the file spans several chunks"
    );
    assert_eq!(result.matches.len(), 1, "{:#?}", result.matches);
    assert_eq!(result.matches[0].found.line, 40_001);
    assert_eq!(result.matches[0].found.column, 8);
    assert_eq!(result.stats.bytes, text.len() as u64);
    let small = WalkOptions {
        max_file_size: 1024,
        ..WalkOptions::default()
    };
    let skipped = scan(dir.path(), &small);
    assert!(skipped.matches.is_empty());
    assert_eq!(skipped.skipped.len(), 1);
    assert!(skipped.skipped[0].reason.contains("limit"));
}

#[test]
fn a_missing_path_is_an_error() {
    let scanner = Scanner::builtin().expect("catalogue");
    let err = scan_paths(
        &scanner,
        &[PathBuf::from("/nonexistent/rampart")],
        &WalkOptions::default(),
    )
    .expect_err("missing");
    assert!(err.to_string().contains("/nonexistent/rampart"));
}
