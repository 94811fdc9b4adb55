//! Runtimes named in a source tree (control APP-2), judged against the one end-of-support table
//! of Lambda runtimes (`rampart_model::runtimes`), the same the Lambda runtime check uses.
//!
//! Read: `.python-version` (pyenv), `runtime.txt` (`python-3.7.10`), `pyproject.toml`
//! (`project.requires-python`, `tool.poetry.dependencies.python`), `package.json`
//! (`engines.node`), `.nvmrc` (a version or an `lts/<codename>` alias), `.ruby-version`, and
//! `Dockerfile` `FROM` lines whose image is `python`, `node` or `ruby` (Docker Hub or the AWS
//! Lambda base images), tag first.
//!
//! A range (`>=3.7`, `^14.17`) is judged by its lower bound: it states that the project still
//! runs on that version. A declaration that names no version (`FROM python`, `latest`, a
//! `pypy` interpreter) or a version the table does not hold is `not_assessed` with why.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rampart_model::runtimes::{Support, by_language};
use rampart_model::{Finding, Location, Remediation, Severity, Status};
use serde_json::json;
use time::Date;

/// The check code of runtimes in source trees.
pub const CHECK: &str = "DEPS-002";
/// Its name.
pub const NAME: &str = "runtime-past-end-of-support";
/// The CHECKLIST control it serves.
pub const CONTROL: &str = "APP-2";

/// One runtime declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// `python`, `node`, `ruby`.
    pub language: &'static str,
    /// The version as written (`3.7.12`, `>=14`, `3.7-slim`).
    pub written: String,
    /// The version judged (`3.7.12`, `14`), or why there is none.
    pub version: Result<String, String>,
    /// Where it comes from (`.python-version`, `Dockerfile FROM`…).
    pub source: &'static str,
}

/// Whether a file names a runtime.
#[must_use]
pub fn is_runtime_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    matches!(
        name,
        ".python-version"
            | "runtime.txt"
            | "pyproject.toml"
            | "package.json"
            | ".nvmrc"
            | ".node-version"
            | ".ruby-version"
            | "Dockerfile"
    ) || name.starts_with("Dockerfile.")
        || name.ends_with(".Dockerfile")
}

/// Every runtime file under `root` (dependency directories skipped), sorted.
#[must_use]
pub fn find(root: &Path) -> Vec<PathBuf> {
    crate::lockfile::find_by(root, is_runtime_file)
}

/// The declarations of one file (none when it names no runtime, e.g. a `package.json`
/// without `engines.node`).
#[must_use]
pub fn read(path: &Path) -> Vec<Declared> {
    let file = path.display().to_string();
    let Ok(text) = std::fs::read_to_string(path) else {
        return vec![Declared {
            file,
            line: 1,
            language: "unknown",
            written: String::new(),
            version: Err("the file cannot be read as UTF-8 text".into()),
            source: "file",
        }];
    };
    parse(&file, &text)
}

/// The declarations of a file's text, by its name.
#[must_use]
pub fn parse(file: &str, text: &str) -> Vec<Declared> {
    let name = Path::new(file)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let decl = |line: u32, language: &'static str, written: &str, source: &'static str| {
        let version = lower_bound(written);
        Declared {
            file: file.to_owned(),
            line,
            language,
            written: written.to_owned(),
            version,
            source,
        }
    };
    let first = || {
        text.lines()
            .enumerate()
            .map(|(i, l)| (u32::try_from(i + 1).unwrap_or(u32::MAX), l.trim()))
            .find(|(_, l)| !l.is_empty() && !l.starts_with('#'))
    };
    match name {
        ".python-version" => first()
            .map(|(n, l)| {
                let mut d = decl(n, "python", l, ".python-version");
                if !l.starts_with(|c: char| c.is_ascii_digit()) {
                    d.version = Err(format!("`{l}` is not a CPython version"));
                }
                d
            })
            .into_iter()
            .collect(),
        "runtime.txt" => first()
            .map(|(n, l)| {
                let v = l.strip_prefix("python-").unwrap_or(l);
                decl(n, "python", v, "runtime.txt")
            })
            .into_iter()
            .collect(),
        ".ruby-version" => first()
            .map(|(n, l)| {
                decl(
                    n,
                    "ruby",
                    l.strip_prefix("ruby-").unwrap_or(l),
                    ".ruby-version",
                )
            })
            .into_iter()
            .collect(),
        ".nvmrc" | ".node-version" => first()
            .map(|(n, l)| {
                let mut d = decl(n, "node", l, ".nvmrc");
                if let Some(code) = l.strip_prefix("lts/") {
                    d.version = lts(code)
                        .map(str::to_owned)
                        .ok_or_else(|| format!("`{l}` is not a known LTS line"));
                }
                d
            })
            .into_iter()
            .collect(),
        "pyproject.toml" => pyproject(file, text),
        "package.json" => package_json(file, text),
        _ => dockerfile(file, text),
    }
}

/// Node.js LTS codenames (nodejs.org release schedule).
fn lts(code: &str) -> Option<&'static str> {
    Some(match code.to_ascii_lowercase().as_str() {
        "argon" => "4",
        "boron" => "6",
        "carbon" => "8",
        "dubnium" => "10",
        "erbium" => "12",
        "fermium" => "14",
        "gallium" => "16",
        "hydrogen" => "18",
        "iron" => "20",
        "jod" => "22",
        _ => return None,
    })
}

/// The lowest version a specifier allows: `3.7.12`, `>=3.7`, `^14.17.0`, `~=3.8`, `14.x`,
/// `>=3.7,<4`, `3.7-slim` (a Docker tag). `Err` when it names none.
fn lower_bound(spec: &str) -> Result<String, String> {
    let s = spec.trim().trim_matches(['"', '\'']);
    // `||` alternatives (npm): the lowest is the first that names a version.
    for alt in s.split("||") {
        for clause in alt.split([',', ' ']) {
            let c = clause.trim();
            if c.is_empty() || c.starts_with('<') || c.starts_with("!=") {
                continue;
            }
            let v = c.trim_start_matches(['>', '=', '^', '~', 'v', 'V']);
            let digits: String = v
                .chars()
                .take_while(|ch| ch.is_ascii_digit() || *ch == '.')
                .collect();
            let digits = digits.trim_end_matches('.');
            if !digits.is_empty() {
                return Ok(digits.to_owned());
            }
        }
    }
    Err(format!("`{spec}` names no version"))
}

fn line_of(text: &str, needle: &str) -> u32 {
    text.find(needle).map_or(1, |i| {
        u32::try_from(text[..i].matches('\n').count() + 1).unwrap_or(u32::MAX)
    })
}

fn pyproject(file: &str, text: &str) -> Vec<Declared> {
    let Ok(doc) = toml::from_str::<toml::Table>(text) else {
        return vec![Declared {
            file: file.to_owned(),
            line: 1,
            language: "python",
            written: String::new(),
            version: Err("pyproject.toml is not valid TOML".into()),
            source: "pyproject.toml",
        }];
    };
    let spec = doc
        .get("project")
        .and_then(|p| p.get("requires-python"))
        .and_then(toml::Value::as_str)
        .map(|s| (s, "requires-python"))
        .or_else(|| {
            doc.get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(|p| p.get("dependencies"))
                .and_then(|d| d.get("python"))
                .and_then(toml::Value::as_str)
                .map(|s| (s, "python ="))
        });
    spec.map(|(s, key)| Declared {
        file: file.to_owned(),
        line: line_of(text, key),
        language: "python",
        written: s.to_owned(),
        version: lower_bound(s),
        source: "pyproject.toml",
    })
    .into_iter()
    .collect()
}

fn package_json(file: &str, text: &str) -> Vec<Declared> {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return vec![Declared {
            file: file.to_owned(),
            line: 1,
            language: "node",
            written: String::new(),
            version: Err("package.json is not valid JSON".into()),
            source: "package.json engines.node",
        }];
    };
    doc.get("engines")
        .and_then(|e| e.get("node"))
        .and_then(serde_json::Value::as_str)
        .map(|s| Declared {
            file: file.to_owned(),
            line: line_of(text, "\"node\""),
            language: "node",
            written: s.to_owned(),
            version: lower_bound(s),
            source: "package.json engines.node",
        })
        .into_iter()
        .collect()
}

fn dockerfile(file: &str, text: &str) -> Vec<Declared> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let Some(rest) = line
            .get(..5)
            .filter(|p| p.eq_ignore_ascii_case("FROM "))
            .map(|_| &line[5..])
        else {
            continue;
        };
        let image = rest
            .split_whitespace()
            .find(|t| !t.starts_with("--"))
            .unwrap_or_default();
        let (repo, tag) = match image.rsplit_once(':') {
            Some((r, t)) if !t.contains('/') => (r, Some(t)),
            _ => (image, None),
        };
        let repo = repo.split('@').next().unwrap_or(repo);
        let last = repo.rsplit('/').next().unwrap_or(repo);
        let language = match last {
            "python" => "python",
            "node" | "nodejs" => "node",
            "ruby" => "ruby",
            _ => continue,
        };
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        out.push(Declared {
            file: file.to_owned(),
            line: n,
            language,
            written: image.to_owned(),
            version: match tag {
                Some(t) if t.starts_with(|c: char| c.is_ascii_digit()) => lower_bound(t),
                Some(t) => Err(format!("the tag `{t}` names no version")),
                None => Err(format!(
                    "`{image}` has no tag: the version is whatever `latest` is when built"
                )),
            },
            source: "Dockerfile FROM",
        });
    }
    out
}

/// Judges declarations on `today` against the end-of-support table.
#[must_use]
pub fn judge(decls: &[Declared], today: Date, remediation: &Arc<Remediation>) -> Vec<Finding> {
    decls
        .iter()
        .map(|d| {
            let mut evidence = std::collections::BTreeMap::new();
            evidence.insert("language".into(), json!(d.language));
            evidence.insert("declared".into(), json!(d.written));
            evidence.insert("source".into(), json!(d.source));
            let mut f = Finding {
                check: CHECK.into(),
                name: NAME.into(),
                controls: vec![CONTROL.into()],
                severity: Severity::Medium,
                status: Status::NotAssessed,
                resource: format!("{}:{}", d.file, d.source),
                account: None,
                region: None,
                message: String::new(),
                evidence,
                location: Some(Location {
                    file: d.file.clone(),
                    line: Some(d.line),
                    column: None,
                }),
                remediation: Arc::clone(remediation),
                waiver_reason: None,
            };
            let version = match &d.version {
                Ok(v) => v,
                Err(why) => {
                    f.message = format!("not assessed: {why}");
                    f.evidence.insert("reason".into(), json!(why));
                    return f;
                }
            };
            f.evidence.insert("version".into(), json!(version));
            let Some(rt) = by_language(d.language, version) else {
                let why = format!(
                    "{} {version} is not in the end-of-support table (Lambda runtimes)",
                    d.language
                );
                f.message = format!("not assessed: {why}");
                f.evidence.insert("reason".into(), json!(why));
                return f;
            };
            f.evidence.insert("runtime".into(), json!(rt.id));
            f.evidence
                .insert("end_of_support".into(), json!(rt.deprecated.to_string()));
            match rt.support_on(today) {
                Support::Deprecated { since } => {
                    f.status = Status::Fail;
                    f.message = format!(
                        "{} names {} {version} (`{}`), past its end of support on {since}",
                        d.source, d.language, d.written
                    );
                }
                Support::Supported { until } => {
                    f.status = Status::Pass;
                    f.message = format!(
                        "{} names {} {version}, supported until {until}",
                        d.source, d.language
                    );
                }
            }
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn verdicts(file: &str, text: &str) -> Vec<(String, u32, Option<String>)> {
        let r = Arc::new(Remediation::default());
        judge(&parse(file, text), date!(2026 - 12 - 04), &r)
            .into_iter()
            .map(|f| {
                (
                    f.status.to_string(),
                    f.location.and_then(|l| l.line).unwrap_or(0),
                    f.evidence
                        .get("runtime")
                        .and_then(|v| v.as_str())
                        .map(str::to_owned),
                )
            })
            .collect()
    }

    fn v(s: &str, l: u32, rt: Option<&str>) -> (String, u32, Option<String>) {
        (s.to_owned(), l, rt.map(str::to_owned))
    }

    #[test]
    fn each_declaration_kind() {
        assert_eq!(
            verdicts("a/.python-version", "3.7.12\n"),
            vec![v("fail", 1, Some("python3.7"))]
        );
        assert_eq!(
            verdicts("runtime.txt", "python-3.12.1\n"),
            vec![v("pass", 1, Some("python3.12"))]
        );
        assert_eq!(
            verdicts(".ruby-version", "ruby-2.7.2\n"),
            vec![v("fail", 1, Some("ruby2.7"))]
        );
        assert_eq!(
            verdicts(".nvmrc", "lts/fermium\n"),
            vec![v("fail", 1, Some("nodejs14.x"))]
        );
        assert_eq!(
            verdicts(".nvmrc", "v22.11.0\n"),
            vec![v("pass", 1, Some("nodejs22.x"))]
        );
        assert_eq!(
            verdicts(
                "pyproject.toml",
                "[project]\nname = \"x\"\nrequires-python = \">=3.8,<4\"\n"
            ),
            vec![v("fail", 3, Some("python3.8"))]
        );
        assert_eq!(
            verdicts(
                "package.json",
                "{\n  \"name\": \"x\",\n  \"engines\": {\n    \"node\": \"^14.17.0 || >=16\"\n  }\n}\n"
            ),
            vec![v("fail", 4, Some("nodejs14.x"))]
        );
        assert_eq!(verdicts("package.json", "{\"name\": \"x\"}"), vec![]);
        assert_eq!(
            verdicts(
                "Dockerfile",
                "FROM --platform=linux/amd64 python:3.7-slim AS build\nRUN true\nFROM node:14-alpine\nFROM public.ecr.aws/lambda/python:3.12\nFROM python\nFROM alpine:3.19\n"
            ),
            vec![
                v("fail", 1, Some("python3.7")),
                v("fail", 3, Some("nodejs14.x")),
                v("pass", 4, Some("python3.12")),
                v("not_assessed", 5, None),
            ]
        );
        assert_eq!(
            verdicts(".python-version", "pypy3.9-7.3.11\n"),
            vec![v("not_assessed", 1, None)]
        );
    }
}
