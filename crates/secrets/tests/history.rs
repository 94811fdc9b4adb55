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

/// A small generator of the same kind of history as `bench/secrets/make_history.py`: files edited
/// a few at a time by `git fast-import`, secrets committed along the way and trimmed away later,
/// a side branch, and a secret committed again where it had been removed. Each commit has its own
/// time, so "oldest first" has one meaning.
fn generated_history(root: &Path, commits: usize) {
    git(root, &["init", "-q", "-b", "main"]);
    let mut seed: u64 = 0x5eed_1234;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const HEX: &[u8] = b"0123456789abcdef";
    let token = |prefix: &str, alphabet: &[u8], len: usize, next: &mut dyn FnMut(u64) -> u64| {
        let body: String = (0..len)
            .map(|_| {
                char::from(alphabet[usize::try_from(next(alphabet.len() as u64)).expect("small")])
            })
            .collect();
        format!("{prefix}{body}")
    };
    let paths: Vec<String> = (0..8)
        .flat_map(|d| (0..5).map(move |i| format!("src/pkg{d}/mod{i}.py")))
        .collect();
    let mut files: Vec<Vec<String>> = (0..paths.len())
        .map(|i| vec![format!("# module {i}\n"), "import os\n".to_owned()])
        .collect();
    let mut input = String::new();
    let mut kept: Option<(usize, String)> = None;
    for c in 0..commits {
        let time = 1_600_000_000 + 60 * c;
        input.push_str(&format!(
            "commit refs/heads/main\nmark :{}\ncommitter t <t@example.invalid> {time} +0000\ndata 2\nc{}\n",
            c + 1,
            c % 10
        ));
        if c > 0 {
            input.push_str(&format!("from :{c}\n"));
        }
        let mut touched: Vec<usize> = if c == 0 {
            (0..paths.len()).collect()
        } else {
            (0..3)
                .map(|_| usize::try_from(next(paths.len() as u64)).expect("small"))
                .collect()
        };
        if c == commits - 5
            && let Some((f, _)) = &kept
        {
            touched[0] = *f;
        }
        for (n, f) in touched.into_iter().enumerate() {
            let lines = &mut files[f];
            lines.push(format!("VALUE_{c} = {}\n", next(1_000_000_000)));
            if lines.len() > 24 {
                lines.drain(2..8);
            }
            // A secret in the first file a commit touches.
            if n == 0 && c > 0 && c % 25 == 0 {
                let t = token("ghp_", ALNUM, 36, &mut next);
                lines.push(format!("TOKEN = \"{t}\"\n"));
                kept.get_or_insert((f, t));
            } else if n == 0 && c % 25 == 12 {
                let t = token("shpat_", HEX, 32, &mut next);
                lines.push(format!("SHOPIFY = \"{t}\"\n"));
            } else if n == 0 && c == commits - 5 {
                // The first token again, at its first path, long after it was trimmed away.
                if let Some((_, t)) = &kept {
                    lines.push(format!("TOKEN = \"{t}\"\n"));
                }
            }
            let data: String = lines.concat();
            input.push_str(&format!(
                "M 100644 inline {}\ndata {}\n{data}\n",
                paths[f],
                data.len()
            ));
        }
        input.push('\n');
    }
    // A side branch off the middle, with a secret of its own.
    let side = format!("TOKEN = \"{}\"\n", token("ghp_", ALNUM, 36, &mut next));
    input.push_str(&format!(
        "commit refs/heads/side\ncommitter t <t@example.invalid> {} +0000\ndata 4\nside\nfrom :{}\nM 100644 inline side.py\ndata {}\n{side}\n\n",
        1_600_000_000 + 60 * commits + 30,
        commits / 2,
        side.len()
    ));
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(root)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("git fast-import runs");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), input.as_bytes())
        .expect("write to fast-import");
    drop(child.stdin.take());
    assert!(child.wait().expect("fast-import").success());
    git(root, &["reset", "-q", "--hard", "main"]);
}

/// The history scan stated plainly with git's own commands: commits by time, oldest first; each
/// blob at the commit and path where it first appears (`git ls-tree -r`); every blob scanned; a
/// secret at a path reported at its first blob only.
fn reference_scan(scanner: &Scanner, root: &Path) -> Vec<(String, String, String, String, u32)> {
    let log = git(root, &["log", "--all", "--format=%ct %H"]);
    let mut commits: Vec<(u64, String)> = log
        .lines()
        .map(|l| {
            let (t, h) = l.split_once(' ').expect("time and hash");
            (t.parse().expect("time"), h.to_owned())
        })
        .collect();
    commits.sort();
    let mut seen = std::collections::HashSet::new();
    let mut blobs: Vec<(String, String, String)> = Vec::new();
    for (_, commit) in &commits {
        for line in git(root, &["ls-tree", "-r", "--full-tree", commit]).lines() {
            let (meta, path) = line.split_once('\t').expect("entry");
            let id = meta.rsplit(' ').next().expect("id").to_owned();
            if seen.insert(id.clone()) {
                blobs.push((commit.clone(), path.to_owned(), id));
            }
        }
    }
    let mut reported = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (commit, path, id) in blobs {
        let data = Command::new("git")
            .args(["cat-file", "blob", &id])
            .current_dir(root)
            .output()
            .expect("cat-file")
            .stdout;
        let ext = rampart_secrets::walk::extension(Path::new(&path));
        for m in scanner.scan(&data, ext) {
            if reported.insert((m.rule.clone(), m.fingerprint.clone(), path.clone())) {
                out.push((commit.clone(), path.clone(), m.rule, m.fingerprint, m.line));
            }
        }
    }
    out
}

#[test]
fn the_parallel_walk_finds_what_the_plain_statement_finds_whatever_the_threads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    generated_history(root, 240);
    // fast-import wrote one pack; a commit on top adds loose objects, read one by one.
    let loose = ["ghp_", "Vb3Lq8ZxT2mWk5NpR7cYd4eHf9gJs6uQi1oA"].concat();
    std::fs::write(root.join("late.py"), format!("TOKEN = \"{loose}\"\n")).expect("write");
    git(root, &["add", "late.py"]);
    git(root, &["commit", "-q", "-m", "late"]);
    let scanner = Scanner::builtin().expect("catalogue");
    let want = reference_scan(&scanner, root);
    // 9 ghp_ tokens on main, one on the side branch, one loose, 10 shpat_ tokens; the token
    // committed again where it had been removed is not reported twice.
    let count = |rule: &str| want.iter().filter(|w| w.2 == rule).count();
    assert_eq!(
        (
            count("github-personal-access-token"),
            count("shopify-access-token")
        ),
        (11, 10),
        "{want:#?}"
    );
    for threads in [1, 2, 5] {
        let h = scan_history(&scanner, root, threads, 1 << 30, false).expect("history");
        assert_eq!(h.commits, 242);
        let got: Vec<_> = h
            .matches
            .iter()
            .map(|m| {
                (
                    m.commit.clone(),
                    m.path.clone(),
                    m.found.rule.clone(),
                    m.found.fingerprint.clone(),
                    m.found.line,
                )
            })
            .collect();
        assert_eq!(got, want, "{threads} threads");
    }
}
