//! `--update-db` against a local HTTP server on 127.0.0.1 serving fixture zips: a fresh
//! download, a conditional request answered 304, an interrupted download and a corrupt one
//! that leave the previous database intact.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rampart_deps::Ecosystem;
use rampart_deps::update::{Outcome, update};

/// How the server answers the next requests.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// 200 with the body, or 304 when `If-None-Match` matches the ETag.
    Normal,
    /// Announces the whole length, sends half, closes.
    Truncated,
    /// 200 with bytes that are not a zip.
    Garbage,
}

struct Server {
    base: String,
    mode: Arc<Mutex<Mode>>,
    seen: Arc<Mutex<Vec<String>>>,
}

fn serve(body: Vec<u8>, etag: &'static str) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let base = format!(
        "http://{}",
        listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    let mode = Arc::new(Mutex::new(Mode::Normal));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (m, s) = (Arc::clone(&mode), Arc::clone(&seen));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap_or_else(|e| panic!("{e}")));
            let mut head = Vec::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push(line.trim_end().to_owned());
            }
            let request = head.join("\n");
            s.lock()
                .unwrap_or_else(|e| panic!("{e}"))
                .push(request.clone());
            let mode = *m.lock().unwrap_or_else(|e| panic!("{e}"));
            let not_modified = request
                .lines()
                .any(|l| l.eq_ignore_ascii_case(&format!("if-none-match: {etag}")));
            let _ = match mode {
                Mode::Normal if not_modified => stream
                    .write_all(format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nContent-Length: 0\r\n\r\n").as_bytes()),
                Mode::Normal => stream
                    .write_all(format!("HTTP/1.1 200 OK\r\nETag: {etag}\r\nLast-Modified: Thu, 10 Oct 2024 17:22:00 GMT\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes())
                    .and_then(|()| stream.write_all(&body)),
                Mode::Truncated => stream
                    .write_all(format!("HTTP/1.1 200 OK\r\nETag: \"other\"\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes())
                    .and_then(|()| stream.write_all(&body[..body.len() / 2])),
                Mode::Garbage => stream
                    .write_all(b"HTTP/1.1 200 OK\r\nETag: \"garbage\"\r\nContent-Length: 11\r\n\r\nnot a zip!!"),
            };
            let _ = stream.flush();
            // Close both directions now (the reader's clone would keep the socket open).
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    });
    Server { base, mode, seen }
}

fn zip_bytes() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/osv/PyPI/all.zip"))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn fresh_not_modified_and_interrupted_downloads() {
    let body = zip_bytes();
    let server = serve(body.clone(), "\"v1\"");
    let db = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let eco = [Ecosystem::PyPI];

    // Fresh: downloaded whole, and the database opens.
    let r = update(db.path(), &server.base, &eco).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r[0].outcome, Outcome::Downloaded(body.len() as u64));
    let target = db.path().join("PyPI/all.zip");
    assert_eq!(std::fs::read(&target).unwrap_or_default(), body);
    let (index, _) = rampart_deps::osv::open(db.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(index.advisories.len(), 2651);

    // Again: a conditional request, answered 304; the file is untouched.
    let r = update(db.path(), &server.base, &eco).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r[0].outcome, Outcome::NotModified);
    let last = server
        .seen
        .lock()
        .map(|s| s.last().cloned())
        .unwrap_or_default()
        .unwrap_or_default();
    assert!(last.contains("GET /PyPI/all.zip"), "{last}");
    assert!(
        last.to_ascii_lowercase().contains("if-none-match: \"v1\""),
        "{last}"
    );
    assert!(
        last.to_ascii_lowercase()
            .contains("if-modified-since: thu, 10 oct 2024 17:22:00 gmt"),
        "{last}"
    );

    // Interrupted mid-body: an error, the previous zip intact, no partial file left.
    *server.mode.lock().unwrap_or_else(|e| panic!("{e}")) = Mode::Truncated;
    std::fs::remove_file(db.path().join("PyPI/.all.zip.meta")).unwrap_or_else(|e| panic!("{e}"));
    let e = update(db.path(), &server.base, &eco)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("previous database is unchanged"), "{e}");
    assert_eq!(std::fs::read(&target).unwrap_or_default(), body);

    // Not a zip: refused the same way.
    *server.mode.lock().unwrap_or_else(|e| panic!("{e}")) = Mode::Garbage;
    let e = update(db.path(), &server.base, &eco)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("not a readable zip"), "{e}");
    assert_eq!(std::fs::read(&target).unwrap_or_default(), body);
    let leftovers: Vec<String> = std::fs::read_dir(db.path().join("PyPI"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.contains(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
