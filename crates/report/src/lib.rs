//! Renders a [`Report`] to a writer, one module per format. Only the CLI decides where output
//! goes; renderers never print.

use std::io::{self, Write};
use std::str::FromStr;

use rampart_model::Report;

pub mod json;
pub mod text;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text, grouped by severity and area.
    Text,
    /// The JSON report of DESIGN.md.
    Json,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            other => Err(format!("unknown format `{other}`")),
        }
    }
}

/// Options for rendering.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Use ANSI colour (text only).
    pub color: bool,
}

/// Renders `report` as `format` to `w`.
///
/// # Errors
/// Write errors.
pub fn render(report: &Report, format: Format, options: RenderOptions, w: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, options, w),
        Format::Json => json::render(report, w),
    }
}
