//! Shared by the collector's integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The rampart binary these tests run: built here (an incremental no-op when it is up to date),
/// so that the tests never run a stale binary left by an earlier build. RAMPART_BIN names
/// another one to run instead.
pub fn rampart_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("RAMPART_BIN") {
        return PathBuf::from(p);
    }
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().expect("test executable path");
            // target/<profile>/deps/moto-HASH -> target/<profile>
            let profile_dir = exe
                .parent()
                .and_then(Path::parent)
                .expect("target dir")
                .to_path_buf();
            let target_dir = profile_dir.parent().expect("target root");
            let release = profile_dir.file_name().is_some_and(|n| n == "release");
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let mut cmd = Command::new(cargo);
            // Cargo gives this test process the variables of the package under test
            // (CARGO_MANIFEST_DIR, CARGO_PKG_*, OUT_DIR…). A build script that declares
            // `rerun-if-env-changed` on one of them (ring's does, for CARGO_MANIFEST_DIR) would
            // then be seen as changed between this build and a plain `cargo build`, and every
            // crate above it — rustls and the whole AWS SDK — would be rebuilt each time the two
            // alternate. The nested build gets the environment a user's shell would give it.
            for (key, _) in std::env::vars_os() {
                let Some(key) = key.to_str() else { continue };
                if is_set_by_cargo_for_tests(key) {
                    cmd.env_remove(key);
                }
            }
            cmd.current_dir(repo_root())
                .args(["build", "-q", "-p", "rampart-cli", "--bin", "rampart"])
                .arg("--target-dir")
                .arg(target_dir);
            if release {
                cmd.arg("--release");
            }
            let status = cmd.status().expect("run cargo build");
            assert!(status.success(), "cargo build -p rampart-cli failed");
            let bin = profile_dir.join("rampart");
            assert!(bin.exists(), "{} was not built", bin.display());
            bin
        })
        .clone()
}

/// Whether cargo sets `key` for the test process it runs (as opposed to the user's own
/// configuration such as CARGO_HOME or CARGO_TARGET_DIR, which the nested build must keep).
fn is_set_by_cargo_for_tests(key: &str) -> bool {
    key.starts_with("CARGO_PKG_")
        || key.starts_with("CARGO_BIN_EXE_")
        || matches!(
            key,
            "CARGO_MANIFEST_DIR"
                | "CARGO_MANIFEST_PATH"
                | "CARGO_CRATE_NAME"
                | "CARGO_BIN_NAME"
                | "CARGO_PRIMARY_PACKAGE"
                | "CARGO_TARGET_TMPDIR"
                | "CARGO_RUSTC_CURRENT_DIR"
                | "OUT_DIR"
        )
}

/// A `rampart` command with a clean, static-credential AWS environment.
pub fn rampart() -> Command {
    let mut c = Command::new(rampart_bin());
    c.env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/rampart-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rampart-test-credentials",
        )
        .env("NO_COLOR", "1");
    c
}
