//! The scanner runs a rule's regex only in windows around its keywords, and a match counts only
//! where it starts inside one. These tests hold the windowed search to the plain statement of that
//! rule: the same scanner running each selected rule over the whole text and keeping the matches
//! that start in a window must find exactly the same secrets, at the same places, on every
//! catalogue example, on texts built from examples and noise (long lines included), on arbitrary
//! bytes, and on the planted fixture tree; and on decoded content: examples written as escaped
//! JSON strings and as base64 values, in texts long enough that the windowed path is taken (the
//! tests count that it was).

mod support;

use proptest::prelude::*;
use rampart_secrets::catalogue::unsplit;
use rampart_secrets::{Match, Scanner};

fn scanners() -> &'static (Scanner, Scanner) {
    static BOTH: std::sync::OnceLock<(Scanner, Scanner)> = std::sync::OnceLock::new();
    BOTH.get_or_init(|| {
        let windowed = Scanner::builtin().expect("catalogue");
        let whole = Scanner::builtin().expect("catalogue").without_windows();
        (windowed, whole)
    })
}

type Key = (String, usize, String, Option<String>, Option<String>);

fn key(found: &[Match]) -> Vec<Key> {
    found
        .iter()
        .map(|m| {
            (
                m.rule.clone(),
                m.offset,
                m.fingerprint.clone(),
                m.paired_with.clone(),
                m.context.clone(),
            )
        })
        .collect()
}

fn examples(s: &Scanner) -> Vec<String> {
    let c = s.catalogue();
    c.rules
        .iter()
        .flat_map(|r| r.spec.examples.iter().chain(&r.spec.negative))
        .chain(
            c.pairs
                .iter()
                .flat_map(|p| p.spec.examples.iter().chain(&p.spec.negative)),
        )
        .map(|e| unsplit(e))
        .collect()
}

/// An example as a JSON string value (quotes, backslashes and newlines escaped).
fn json_escaped(text: &str) -> String {
    let mut out = String::from("\"value\": \"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An example as the base64 value of a key in a Kubernetes `Secret`.
fn base64_value(text: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let data = text.as_bytes();
    let mut out = String::from("kind: Secret\n  password: ");
    for chunk in data.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= n {
                out.push(char::from(A[((v >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every example, plain, escaped and base64-encoded.
fn all_forms(s: &Scanner) -> Vec<String> {
    examples(s)
        .into_iter()
        .flat_map(|e| [json_escaped(&e), base64_value(&e), e])
        .collect()
}

#[test]
fn windows_find_what_whole_texts_find_on_every_example() {
    let (windowed, whole) = scanners();
    for text in examples(windowed) {
        for ext in [None, Some("py"), Some("env")] {
            assert_eq!(
                key(&windowed.scan(text.as_bytes(), ext)),
                key(&whole.scan(text.as_bytes(), ext)),
                "{text:?}"
            );
        }
    }
}

#[test]
fn windows_find_what_whole_texts_find_on_the_fixture_tree() {
    let (windowed, whole) = scanners();
    let dir = tempfile::tempdir().expect("tempdir");
    support::tree::write_tree(dir.path()).expect("tree");
    let mut files = 0;
    for entry in walk(dir.path()) {
        let Ok(bytes) = std::fs::read(&entry) else {
            continue;
        };
        let ext = entry.extension().and_then(|e| e.to_str());
        assert_eq!(
            key(&windowed.scan(&bytes, ext)),
            key(&whole.scan(&bytes, ext)),
            "{}",
            entry.display()
        );
        files += 1;
    }
    assert!(files > 10, "the fixture tree has files");
}

/// Long texts (examples in all their forms, between 2.5 KB runs of noise) take the windowed path,
/// and decoded content is found in them: windows and whole texts agree there too.
#[test]
fn windows_find_what_whole_texts_find_in_long_texts_with_decoded_content() {
    let windowed = Scanner::builtin().expect("catalogue");
    let whole = Scanner::builtin().expect("catalogue").without_windows();
    let forms = all_forms(&windowed);
    let filler: String = "lorem ipsum dolor sit amet, consectetur adipiscing elit; "
        .repeat(45)
        .chars()
        .enumerate()
        .map(|(i, c)| if i % 97 == 96 { '\n' } else { c })
        .collect();
    let mut decoded = 0;
    for (n, group) in forms.chunks(12).enumerate() {
        let mut text = filler.clone();
        for form in group {
            text.push('\n');
            text.push_str(form);
            text.push('\n');
            text.push_str(&filler);
        }
        let ext = ["py", "yaml", "json", "ipynb"][n % 4];
        let got = windowed.scan(text.as_bytes(), Some(ext));
        assert_eq!(
            key(&got),
            key(&whole.scan(text.as_bytes(), Some(ext))),
            "group {n}"
        );
        decoded += got.iter().filter(|m| m.context.is_some()).count();
    }
    assert!(
        windowed.windowed_searches() > 0,
        "no search took the windowed path"
    );
    assert!(decoded > 50, "only {decoded} findings in decoded content");
}

/// The comparison above has teeth: a deliberately broken scanner, whose windows stop right after
/// each keyword instead of reaching to the end of its line, loses secrets on the windowed path,
/// and the same comparison with whole texts catches it.
#[test]
fn a_scanner_with_windows_cut_at_keywords_fails_the_comparison() {
    let broken = Scanner::builtin()
        .expect("catalogue")
        .with_windows_cut_at_keywords();
    let whole = Scanner::builtin().expect("catalogue").without_windows();
    let filler = "lorem ipsum dolor sit amet, consectetur adipiscing elit;\n".repeat(60);
    let mut differ = 0;
    for example in examples(&broken) {
        let text = format!("{filler}{example}\n{filler}");
        if key(&broken.scan(text.as_bytes(), Some("py")))
            != key(&whole.scan(text.as_bytes(), Some("py")))
        {
            differ += 1;
        }
    }
    assert!(
        broken.windowed_searches() > 0,
        "the broken copy never took the windowed path"
    );
    assert!(
        differ > 10,
        "the broken copy was caught on only {differ} examples"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Noise: token characters, separators, newlines, and now and then a long run with no newline,
/// so that windows are cut inside long lines.
fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9/+=_ ]{0,80}",
        "[ \n\t\"',:=]{0,8}",
        "[A-Za-z0-9 ,\"]{4000,9000}",
        Just("\n".to_owned()),
        Just("password = \"".to_owned()),
        Just("token: ".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn windows_find_what_whole_texts_find_on_mixed_texts(
        parts in prop::collection::vec((noise(), any::<prop::sample::Index>()), 1..12),
    ) {
        let (windowed, whole) = scanners();
        let pool = all_forms(windowed);
        let mut text = String::new();
        for (n, pick) in &parts {
            text.push_str(n);
            text.push_str(&pool[pick.index(pool.len())]);
        }
        prop_assert_eq!(
            key(&windowed.scan(text.as_bytes(), Some("py"))),
            key(&whole.scan(text.as_bytes(), Some("py")))
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Arbitrary bytes (binary, invalid UTF-8, keywords glued to noise) never panic the windows
    /// and give what whole-text runs give, in text and in binary mode.
    #[test]
    fn windows_hold_on_arbitrary_bytes(
        parts in prop::collection::vec(
            prop_oneof![
                prop::collection::vec(any::<u8>(), 0..600),
                Just(b"AKIA".to_vec()),
                Just(b"password=".to_vec()),
                Just(b"-----BEGIN RSA PRIVATE KEY-----\n".to_vec()),
                Just(b"\n".to_vec()),
            ],
            0..20,
        ),
    ) {
        let (windowed, whole) = scanners();
        let bytes: Vec<u8> = parts.concat();
        prop_assert_eq!(key(&windowed.scan(&bytes, None)), key(&whole.scan(&bytes, None)));
        prop_assert_eq!(
            key(&windowed.scan_binary(&bytes, None)),
            key(&whole.scan_binary(&bytes, None))
        );
    }
}
