//! A secret committed and then deleted: gone from the work tree, found in the history with the
//! commit and path that introduced it.

use std::path::Path;
use std::process::Command;

use rampart_secrets::{Scanner, WalkOptions, scan_history, scan_paths};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn a_deleted_secret_is_found_in_history_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::write(root.join("README.md"), "# shop\n").expect("write");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "init"]);
    let token = ["shpat_", "9c1e5a7f3b8d2e6a4c0f9b3d7e1a5c8f"].concat();
    std::fs::create_dir_all(root.join("app")).expect("mkdir");
    std::fs::write(
        root.join("app/shop.py"),
        format!("import os\n\nTOKEN = \"{token}\"\n"),
    )
    .expect("write");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "add shop client"]);
    let introduced = git(root, &["rev-parse", "HEAD"]);
    std::fs::write(
        root.join("app/shop.py"),
        "import os\n\nTOKEN = os.environ[\"SHOPIFY_TOKEN\"]\n",
    )
    .expect("write");
    git(
        root,
        &["commit", "-q", "-am", "read the token from the environment"],
    );
    // The same secret again on a side branch: one blob, reported once.
    git(root, &["checkout", "-q", "-b", "side", &introduced]);
    std::fs::write(root.join("notes.txt"), "nothing\n").expect("write");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "notes"]);
    git(root, &["checkout", "-q", "main"]);

    let scanner = Scanner::builtin().expect("catalogue");
    let tree = scan_paths(&scanner, &[root.to_path_buf()], &WalkOptions::default()).expect("scan");
    assert!(
        tree.matches.is_empty(),
        "the work tree no longer holds it: {:#?}",
        tree.matches
    );

    let history = scan_history(&scanner, root, 2, 1 << 30, false).expect("history");
    assert_eq!(history.commits, 4);
    assert_eq!(history.matches.len(), 1, "{:#?}", history.matches);
    let m = &history.matches[0];
    assert_eq!(m.found.rule, "shopify-access-token");
    assert_eq!(m.commit, introduced);
    assert_eq!(m.path, "app/shop.py");
    assert_eq!(m.found.line, 3);
    assert!(!format!("{m:?}").contains(&token));
}

#[test]
fn not_a_repository_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scanner = Scanner::builtin().expect("catalogue");
    let err = scan_history(&scanner, dir.path(), 1, 1 << 30, false).expect_err("not a repo");
    assert!(err.to_string().contains("git history of"), "{err}");
}

#[test]
fn a_secret_kept_over_several_commits_is_reported_once_where_it_appeared() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    let token = ["npm_", "Lq3ZxR8mWk2LpT5vNb7cYd9eHf4gJs6uQi1o"].concat();
    let mut text = format!("//registry.npmjs.org/:_authToken={token}\n");
    std::fs::write(root.join(".npmrc"), &text).expect("write");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "registry auth"]);
    let first = git(root, &["rev-parse", "HEAD"]);
    for i in 0..3 {
        text.push_str(&format!("fetch-retries={i}\n"));
        std::fs::write(root.join(".npmrc"), &text).expect("write");
        git(root, &["commit", "-q", "-am", "tune"]);
    }
    let scanner = Scanner::builtin().expect("catalogue");
    let history = scan_history(&scanner, root, 2, 1 << 30, false).expect("history");
    assert_eq!(history.stats.files, 4, "four versions of the file");
    let rules: Vec<(&str, &str)> = history
        .matches
        .iter()
        .map(|m| (m.found.rule.as_str(), m.commit.as_str()))
        .collect();
    assert_eq!(rules, [("npm-access-token", first.as_str())]);
}
