//! The JSON report: one object with `tool`, `inputs`, `findings`, `gaps`, `summary`.

use std::io::{self, Write};

use rampart_model::Report;

/// Writes `report` as pretty JSON followed by a newline.
///
/// # Errors
/// Write errors.
pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, report).map_err(io::Error::other)?;
    writeln!(w)
}
