//! The moto server harness shared by the emulator tests (`moto.rs`, `moto_history.rs`): the
//! venv with `moto[server]` (`scripts/setup/moto.sh`), a server on a free loopback port killed
//! on drop, the seed script, and `rampart` commands with a clean static-credential environment.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub use crate::common::rampart;

pub const REGIONS: &str = "us-east-1,eu-west-1";

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn venv_python() -> PathBuf {
    let venv = std::env::var_os("RAMPART_MOTO_VENV").map_or_else(
        || {
            let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
            PathBuf::from(home).join(".cache/rampart/venvs/moto")
        },
        PathBuf::from,
    );
    let python = venv.join("bin/python");
    // The version scripts/setup/moto.sh pins: another one is replaced, not used.
    let pinned = std::fs::read_to_string(repo_root().join("scripts/setup/moto.sh"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MOTO_VERSION=\""))
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_owned)
        })
        .expect("MOTO_VERSION in scripts/setup/moto.sh");
    let ready = python.exists()
        && Command::new(&python)
            .arg("-c")
            .arg(format!(
                "import moto.server, boto3, sys; sys.exit(moto.__version__ != '{pinned}')"
            ))
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    if !ready {
        let status = Command::new("bash")
            .arg(repo_root().join("scripts/setup/moto.sh"))
            .env("RAMPART_MOTO_VENV", &venv)
            .status()
            .expect("run scripts/setup/moto.sh");
        assert!(
            status.success(),
            "scripts/setup/moto.sh failed: moto[server] is needed for these tests"
        );
    }
    python
}

/// One HTTP/1.1 request to the loopback server; returns status and body.
pub fn http(port: u16, method: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to moto");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).expect("send");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read");
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    let body = if text
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(&body)
    } else {
        body
    };
    (status, body)
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// The moto server, killed on drop.
pub struct Moto {
    child: Child,
    pub port: u16,
    pub recording: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    pub fn start() -> Moto {
        let python = venv_python();
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("free port")
            .local_addr()
            .expect("addr")
            .port();
        let dir = tempfile::tempdir().expect("tempdir");
        let recording = dir.path().join("recording.jsonl");
        let log = std::fs::File::create(dir.path().join("moto.log")).expect("log");
        let child = Command::new(&python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .env("MOTO_RECORDER_FILEPATH", &recording)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start moto");
        let moto = Moto {
            child,
            port,
            recording,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok()
                && http(port, "GET", "/moto-api/data.json").0 == 200
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "moto did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        moto
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// The live-account flags every test passes.
pub fn live_flags(moto: &Moto) -> Vec<String> {
    [
        "--endpoint-url",
        &moto.url(),
        "--regions",
        REGIONS,
        "--max-rps",
        "0",
    ]
    .map(str::to_owned)
    .to_vec()
}

pub fn run_ok(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().expect("run rampart");
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "rampart exited {code}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `seed_moto.py` against `moto`; returns its manifest.
pub fn seed(moto: &Moto) -> Value {
    let seed = Command::new(venv_python())
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/seed_moto.py"))
        .arg(moto.url())
        .output()
        .expect("run seed_moto.py");
    assert!(
        seed.status.success(),
        "seeding failed:\n{}",
        String::from_utf8_lossy(&seed.stderr)
    );
    serde_json::from_slice(&seed.stdout).expect("manifest JSON")
}
