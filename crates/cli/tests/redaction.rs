//! Secrets are never printed whole: secrets planted in every text field of a copy of the example
//! account (resource names, ARNs, tags) must not appear in any format's output, and the text and
//! CSV reports carry no raw control character.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Secrets of the kinds the scanner knows, each shaped as the real thing.
const ACCESS_KEY_ID: &str = "AKIAQ3EGTUVWX7Y2Z4AB";
const SECRET_ACCESS_KEY: &str = "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";
const GITHUB_TOKEN: &str = "ghp_R7kQ2mX9vLp4sT8wYb3nHc6jDf1gZa5eKu0i";
const SLACK_TOKEN: &str = "xoxb-2837465910-4938271650493-Qm7Rt2Kx9Lp4Vs8Nw3Bz6Hc1";
const PRIVATE_KEY_BODY: &str =
    "MIIEowIBAAKCAQEA0Zq7x9Lk2VbR4mT8pQ1sW6nY3cH5jF0gD2eK7uA9iO4lB1vX8tM6rN3wS5yZ2hJ";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shopify-backend")
}

fn plant(v: &mut Value, n: &mut usize) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Object(meta)) = map.get_mut("meta") {
                *n += 1;
                let token = match *n % 4 {
                    0 => format!("{ACCESS_KEY_ID}-{SECRET_ACCESS_KEY}"),
                    1 => GITHUB_TOKEN.to_owned(),
                    2 => SLACK_TOKEN.to_owned(),
                    _ => format!("{ACCESS_KEY_ID}-{GITHUB_TOKEN}"),
                };
                for key in ["arn", "name"] {
                    if let Some(Value::String(s)) = meta.get_mut(key) {
                        // A control sequence too: it must not reach a terminal or a spreadsheet.
                        s.push_str(&format!("-{token}-\u{1b}[2J"));
                    }
                }
                let tags = meta
                    .entry("tags")
                    .or_insert_with(|| Value::Object(serde_json::Map::new()));
                if let Value::Object(tags) = tags {
                    tags.insert(
                        "aws_secret_access_key".into(),
                        Value::String(SECRET_ACCESS_KEY.into()),
                    );
                    tags.insert(
                        "deploy-key".into(),
                        Value::String(format!(
                            "-----BEGIN RSA PRIVATE KEY-----\n{PRIVATE_KEY_BODY}\n-----END RSA PRIVATE KEY-----"
                        )),
                    );
                    tags.insert("ci".into(), Value::String(GITHUB_TOKEN.into()));
                }
            }
            for item in map.values_mut() {
                plant(item, n);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| plant(i, n)),
        _ => {}
    }
}

#[test]
fn no_format_prints_a_planted_secret_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("account");
    std::fs::create_dir(&snap).expect("mkdir");
    let mut planted = 0;
    for entry in std::fs::read_dir(example()).expect("example account") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let mut v: Value =
                serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
            plant(&mut v, &mut planted);
            let name = path.file_name().expect("file name");
            std::fs::write(snap.join(name), serde_json::to_vec(&v).expect("json")).expect("write");
        }
    }
    assert!(planted > 50, "secrets planted in {planted} resources only");

    for format in [
        "text", "json", "sarif", "ocsf", "asff", "junit", "csv", "html",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_rampart"))
            .current_dir(dir.path())
            .arg("scan")
            .arg(&snap)
            .args(["-f", format, "--include-passed", "--fail-on", "critical"])
            .env("NO_COLOR", "1")
            .output()
            .expect("run rampart");
        let code = out.status.code().expect("exit code");
        assert!(
            code == 0 || code == 1,
            "{format}: exit {code}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        for secret in [
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            GITHUB_TOKEN,
            SLACK_TOKEN,
            PRIVATE_KEY_BODY,
        ] {
            assert!(
                !text.contains(secret),
                "{format} prints {}… whole",
                &secret[..4]
            );
        }
        // The secrets were there to be printed: their shown prefix is.
        assert!(
            text.contains("[redacted]"),
            "{format}: no redaction mark, so nothing planted reached the output"
        );
        if format == "text" || format == "csv" {
            assert!(
                !text.contains('\u{1b}'),
                "{format} passes a raw escape byte"
            );
        }
    }
}
