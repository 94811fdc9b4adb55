//! The `rampart` binary: argument parsing, one module per subcommand, exit codes.
//!
//! Exit codes: 0 when nothing at or above `--fail-on` failed, 1 when something did, 2 when rampart
//! could not run or could not read a named input (bad input, an unreadable or invalid
//! configuration, an unknown check, a pipe named as a file); a report is still written for what
//! could be read. Only this crate prints.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod inputs;
mod output;

/// mimalloc: rampart allocates many small objects (policy statements, findings, evidence); the
/// system allocator's bookkeeping was a tenth of the time of a lint run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// rampart audits an AWS estate against the security auditor's checklist.
#[derive(Debug, Parser)]
#[command(name = "rampart", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Audit snapshots, Terraform, CloudFormation (paths), or a live account (`scan aws`).
    Scan(Box<cmd::scan::ScanArgs>),
    /// Read a live account into a snapshot (`collect aws -o snapshot.json[.zst]`).
    Collect(cmd::collect::CollectArgs),
    /// Hard-coded secrets in files and git history (`secrets PATH [--history]`).
    Secrets(cmd::secrets::SecretsArgs),
    /// Lock files against OSV advisories held offline (`deps PATH... --db DB`; `--update-db DB`).
    Deps(cmd::deps::DepsArgs),
    /// IAM, bucket and key policies on their own: `policy lint FILE...`, `policy eval FILE --action A --resource R`.
    Policy(cmd::policy::PolicyArgs),
    /// Who can do what on an estate: `access who-can --action A --resource ARN INPUT...`,
    /// `access principal ARN INPUT...`.
    Access(cmd::access::AccessArgs),
    /// The check catalogue: list, explain, regenerate docs.
    Checks(cmd::checks::ChecksArgs),
    /// How the internet reaches one resource: every path (route, NACL, security group), or why none.
    ExplainExposure(cmd::exposure::ExposureArgs),
    /// Print the JSON Schema of the snapshot format.
    Schema,
    /// Scans kept in a store (`--store`): list them; `history prune --keep N | --older-than DAYS`.
    History(cmd::history::HistoryArgs),
    /// What changed between two stored scans (default: the last two of one scope).
    Diff(Box<cmd::diff::DiffArgs>),
    /// Render a stored scan's report, in any format (`report SCAN`).
    Report(Box<cmd::report::ReportArgs>),
}

/// What `main` says on standard error when a command returns [`Outcome::Incomplete`].
const INCOMPLETE: &str = "the audit is incomplete: an input could not be read (see the errors \
                          above and the report's gaps); the report covers only what was read";

/// What a subcommand tells `main` about how it went.
pub(crate) enum Outcome {
    /// Nothing at or above the fail-on severity.
    Clean,
    /// Findings at or above it.
    Findings,
    /// A named input could not be read: the report was written, but the run is incomplete
    /// (`main` says so on standard error and exits with 2).
    Incomplete,
    /// The report was written but could not be recorded in the store (the error was said;
    /// exit code 2).
    Unrecorded,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => cmd::scan::run(&args),
        Command::Collect(args) => cmd::collect::run(&args),
        Command::Secrets(args) => cmd::secrets::run(&args),
        Command::Deps(args) => cmd::deps::run(&args),
        Command::Policy(args) => cmd::policy::run(&args),
        Command::Access(args) => cmd::access::run(&args),
        Command::Checks(args) => cmd::checks::run(&args),
        Command::ExplainExposure(args) => cmd::exposure::run(&args),
        Command::Schema => cmd::schema(),
        Command::History(args) => cmd::history::run(&args),
        Command::Diff(args) => cmd::diff::run(&args),
        Command::Report(args) => cmd::report::run(&args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Ok(Outcome::Incomplete) => {
            // Said once, here, for every command: the report above is of what could be read.
            eprintln!("rampart: {INCOMPLETE}");
            ExitCode::from(2)
        }
        Ok(Outcome::Unrecorded) => ExitCode::from(2),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("rampart: error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
