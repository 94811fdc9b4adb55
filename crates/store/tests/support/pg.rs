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
        Pg::start_with(false)
    }

    /// Starts a server that accepts TCP connections only over TLS (`ssl=on`, `hostssl` in
    /// pg_hba.conf), with a certificate for `127.0.0.1` (not `localhost`) issued by a CA made
    /// here with the openssl CLI: its certificate is `ca_cert()`.
    pub fn start_tls() -> Pg {
        Pg::start_with(true)
    }

    /// The test CA's certificate (PEM), for a server started by [`Pg::start_tls`].
    pub fn ca_cert(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    fn start_with(tls: bool) -> Pg {
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
        if tls {
            make_certificates(dir.path());
        }
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
        let mut options = format!(
            "-k {} -h 127.0.0.1 -p {port} -F -c max_connections=40",
            pg.dir.path().display()
        );
        if tls {
            let d = pg.dir.path().display();
            options.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={d}/server.crt -c ssl_key_file={d}/server.key"
            ));
            // TCP only over TLS: a connection without it is refused.
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
            )
            .expect("write pg_hba.conf");
        }
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

/// A CA and a server certificate it signed (for IP 127.0.0.1 only), made with the openssl CLI.
fn make_certificates(dir: &Path) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("run openssl (the openssl CLI is needed for the TLS tests)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
         extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n",
    )
    .expect("write server.ext");
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=rampart test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=rampart test server",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    // The server refuses a key others can read.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .expect("chmod server.key");
}
