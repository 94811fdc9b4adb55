//! One module per subcommand.

pub mod access;
pub mod checks;
pub mod collect;
pub mod deps;
pub mod diff;
pub mod eval;
pub mod exposure;
pub mod history;
pub mod policy;
pub mod report;
pub mod scan;
pub mod secrets;

use crate::Outcome;

/// `rampart schema`: the snapshot JSON Schema.
pub fn schema() -> anyhow::Result<Outcome> {
    let schema = rampart_model::snapshot::json_schema();
    let text = serde_json::to_string_pretty(&schema)?;
    crate::output::write_stdout(&text)?;
    Ok(Outcome::Clean)
}
