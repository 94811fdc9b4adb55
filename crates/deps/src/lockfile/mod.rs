//! Lock files: what each names as installed, with the line it is on.
//!
//! Every entry is kept: one that cannot be audited (an unpinned requirement, a VCS, path or
//! URL dependency) carries why in [`Package::unpinned`], and is reported `not_assessed`.
//! A file that cannot be parsed is a [`ParseError`] located at file:line:column.

mod node;
mod other;
mod python;

use std::path::Path;

use crate::version::Ecosystem;

/// One dependency named by a lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Its ecosystem.
    pub ecosystem: Ecosystem,
    /// The name as written.
    pub name: String,
    /// The exact version installed (`None` when the entry pins none).
    pub version: Option<String>,
    /// 1-based line of the entry.
    pub line: u32,
    /// Whether the project depends on it directly (`None`: the lock file does not say).
    pub direct: Option<bool>,
    /// Why it cannot be audited, when it cannot.
    pub unpinned: Option<String>,
    /// The file it is written in, when not the lock file itself (a requirements file
    /// included with `-r`).
    pub file: Option<String>,
}

/// A parsed lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockFile {
    /// The file.
    pub path: String,
    /// Its format (`requirements.txt`, `package-lock.json`…).
    pub format: &'static str,
    /// The entries, in file order.
    pub packages: Vec<Package>,
}

/// A lock file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ParseError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// The lock file formats read, by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// pip requirements (`requirements*.txt`, `*.txt` under `requirements/`).
    Requirements,
    /// `poetry.lock`.
    Poetry,
    /// `Pipfile.lock`.
    Pipfile,
    /// `uv.lock`.
    Uv,
    /// `pdm.lock`.
    Pdm,
    /// `package-lock.json` / `npm-shrinkwrap.json`.
    NpmLock,
    /// `yarn.lock` (classic or Berry).
    Yarn,
    /// `pnpm-lock.yaml`.
    Pnpm,
    /// `Gemfile.lock`.
    Gemfile,
    /// `Cargo.lock`.
    Cargo,
    /// `go.mod`.
    GoMod,
    /// `composer.lock`.
    Composer,
}

impl Format {
    /// The format of a file, from its name.
    #[must_use]
    pub fn detect(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?;
        Some(match name {
            "poetry.lock" => Format::Poetry,
            "Pipfile.lock" => Format::Pipfile,
            "uv.lock" => Format::Uv,
            "pdm.lock" => Format::Pdm,
            "package-lock.json" | "npm-shrinkwrap.json" => Format::NpmLock,
            "yarn.lock" => Format::Yarn,
            "pnpm-lock.yaml" => Format::Pnpm,
            "Gemfile.lock" | "gems.locked" => Format::Gemfile,
            "Cargo.lock" => Format::Cargo,
            "go.mod" => Format::GoMod,
            "composer.lock" => Format::Composer,
            n if n.ends_with(".txt")
                && (n.starts_with("requirements")
                    || path
                        .parent()
                        .and_then(Path::file_name)
                        .is_some_and(|d| d == "requirements")) =>
            {
                Format::Requirements
            }
            _ => return None,
        })
    }

    /// The name used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Requirements => "requirements.txt",
            Format::Poetry => "poetry.lock",
            Format::Pipfile => "Pipfile.lock",
            Format::Uv => "uv.lock",
            Format::Pdm => "pdm.lock",
            Format::NpmLock => "package-lock.json",
            Format::Yarn => "yarn.lock",
            Format::Pnpm => "pnpm-lock.yaml",
            Format::Gemfile => "Gemfile.lock",
            Format::Cargo => "Cargo.lock",
            Format::GoMod => "go.mod",
            Format::Composer => "composer.lock",
        }
    }
}

/// Reads and parses one lock file.
///
/// # Errors
/// When the file cannot be read or parsed.
pub fn read(path: &Path) -> Result<LockFile, ParseError> {
    let format = Format::detect(path).ok_or_else(|| ParseError {
        file: path.display().to_string(),
        line: 1,
        column: 1,
        message: "not a lock file rampart reads".into(),
    })?;
    if format == Format::Requirements {
        return python::requirements_file(path);
    }
    let text = read_text(path, None)?;
    parse(format, &path.display().to_string(), &text)
}

/// Parses lock file text of a known format (`-r` includes of requirements files are not
/// followed here: use [`read`]).
///
/// # Errors
/// When the text is not a valid file of the format.
pub fn parse(format: Format, file: &str, text: &str) -> Result<LockFile, ParseError> {
    let packages = match format {
        Format::Requirements => python::requirements_text(file, text)?,
        Format::Poetry => python::poetry(file, text)?,
        Format::Pipfile => python::pipfile(file, text)?,
        Format::Uv => python::uv(file, text)?,
        Format::Pdm => python::pdm(file, text)?,
        Format::NpmLock => node::package_lock(file, text)?,
        Format::Yarn => node::yarn(file, text)?,
        Format::Pnpm => node::pnpm(file, text)?,
        Format::Gemfile => other::gemfile(file, text)?,
        Format::Cargo => other::cargo(file, text)?,
        Format::GoMod => other::go_mod(file, text)?,
        Format::Composer => other::composer(file, text)?,
    };
    Ok(LockFile {
        path: file.to_owned(),
        format: format.as_str(),
        packages,
    })
}

/// Reads a file as UTF-8 text; `from` is the including file and line, for `-r` errors.
pub(crate) fn read_text(path: &Path, from: Option<(&str, u32)>) -> Result<String, ParseError> {
    let (file, line) = match from {
        Some((f, l)) => (f.to_owned(), l),
        None => (path.display().to_string(), 1),
    };
    let bytes = std::fs::read(path).map_err(|e| ParseError {
        file: file.clone(),
        line,
        column: 1,
        message: format!("cannot read `{}`: {e}", path.display()),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        ParseError {
            file: path.display().to_string(),
            line: 1,
            column: 1,
            message: format!("not UTF-8 text (invalid byte at offset {at})"),
        }
    })
}

/// Line starts of a text, for offset → line:column.
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    pub(crate) fn new(text: &str) -> Self {
        let mut v = vec![0];
        v.extend(memchr_newlines(text));
        Lines(v)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn at(&self, text: &str, offset: usize) -> (u32, u32) {
        let i = match self.0.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.0.get(i).copied().unwrap_or(0);
        let col = text
            .get(start..offset.min(text.len()))
            .map_or(0, |s| s.chars().count());
        (
            u32::try_from(i + 1).unwrap_or(u32::MAX),
            u32::try_from(col + 1).unwrap_or(u32::MAX),
        )
    }

    /// The line of the first occurrence of `needle` at or after byte `from` (1 when absent).
    pub(crate) fn find(&self, text: &str, needle: &str, from: usize) -> (u32, usize) {
        match text.get(from..).and_then(|t| t.find(needle)) {
            Some(i) => (self.at(text, from + i).0, from + i),
            None => (1, from),
        }
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i + 1)
}

/// A JSON syntax or shape error, located.
pub(crate) fn json_error(file: &str, e: &serde_json::Error) -> ParseError {
    ParseError {
        file: file.to_owned(),
        line: u32::try_from(e.line()).unwrap_or(1).max(1),
        column: u32::try_from(e.column()).unwrap_or(1).max(1),
        message: format!("invalid JSON: {e}"),
    }
}

/// A TOML error, located from its span.
pub(crate) fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> ParseError {
    let (line, column) = match e.span() {
        Some(span) => Lines::new(text).at(text, span.start),
        None => (1, 1),
    };
    ParseError {
        file: file.to_owned(),
        line,
        column,
        message: format!("invalid TOML: {}", e.message()),
    }
}

/// An error at a line.
pub(crate) fn at_line(file: &str, line: u32, message: impl Into<String>) -> ParseError {
    ParseError {
        file: file.to_owned(),
        line,
        column: 1,
        message: message.into(),
    }
}

/// Every lock file under a directory (or the file itself), sorted; dependency directories
/// (`node_modules`, `vendor`, `.git`, virtualenvs, build output) are not entered.
#[must_use]
pub fn find(root: &Path) -> Vec<std::path::PathBuf> {
    find_by(root, |p| Format::detect(p).is_some())
}

/// Every file under a directory (or the file itself) that `wanted` accepts, sorted, with the
/// same directories skipped as [`find`].
pub fn find_by(root: &Path, wanted: fn(&Path) -> bool) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if root.is_file() {
        if wanted(root) {
            out.push(root.to_path_buf());
        }
        return out;
    }
    walk(root, 0, wanted, &mut out);
    out.sort();
    out
}

fn walk(dir: &Path, depth: usize, wanted: fn(&Path) -> bool, out: &mut Vec<std::path::PathBuf>) {
    if depth > 24 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut dirs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if ft.is_dir() {
            if matches!(
                name.as_ref(),
                "node_modules"
                    | ".git"
                    | "vendor"
                    | ".venv"
                    | "venv"
                    | "__pycache__"
                    | "target"
                    | ".tox"
                    | ".terraform"
            ) || path.join("pyvenv.cfg").exists()
            {
                continue;
            }
            dirs.push(path);
        } else if ft.is_file() && wanted(&path) {
            out.push(path);
        }
    }
    for d in dirs {
        walk(&d, depth + 1, wanted, out);
    }
}
