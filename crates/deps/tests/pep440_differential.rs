//! PEP 440 order and OSV range matching, differentially against `packaging` (the PyPA's
//! reference implementation, pinned in `scripts/setup/packaging.sh`) on generated versions.
//!
//! The venv is created by the script when missing; if that fails the test fails (it is never
//! skipped): set RAMPART_PACKAGING_VENV to use another venv.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rampart_deps::Ecosystem;
use rampart_deps::matcher::judge;
use rampart_deps::osv::{Affected, Event, Range, RangeKind};

fn venv_python() -> PathBuf {
    let venv = std::env::var_os("RAMPART_PACKAGING_VENV").map_or_else(
        || {
            let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
            PathBuf::from(home).join(".cache/rampart/venvs/packaging")
        },
        PathBuf::from,
    );
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args(["-c", "import packaging.version"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ready {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/setup/packaging.sh");
        let status = Command::new("bash")
            .arg(script)
            .env("RAMPART_PACKAGING_VENV", &venv)
            .status()
            .unwrap_or_else(|e| panic!("run scripts/setup/packaging.sh: {e}"));
        assert!(
            status.success(),
            "scripts/setup/packaging.sh failed: the `packaging` venv is needed for this test"
        );
    }
    python
}

/// A small deterministic generator (xorshift), so that failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Versions in PEP 440's grammar, with the spellings the normal form accepts (`-`, `_`,
/// `alpha`, `c`, `rev`, upper case, leading `v`, implicit numbers).
fn version(r: &mut Rng) -> String {
    let mut s = String::new();
    if r.below(8) == 0 {
        s.push('v');
    }
    if r.below(10) == 0 {
        s.push_str(&format!("{}!", r.below(3)));
    }
    let parts = 1 + r.below(4);
    let nums: Vec<String> = (0..parts).map(|_| r.below(4).to_string()).collect();
    s.push_str(&nums.join("."));
    match r.below(6) {
        0 => s.push_str(&format!("a{}", r.below(3))),
        1 => s.push_str(&format!("b{}", r.below(3))),
        2 => s.push_str(&format!("rc{}", r.below(3))),
        3 if r.below(2) == 0 => s.push_str(&format!("-alpha.{}", r.below(3))),
        3 => s.push_str(&format!("c{}", r.below(2))),
        _ => {}
    }
    match r.below(6) {
        0 => s.push_str(&format!(".post{}", r.below(3))),
        1 => s.push_str(&format!("-{}", r.below(3))),
        2 => s.push_str(&format!("_rev{}", r.below(2))),
        _ => {}
    }
    if r.below(5) == 0 {
        s.push_str(&format!(".dev{}", r.below(3)));
    }
    if r.below(6) == 0 {
        let locals = ["ubuntu.1", "abc", "5", "abc.5", "1.abc", "ABC.0"];
        s.push('+');
        s.push_str(locals[r.below(locals.len() as u64) as usize]);
    }
    s
}

/// `python` computes, for each version, its rank in `packaging`'s order (equal versions, equal
/// ranks), and for each range (`introduced fixed` pairs, `0` for "all"), whether each version
/// is in `introduced <= v < fixed` of any pair: the OSV reading of ECOSYSTEM ranges.
const SCRIPT: &str = r#"
import sys, json
from packaging.version import Version
data = json.load(sys.stdin)
vs = [Version(v) for v in data["versions"]]
ordered = sorted(set(vs))
rank = {v: i for i, v in enumerate(ordered)}
out = {"ranks": [rank[v] for v in vs], "ranges": []}
for pairs in data["ranges"]:
    row = []
    for v in vs:
        hit = False
        for intro, fixed in pairs:
            lo = intro == "0" or v >= Version(intro)
            hi = fixed is None or v < Version(fixed)
            hit = hit or (lo and hi)
        row.append(hit)
    out["ranges"].append(row)
json.dump(out, sys.stdout)
"#;

#[test]
fn pep440_order_and_ranges_agree_with_packaging() {
    let python = venv_python();
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let versions: Vec<String> = (0..1500).map(|_| version(&mut r)).collect();
    // Ranges: sorted, non-overlapping introduced/fixed pairs drawn from the versions.
    let mut ranges: Vec<Vec<(String, Option<String>)>> = Vec::new();
    for _ in 0..40 {
        let mut picks: Vec<pep440_like::V> = (0..4)
            .map(|_| pep440_like::V::new(&versions[r.below(versions.len() as u64) as usize]))
            .collect();
        picks.sort();
        picks.dedup_by(|a, b| (*a).cmp(b) == std::cmp::Ordering::Equal);
        let mut pairs = Vec::new();
        let mut it = picks.into_iter().map(|v| v.text);
        if r.below(3) == 0 {
            pairs.push(("0".to_owned(), it.next()));
        }
        while let Some(a) = it.next() {
            pairs.push((a, it.next()));
        }
        ranges.push(pairs);
    }
    let input = serde_json::json!({
        "versions": versions,
        "ranges": ranges.iter().map(|p| p.iter().map(|(a, b)| serde_json::json!([a, b])).collect::<Vec<_>>()).collect::<Vec<_>>(),
    });
    let mut child = Command::new(&python)
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    child
        .stdin
        .take()
        .map(|mut s| s.write_all(input.to_string().as_bytes()))
        .transpose()
        .unwrap_or_else(|e| panic!("{e}"));
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let reference: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));

    // Order: rampart's ranks equal packaging's.
    let parsed: Vec<_> = versions
        .iter()
        .map(|v| Ecosystem::PyPI.parse(v).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let mut sorted: Vec<usize> = (0..parsed.len()).collect();
    sorted.sort_by(|&a, &b| {
        parsed[a]
            .compare(&parsed[b])
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut ranks = vec![0u64; parsed.len()];
    let mut rank = 0u64;
    for w in 0..sorted.len() {
        if w > 0
            && parsed[sorted[w - 1]].compare(&parsed[sorted[w]]) != Some(std::cmp::Ordering::Equal)
        {
            rank += 1;
        }
        ranks[sorted[w]] = rank;
    }
    let theirs: Vec<u64> = reference["ranks"]
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_u64).collect())
        .unwrap_or_default();
    for (i, v) in versions.iter().enumerate() {
        assert_eq!(
            ranks[i], theirs[i],
            "rank of `{v}` differs from packaging's"
        );
    }
    // The generated set is varied: many distinct versions, many spelled more than one way.
    assert!(rank > 300, "only {rank} distinct versions");
    let mut hits = 0usize;

    // Ranges: the matcher's verdict equals packaging's interval test.
    for (k, pairs) in ranges.iter().enumerate() {
        let mut events = Vec::new();
        for (a, b) in pairs {
            events.push(Event::Introduced(a.clone()));
            if let Some(b) = b {
                events.push(Event::Fixed(b.clone()));
            }
        }
        let affected = Affected {
            advisory: 0,
            package: "p".into(),
            ranges: vec![Range {
                kind: RangeKind::Ecosystem,
                events,
            }],
            versions: Vec::new(),
            severity: None,
        };
        for (i, v) in versions.iter().enumerate() {
            let ours = judge(Ecosystem::PyPI, v, &parsed[i], &affected)
                .unwrap_or_else(|e| panic!("{}", e.0))
                .is_some();
            let want = reference["ranges"][k][i].as_bool().unwrap_or(!ours);
            assert_eq!(ours, want, "`{v}` in {pairs:?}");
            hits += usize::from(ours);
        }
    }
    let total = ranges.len() * versions.len();
    assert!(
        hits > total / 10 && hits < total * 9 / 10,
        "{hits} of {total}"
    );
}

/// Sorting the picks needs an order before the reference is asked: rampart's own.
mod pep440_like {
    use rampart_deps::Ecosystem;
    use rampart_deps::version::Version;

    pub struct V {
        pub text: String,
        v: Version,
    }
    impl V {
        pub fn new(t: &str) -> Self {
            V {
                text: t.to_owned(),
                v: Ecosystem::PyPI.parse(t).unwrap_or_else(|e| panic!("{e}")),
            }
        }
    }
    impl PartialEq for V {
        fn eq(&self, o: &Self) -> bool {
            self.cmp(o) == std::cmp::Ordering::Equal
        }
    }
    impl Eq for V {}
    impl PartialOrd for V {
        fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for V {
        fn cmp(&self, o: &Self) -> std::cmp::Ordering {
            self.v.compare(&o.v).unwrap_or(std::cmp::Ordering::Equal)
        }
    }
}
