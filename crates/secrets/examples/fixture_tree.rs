//! Writes the fixture tree of planted secrets and decoys to a directory, and its manifest
//! (`manifest.json` beside it: the planted secrets' path, line and kind) for recall and precision
//! measurements: `cargo run -p rampart-secrets --example fixture_tree -- DIR`.

#[path = "../tests/support/tree.rs"]
mod tree;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: fixture_tree DIR")?;
    if dir.exists() {
        return Err(format!("`{}` exists: give a new directory", dir.display()).into());
    }
    std::fs::create_dir_all(&dir)?;
    let planted = tree::write_tree(&dir)?;
    let manifest: Vec<serde_json::Value> = planted
        .iter()
        .map(|p| serde_json::json!({"path": p.path, "line": p.line, "kind": p.kind}))
        .collect();
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out = dir.with_file_name(format!("{name}.manifest.json"));
    std::fs::write(&out, serde_json::to_string_pretty(&manifest)?)?;
    eprintln!(
        "{} planted secrets in {}; manifest {}",
        planted.len(),
        dir.display(),
        out.display()
    );
    Ok(())
}
