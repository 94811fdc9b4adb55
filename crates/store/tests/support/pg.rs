//! A throwaway PostgreSQL server for tests: `initdb` into a temporary directory, `pg_ctl start`
//! listening on 127.0.0.1 (a free port) and a Unix socket in that directory, `pg_ctl stop` when
//! dropped. As root (CI), the server runs as the `postgres` user through `runuser`: PostgreSQL
//! refuses to run as root.
//!
//! Without the server binaries the tests fail, saying how to install them: a test that needs a
//! real server never passes without one.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Pg {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
    pub port: u16,
}

fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .filter(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
        .collect();
    // The newest major version.
    dirs.sort_by_key(|d| {
        d.parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if let Some(d) = dirs.pop() {
        return Some(d);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Pg {
    /// Starts a server, or panics saying why (and how to install PostgreSQL).
    pub fn start() -> Pg {
        let Some(bin) = bin_dir() else {
            panic!(
                "\n!!! The PostgreSQL server (initdb, pg_ctl, postgres) is not installed: these \
                 tests need a real server.\n!!! Install it with scripts/setup/postgres.sh \
                 (Debian: apt-get install postgresql).\n"
            );
        };
        let as_postgres = is_root();
        let dir = tempfile::Builder::new()
            .prefix("rampart-pg-")
            .tempdir()
            .expect("tempdir");
        if as_postgres {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "chown the server's directory to postgres");
        }
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            l.local_addr().expect("addr").port()
        };
        let pg = Pg {
            dir,
            bin,
            as_postgres,
            port,
        };
        let data = pg.data();
        let out = pg
            .command("initdb")
            .args(["-D", data.to_str().expect("utf8")])
            .args(["-U", "rampart", "--auth=trust", "-E", "UTF8", "--no-sync"])
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let options = format!(
            "-k {} -h 127.0.0.1 -p {port} -F -c max_connections=40",
            pg.dir.path().display()
        );
        let log = pg.dir.path().join("server.log");
        let out = pg
            .command("pg_ctl")
            .args(["-D", data.to_str().expect("utf8")])
            .args(["-l", log.to_str().expect("utf8")])
            .args(["-o", &options, "-w", "-t", "60", "start"])
            .output()
            .expect("run pg_ctl");
        assert!(
            out.status.success(),
            "the server did not start: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        pg
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    /// A connection string to a database of this server, over TCP.
    pub fn url(&self) -> String {
        format!("postgres://rampart@127.0.0.1:{}/postgres", self.port)
    }

    /// Creates database `name` and returns its connection string.
    pub fn database(&self, name: &str) -> String {
        let out = self
            .command("createdb")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "rampart",
                name,
            ])
            .output()
            .expect("run createdb");
        assert!(
            out.status.success(),
            "createdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        format!("postgres://rampart@127.0.0.1:{}/{name}", self.port)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self
            .command("pg_ctl")
            .args(["-D", data.to_str().unwrap_or_default()])
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}
