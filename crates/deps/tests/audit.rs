//! The audit of every lock-file fixture against the fixture database (the real PyPA advisory
//! database for PyPI, hand-written records for the other ecosystems): exact verdicts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rampart_deps::osv::{self, CacheUse};
use rampart_model::{Remediation, Status};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A copy of the fixture database (the cache is written beside it).
fn db() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_dir(&fixtures().join("osv"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{e}")) {
        let e = e.unwrap_or_else(|e| panic!("{e}"));
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap_or_else(|e| panic!("{e}"));
            copy_dir(&e.path(), &target);
        } else if !e.file_name().to_string_lossy().starts_with('.') {
            std::fs::copy(e.path(), &target).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

/// `status file:line package version direct fixed [ids]` for every result of a lock file.
fn verdicts(index: &osv::Index, rel: &str) -> Vec<String> {
    let path = fixtures().join("locks").join(rel);
    let lock = rampart_deps::lockfile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let root = fixtures().join("locks").display().to_string();
    rampart_deps::audit(index, &lock, &Arc::new(Remediation::default()))
        .into_iter()
        .map(|f| {
            let e = &f.evidence;
            let loc = f.location.as_ref().map_or(String::new(), |l| {
                format!(
                    "{}:{}",
                    l.file.trim_start_matches(&root).trim_start_matches('/'),
                    l.line.unwrap_or(0)
                )
            });
            let ids: Vec<String> = e
                .get("advisories")
                .and_then(|a| a.as_array())
                .map(|a| {
                    a.iter()
                        .map(|v| {
                            v["ids"]
                                .as_array()
                                .map(|ids| {
                                    ids.iter()
                                        .filter_map(|i| i.as_str())
                                        .collect::<Vec<_>>()
                                        .join("+")
                                })
                                .unwrap_or_default()
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!(
                "{} {} {} {} {} {} {} [{}]",
                f.status,
                f.severity,
                loc,
                e["package"].as_str().unwrap_or("-"),
                e["version"].as_str().unwrap_or("-"),
                e.get("direct").map_or("?".to_owned(), ToString::to_string),
                e.get("fixed").and_then(|v| v.as_str()).unwrap_or("-"),
                ids.join(",")
            )
        })
        .collect()
}

#[test]
fn the_index_is_built_once_then_loaded_from_its_cache() {
    let dir = db();
    let (index, used) = osv::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(used, CacheUse::Written(_)), "{used:?}");
    // 2,661 PYSEC records of which 10 are withdrawn, plus 10 hand-written records (1 withdrawn).
    assert_eq!(index.advisories.len(), 2651 + 9);
    assert_eq!(index.withdrawn, 11);
    assert!(index.problems.is_empty(), "{:?}", index.problems);
    let (again, used) = osv::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(used, CacheUse::Loaded(_)), "{used:?}");
    assert_eq!(again.advisories.len(), index.advisories.len());
    // A changed source invalidates the cache.
    let extra = dir.path().join("npm").join("GHSA-extra.json");
    std::fs::write(
        &extra,
        r#"{"id":"GHSA-extra","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"x"},"versions":["1.0.0"]}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (third, used) = osv::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(used, CacheUse::Written(_)), "{used:?}");
    assert_eq!(third.advisories.len(), index.advisories.len() + 1);
}

#[test]
fn a_missing_database_says_how_to_get_one() {
    let e = osv::open(Path::new("/nonexistent/osv")).err();
    let msg = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("rampart deps --update-db /nonexistent/osv"),
        "{msg}"
    );
    let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        osv::open(empty.path()),
        Err(osv::DbError::Empty(_))
    ));
}

#[test]
fn python_lock_files() {
    let dir = db();
    let (index, _) = osv::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        verdicts(&index, "python/requirements.txt"),
        vec![
            "fail medium python/requirements-base.txt:1 PyYAML 5.3 ? 5.4 [PYSEC-2020-96,PYSEC-2021-142]",
            "fail medium python/requirements-base.txt:2 Jinja2 2.10 ? 2.11.3 [PYSEC-2019-217,PYSEC-2021-66]",
            "fail medium python/requirements.txt:4 requests 2.25.0 ? 2.31.0 [PYSEC-2023-74]",
            "fail medium python/requirements.txt:7 Django 3.2.0 ? 3.2.25 [PYSEC-2021-109,PYSEC-2021-439,PYSEC-2021-7,PYSEC-2021-8,PYSEC-2021-98,PYSEC-2021-99,PYSEC-2022-1,PYSEC-2022-19,PYSEC-2022-190,PYSEC-2022-191,PYSEC-2022-2,PYSEC-2022-20,PYSEC-2022-213,PYSEC-2022-245,PYSEC-2022-3,PYSEC-2022-304,PYSEC-2023-100,PYSEC-2023-12,PYSEC-2023-13,PYSEC-2023-222,PYSEC-2023-225,PYSEC-2023-226,PYSEC-2023-61,PYSEC-2024-28,PYSEC-2024-47]",
            "not_assessed medium python/requirements.txt:8 celery - ? - []",
            // Unpinned here, pinned by the `-c` constraints file: audited at the pin.
            "fail high python/requirements.txt:9 urllib3 1.26.4 ? 1.26.18 [PYSEC-2023-192,PYSEC-2023-212,PYSEC-2021-108]",
            "not_assessed medium python/requirements.txt:10 mypkg - ? - []",
            "not_assessed medium python/requirements.txt:11 ./libs/shared - ? - []",
        ]
    );
    assert_eq!(
        verdicts(&index, "python/poetry.lock"),
        vec![
            "fail medium python/poetry.lock:3 certifi 2022.12.7 ? 2023.7.22 [PYSEC-2023-135]",
            "fail medium python/poetry.lock:13 pillow 9.0.0 ? 10.0.1 [PYSEC-2022-168,PYSEC-2022-42979,PYSEC-2023-175,PYSEC-2023-227]",
            "not_assessed medium python/poetry.lock:21 internal-lib - ? - []",
        ]
    );
    // flask 1.0: PYSEC-2019-179 is fixed *in* 1.0 (not affected); PYSEC-2023-62 is not.
    assert_eq!(
        verdicts(&index, "python/Pipfile.lock"),
        vec![
            "fail medium python/Pipfile.lock:9 flask 1.0 ? 2.2.5 [PYSEC-2023-62]",
            "fail high python/Pipfile.lock:14 werkzeug 2.2.3 ? 2.3.8 [PYSEC-2023-221]",
            "not_assessed medium python/Pipfile.lock:18 mylib - ? - []",
            "pass medium python/Pipfile.lock:24 pytest 7.2.0 ? - []",
        ]
    );
    assert_eq!(
        verdicts(&index, "python/uv.lock"),
        vec![
            "fail high python/uv.lock:12 aiohttp 3.8.1 true 3.9.2 [PYSEC-2023-246,PYSEC-2024-24,PYSEC-2024-26,PYSEC-2023-250,PYSEC-2023-251,PYSEC-2023-120]",
            "pass medium python/uv.lock:20 yarl 1.9.4 false - []",
            "not_assessed medium python/uv.lock:25 tool - false - []",
        ]
    );
    assert_eq!(
        verdicts(&index, "python/pdm.lock"),
        vec![
            "fail high python/pdm.lock:8 cryptography 3.3.1 ? 41.0.6 [PYSEC-2023-254,PYSEC-2021-63,PYSEC-2023-11]",
            "not_assessed medium python/pdm.lock:14 local-pkg - ? - []",
        ]
    );
}

#[test]
fn node_lock_files() {
    let dir = db();
    let (index, _) = osv::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    // lodash: GHSA-35jh-r3h4-6jhm and OSV-TEST-2021-1 are one vulnerability (CVE-2021-23337);
    // CVSS 7.2 (high). minimist: 9.8 (critical), two ranges.
    assert_eq!(
        verdicts(&index, "node/package-lock.json"),
        vec![
            "fail high node/package-lock.json:18 lodash 4.17.15 true 4.17.21 [GHSA-35jh-r3h4-6jhm+OSV-TEST-2021-1]",
            "pass medium node/package-lock.json:23 mkdirp 0.5.1 true - []",
            "fail critical node/package-lock.json:30 minimist 1.2.5 false 1.2.6 [GHSA-xvch-5gv4-984h]",
            "fail critical node/package-lock.json:34 minimist 0.0.8 false 0.2.4 [GHSA-xvch-5gv4-984h]",
            "not_assessed medium node/package-lock.json:38 local-tool - true - []",
        ]
    );
    assert_eq!(
        verdicts(&index, "node/npm-shrinkwrap.json"),
        vec![
            "pass medium node/npm-shrinkwrap.json:7 lodash 4.17.21 ? - []",
            "pass medium node/npm-shrinkwrap.json:11 optimist 0.6.1 ? - []",
            "fail critical node/npm-shrinkwrap.json:13 minimist 0.0.10 false 0.2.4 [GHSA-xvch-5gv4-984h]",
            "not_assessed medium node/npm-shrinkwrap.json:21 my-fork - ? - []",
        ]
    );
    assert_eq!(
        verdicts(&index, "node/yarn.lock"),
        vec![
            "pass medium node/yarn.lock:5 @babel/code-frame 7.12.13 ? - []",
            "fail high node/yarn.lock:12 lodash 4.17.20 ? 4.17.21 [GHSA-35jh-r3h4-6jhm+OSV-TEST-2021-1]",
            "fail critical node/yarn.lock:16 minimist 1.2.5 ? 1.2.6 [GHSA-xvch-5gv4-984h]",
        ]
    );
    assert_eq!(
        verdicts(&index, "node/berry/yarn.lock"),
        vec![
            "fail high node/berry/yarn.lock:16 lodash 4.17.20 ? 4.17.21 [GHSA-35jh-r3h4-6jhm+OSV-TEST-2021-1]",
            "not_assessed medium node/berry/yarn.lock:23 left-pad - ? - []",
        ]
    );
    assert_eq!(
        verdicts(&index, "node/pnpm-lock.yaml"),
        vec![
            "fail high node/pnpm-lock.yaml:19 lodash 4.17.20 true 4.17.21 [GHSA-35jh-r3h4-6jhm+OSV-TEST-2021-1]",
            "pass medium node/pnpm-lock.yaml:23 @babel/core 7.22.0 true - []",
            "fail critical node/pnpm-lock.yaml:27 minimist 1.2.5 false 1.2.6 [GHSA-xvch-5gv4-984h]",
        ]
    );
}

#[test]
fn ruby_rust_go_php_lock_files() {
    let dir = db();
    let (index, _) = osv::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    // rack 2.2.3 < 2.2.3.1 in RubyGems order; the platform suffix of nokogiri is dropped.
    assert_eq!(
        verdicts(&index, "other/Gemfile.lock"),
        vec![
            "not_assessed medium other/Gemfile.lock:5 internal_gem - true - []",
            "pass medium other/Gemfile.lock:10 mini_portile2 2.8.0 false - []",
            "fail high other/Gemfile.lock:11 nokogiri 1.13.3 true 1.13.4 [GHSA-crjr-9rc5-ghw8]",
            "pass medium other/Gemfile.lock:13 racc 1.6.0 false - []",
            "fail critical other/Gemfile.lock:14 rack 2.2.3 true 2.2.3.1 [GHSA-wq4h-7r42-5hrr]",
            "pass medium other/Gemfile.lock:15 rails_helper 1.0.0 false - []",
        ]
    );
    assert_eq!(
        verdicts(&index, "other/Cargo.lock"),
        vec![
            "not_assessed medium other/Cargo.lock:5 app - ? - []",
            "fail critical other/Cargo.lock:12 smallvec 1.6.0 ? 1.6.1 [RUSTSEC-2021-0003]",
            "not_assessed medium other/Cargo.lock:18 forked - ? - []",
        ]
    );
    assert_eq!(
        verdicts(&index, "other/go.mod"),
        vec![
            "fail medium other/go.mod:6 golang.org/x/net v0.5.0 true 0.7.0 [GO-2023-1571]",
            "pass medium other/go.mod:7 github.com/google/uuid v1.3.0 true - []",
            "fail medium other/go.mod:11 golang.org/x/text v0.3.6 false 0.3.7 [GO-2021-0113]",
            "pass medium other/go.mod:12 golang.org/x/sys v0.0.0-20220722155257-8c9f86f7a55f false - []",
        ]
    );
    assert_eq!(
        verdicts(&index, "other/composer.lock"),
        vec![
            "fail high other/composer.lock:6 guzzlehttp/guzzle 7.4.2 ? 7.4.3 [GHSA-w248-ffj2-4v5q]",
            "not_assessed medium other/composer.lock:12 acme/internal - ? - []",
            "pass medium other/composer.lock:19 guzzlehttp/psr7 v2.4.5 ? - []",
        ]
    );
}

#[test]
fn an_ecosystem_missing_from_the_database_is_not_assessed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_dir(&fixtures().join("osv").join("npm"), dir.path());
    let (index, _) = osv::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let lock = rampart_deps::lockfile::read(&fixtures().join("locks/other/Cargo.lock"))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = rampart_deps::audit(&index, &lock, &Arc::new(Remediation::default()));
    assert!(out.iter().all(|f| f.status == Status::NotAssessed));
    assert!(
        out[1].message.contains("holds no crates.io advisories"),
        "{}",
        out[1].message
    );
}

#[test]
fn malformed_lock_files_are_located_errors() {
    use rampart_deps::lockfile::{Format, parse};
    let cases: &[(Format, &str, u32, u32)] = &[
        (
            Format::NpmLock,
            "{\n  \"packages\": {\n    \"node_modules/a\": {,}\n",
            3,
            24,
        ),
        (Format::Composer, "{\"packages\": [\n{\"name\": 3}]}", 2, 1),
        (
            Format::Cargo,
            "[[package]]\nname = \"a\"\nversion = \n",
            3,
            11,
        ),
        (Format::Poetry, "[[package]]\nname = \"a\"\n", 1, 1),
        (Format::Pipfile, "{\"default\": []}", 1, 1),
        (
            Format::Yarn,
            "lodash@^4:\n  version \"1\"\nnot a header\n",
            3,
            1,
        ),
        (Format::Pnpm, "packages:\n  /a@1.0.0:\n", 1, 1),
        (Format::GoMod, "module x\n\nrequire (\n  a\n)\n", 4, 1),
        (
            Format::Gemfile,
            "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack 2.2.3\n",
            4,
            1,
        ),
        (Format::Requirements, "ok==1\nbad spec here!\n", 2, 1),
    ];
    for (format, text, line, column) in cases {
        let e = parse(*format, "f", text).err();
        let got = e.as_ref().map(|e| (e.line, e.column));
        assert_eq!(got, Some((*line, *column)), "{format:?}: {e:?}");
    }
}
