//! Python: pip requirements files, `poetry.lock`, `Pipfile.lock`, `uv.lock`, `pdm.lock`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{Lines, Package, ParseError, at_line, json_error, read_text, toml_error};
use crate::version::Ecosystem;

const PY: Ecosystem = Ecosystem::PyPI;

fn pkg(name: &str, version: Option<String>, line: u32) -> Package {
    Package {
        ecosystem: PY,
        name: name.to_owned(),
        version,
        line,
        direct: None,
        unpinned: None,
        file: None,
    }
}

/// One logical line of a requirements file: continuations joined, comments removed.
struct Logical {
    line: u32,
    text: String,
}

/// pip's line rules: a trailing `\` joins the next line; `#` at the start of a line or after
/// whitespace starts a comment.
fn logical_lines(text: &str) -> Vec<Logical> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0u32;
    for (i, raw) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if cur.is_empty() {
            start = n;
        }
        let line = strip_comment(raw);
        if let Some(body) = line.strip_suffix('\\') {
            cur.push_str(body);
            cur.push(' ');
            continue;
        }
        cur.push_str(line);
        let t = cur.trim();
        if !t.is_empty() {
            out.push(Logical {
                line: start,
                text: t.to_owned(),
            });
        }
        cur.clear();
    }
    let t = cur.trim();
    if !t.is_empty() {
        out.push(Logical {
            line: start,
            text: t.to_owned(),
        });
    }
    out
}

fn strip_comment(line: &str) -> &str {
    let line = line.trim_end_matches('\r');
    let b = line.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b'#' && (i == 0 || b[i - 1].is_ascii_whitespace()) {
            return line[..i].trim_end();
        }
    }
    line.trim_end()
}

/// A requirement line's parts.
struct Req {
    name: String,
    specs: Vec<(String, String)>,
    url: Option<String>,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// PEP 508 requirement (name, extras, specifiers, `@ url`, `; markers`), hashes and other
/// per-requirement options removed.
fn parse_req(text: &str) -> Result<Req, String> {
    // Per-requirement options (`--hash=sha256:…`, `--config-settings`) follow the requirement.
    let mut body = String::new();
    for tok in text.split_whitespace() {
        if tok.starts_with("--") {
            break;
        }
        if !body.is_empty() {
            body.push(' ');
        }
        body.push_str(tok);
    }
    let body = match body.split_once(';') {
        Some((b, _markers)) => b.trim().to_owned(),
        None => body,
    };
    let name_end = body.find(|c: char| !is_name_char(c)).unwrap_or(body.len());
    let name = &body[..name_end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!("`{text}` is not a requirement"));
    }
    let mut rest = body[name_end..].trim_start();
    if let Some(r) = rest.strip_prefix('[') {
        let Some(close) = r.find(']') else {
            return Err(format!("`{text}`: unclosed extras `[`"));
        };
        rest = r[close + 1..].trim_start();
    }
    if let Some(url) = rest.strip_prefix('@') {
        return Ok(Req {
            name: name.to_owned(),
            specs: Vec::new(),
            url: Some(url.trim().to_owned()),
        });
    }
    let rest = rest
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    let mut specs = Vec::new();
    if !rest.is_empty() {
        for clause in rest.split(',') {
            let c = clause.trim();
            let op_end = c
                .find(|ch: char| !matches!(ch, '=' | '<' | '>' | '!' | '~'))
                .unwrap_or(c.len());
            let (op, v) = c.split_at(op_end);
            if !matches!(op, "==" | "===" | "!=" | "<=" | ">=" | "<" | ">" | "~=") || v.is_empty() {
                return Err(format!("`{text}`: `{c}` is not a version specifier"));
            }
            specs.push((op.to_owned(), v.trim().to_owned()));
        }
    }
    Ok(Req {
        name: name.to_owned(),
        specs,
        url: None,
    })
}

/// The exact version a requirement pins: `===V`, or `==V` without a wildcard.
fn pinned(specs: &[(String, String)]) -> Option<String> {
    specs.iter().find_map(|(op, v)| match op.as_str() {
        "===" => Some(v.clone()),
        "==" if !v.ends_with(".*") => Some(v.clone()),
        _ => None,
    })
}

/// A requirements file, following `-r`/`--requirement` includes (reported as the included
/// file's entries) and `-c`/`--constraint` files (which pin versions of requirements named
/// elsewhere but install nothing themselves).
pub(super) fn requirements_file(path: &Path) -> Result<super::LockFile, ParseError> {
    let mut seen = HashSet::new();
    let mut packages = Vec::new();
    let mut constraints = HashMap::new();
    collect(path, None, &mut seen, &mut packages, &mut constraints)?;
    // A requirement left unpinned that a constraint file pins is audited at that pin.
    for p in &mut packages {
        if p.version.is_none()
            && p.unpinned
                .as_deref()
                .is_some_and(|u| u.starts_with("not pinned"))
            && let Some(v) = constraints.get(&PY.normalise_name(&p.name))
        {
            p.version = Some(v.clone());
            p.unpinned = None;
        }
    }
    Ok(super::LockFile {
        path: path.display().to_string(),
        format: "requirements.txt",
        packages,
    })
}

fn collect(
    path: &Path,
    from: Option<(&str, u32)>,
    seen: &mut HashSet<PathBuf>,
    packages: &mut Vec<Package>,
    constraints: &mut HashMap<String, String>,
) -> Result<(), ParseError> {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if !seen.insert(canonical) {
        return Ok(()); // an include cycle, or the same file included twice
    }
    let text = read_text(path, from)?;
    let file = path.display().to_string();
    let dir = path.parent().unwrap_or(Path::new("."));
    for l in logical_lines(&text) {
        if let Some((opt, arg)) = option(&l.text)
            && !matches!(opt, "-e" | "--editable")
        {
            match opt {
                "-r" | "--requirement" => {
                    collect(
                        &dir.join(arg),
                        Some((&file, l.line)),
                        seen,
                        packages,
                        constraints,
                    )?;
                }
                "-c" | "--constraint" => {
                    let mut cs = Vec::new();
                    collect(
                        &dir.join(arg),
                        Some((&file, l.line)),
                        seen,
                        &mut cs,
                        constraints,
                    )?;
                    for c in cs {
                        if let Some(v) = c.version {
                            constraints.insert(PY.normalise_name(&c.name), v);
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        if let Some(mut p) = requirement_line(&file, &l)? {
            if from.is_some() {
                p.file = Some(file.clone());
            }
            packages.push(p);
        }
    }
    Ok(())
}

/// `-r FILE`, `--requirement=FILE`, `-e URL`…: the option and its argument.
fn option(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with('-') {
        return None;
    }
    if let Some((o, a)) = text.split_once('=')
        && o.starts_with("--")
        && !o.contains(' ')
    {
        return Some((o, a.trim()));
    }
    match text.split_once(char::is_whitespace) {
        Some((o, a)) => Some((o, a.trim())),
        None => {
            // `-rfile.txt`
            // (split after the short option's two characters, which need not be ASCII in
            // hostile text)
            let cut = text.char_indices().nth(2).map(|(i, _)| i);
            if let Some(cut) = cut.filter(|_| !text.starts_with("--")) {
                Some((&text[..cut], &text[cut..]))
            } else {
                Some((text, ""))
            }
        }
    }
}

fn requirement_line(file: &str, l: &Logical) -> Result<Option<Package>, ParseError> {
    let t = l.text.as_str();
    if t.starts_with("-e ") || t.starts_with("--editable") {
        let target = t.split_once([' ', '=']).map_or("", |(_, a)| a.trim());
        let name = egg_name(target).unwrap_or_else(|| target.to_owned());
        let mut p = pkg(&name, None, l.line);
        p.unpinned = Some(format!(
            "editable install of `{target}` (a VCS checkout or local path): no released version to audit"
        ));
        return Ok(Some(p));
    }
    let first = t.split_whitespace().next().unwrap_or(t);
    let looks_like_path = first.starts_with('.')
        || first.starts_with('/')
        || first.contains("://")
        || first.starts_with("file:");
    if looks_like_path {
        let name = egg_name(t).unwrap_or_else(|| t.to_owned());
        let mut p = pkg(&name, None, l.line);
        p.unpinned = Some(format!(
            "`{t}` is a URL or local path, not a released version"
        ));
        return Ok(Some(p));
    }
    let r = parse_req(t).map_err(|m| at_line(file, l.line, m))?;
    let mut p = pkg(&r.name, None, l.line);
    if let Some(url) = r.url {
        p.unpinned = Some(format!(
            "`{}` comes from `{url}` (a direct URL or VCS reference), not a released version",
            r.name
        ));
    } else if let Some(v) = pinned(&r.specs) {
        p.version = Some(v);
    } else {
        let spec: Vec<String> = r.specs.iter().map(|(o, v)| format!("{o}{v}")).collect();
        p.unpinned = Some(if spec.is_empty() {
            format!("not pinned: `{}` names no version", r.name)
        } else {
            format!(
                "not pinned: `{}{}` allows more than one version",
                r.name,
                spec.join(",")
            )
        });
    }
    Ok(Some(p))
}

/// `#egg=name` of a VCS URL.
fn egg_name(url: &str) -> Option<String> {
    let frag = url.split_once("#egg=")?.1;
    Some(frag.split('&').next().unwrap_or(frag).to_owned())
}

/// Requirements text without includes (for [`super::parse`]).
pub(super) fn requirements_text(file: &str, text: &str) -> Result<Vec<Package>, ParseError> {
    let mut out = Vec::new();
    for l in logical_lines(text) {
        if option(&l.text).is_some() && !l.text.starts_with("-e") {
            continue;
        }
        if let Some(p) = requirement_line(file, &l)? {
            out.push(p);
        }
    }
    Ok(out)
}

/// The `[[package]]` tables of a TOML lock file, with the line of each `name`.
fn toml_packages(file: &str, text: &str) -> Result<Vec<(toml::Table, u32)>, ParseError> {
    let doc: toml::Table = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    let lines = Lines::new(text);
    let Some(list) = doc.get("package") else {
        return Ok(Vec::new());
    };
    let Some(list) = list.as_array() else {
        return Err(at_line(file, 1, "`package` is not an array of tables"));
    };
    let mut out = Vec::new();
    let mut from = 0;
    for item in list {
        let Some(t) = item.as_table() else {
            return Err(at_line(file, 1, "a `package` entry is not a table"));
        };
        // The entries are in file order: each `[[package]]` header follows the previous one.
        let (line, at) = lines.find(text, "[[package]]", from);
        from = at + 1;
        out.push((t.clone(), line));
    }
    Ok(out)
}

fn str_of<'a>(t: &'a toml::Table, key: &str) -> Option<&'a str> {
    t.get(key).and_then(toml::Value::as_str)
}

fn required<'a>(
    file: &str,
    t: &'a toml::Table,
    key: &str,
    line: u32,
) -> Result<&'a str, ParseError> {
    str_of(t, key).ok_or_else(|| at_line(file, line, format!("a package has no `{key}` string")))
}

/// `poetry.lock`: `[[package]]` with `name`, `version` and, for non-registry packages, a
/// `[package.source]` whose `type` is `git`, `directory`, `file` or `url`.
pub(super) fn poetry(file: &str, text: &str) -> Result<Vec<Package>, ParseError> {
    let mut out = Vec::new();
    for (t, line) in toml_packages(file, text)? {
        let name = required(file, &t, "name", line)?;
        let version = required(file, &t, "version", line)?;
        let mut p = pkg(name, Some(version.to_owned()), line);
        if let Some(src) = t.get("source").and_then(toml::Value::as_table) {
            let kind = str_of(src, "type").unwrap_or("");
            if kind != "legacy" && !kind.is_empty() {
                let url = str_of(src, "url").unwrap_or("");
                p.version = None;
                p.unpinned = Some(format!(
                    "installed from a {kind} source `{url}`, not a released version"
                ));
            }
        }
        out.push(p);
    }
    Ok(out)
}

/// `uv.lock`: `[[package]]` with `name`, `version`, `source` (`registry`, or `git`, `path`,
/// `directory`, `editable`, `virtual`, `url`). The project itself (`editable`/`virtual` `.`)
/// is not a dependency; its `dependencies` are the direct ones.
pub(super) fn uv(file: &str, text: &str) -> Result<Vec<Package>, ParseError> {
    let pkgs = toml_packages(file, text)?;
    let mut direct: Option<HashSet<String>> = None;
    let mut out = Vec::new();
    for (t, line) in &pkgs {
        let name = required(file, t, "name", *line)?;
        let source = t.get("source").and_then(toml::Value::as_table);
        let is_root = source.is_some_and(|s| {
            ["editable", "virtual"]
                .iter()
                .any(|k| str_of(s, k) == Some("."))
        });
        if is_root {
            let deps = t
                .get("dependencies")
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|d| d.get("name").and_then(toml::Value::as_str))
                .map(|n| PY.normalise_name(n));
            direct.get_or_insert_with(HashSet::new).extend(deps);
            continue;
        }
        let mut p = pkg(name, str_of(t, "version").map(str::to_owned), *line);
        if let Some(s) = source
            && let Some((kind, v)) = s.iter().find(|(k, _)| k.as_str() != "registry")
        {
            p.version = None;
            p.unpinned = Some(format!(
                "installed from a {kind} source `{}`, not a released version",
                v.as_str().unwrap_or_default()
            ));
        } else if p.version.is_none() {
            p.unpinned = Some(format!("`{name}` has no version in the lock file"));
        }
        out.push(p);
    }
    if let Some(d) = direct {
        for p in &mut out {
            p.direct = Some(d.contains(&PY.normalise_name(&p.name)));
        }
    }
    Ok(out)
}

/// `pdm.lock`: `[[package]]` with `name`, `version`; `git`, `path` or `url` keys mark
/// packages that are not released versions.
pub(super) fn pdm(file: &str, text: &str) -> Result<Vec<Package>, ParseError> {
    let mut out = Vec::new();
    for (t, line) in toml_packages(file, text)? {
        let name = required(file, &t, "name", line)?;
        let mut p = pkg(name, str_of(&t, "version").map(str::to_owned), line);
        if let Some((k, v)) = ["git", "path", "url"]
            .iter()
            .find_map(|k| str_of(&t, k).map(|v| (*k, v)))
        {
            p.version = None;
            p.unpinned = Some(format!("installed from {k} `{v}`, not a released version"));
        } else if p.version.is_none() {
            p.unpinned = Some(format!("`{name}` has no version in the lock file"));
        }
        out.push(p);
    }
    Ok(out)
}

/// `Pipfile.lock`: `default` and `develop` objects of `name: {"version": "==1.2.3"}`;
/// `git`, `path`, `file` entries are not released versions.
pub(super) fn pipfile(file: &str, text: &str) -> Result<Vec<Package>, ParseError> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| json_error(file, &e))?;
    let lines = Lines::new(text);
    let mut out = Vec::new();
    for section in ["default", "develop"] {
        let Some(obj) = doc.get(section) else {
            continue;
        };
        let Some(obj) = obj.as_object() else {
            let (line, _) = lines.find(text, &format!("\"{section}\""), 0);
            return Err(at_line(file, line, format!("`{section}` is not an object")));
        };
        let (_, base) = lines.find(text, &format!("\"{section}\""), 0);
        for (name, entry) in obj {
            let (line, _) = lines.find(text, &format!("\"{name}\""), base);
            let mut p = pkg(name, None, line);
            let version = entry.get("version").and_then(serde_json::Value::as_str);
            if let Some((k, v)) = ["git", "path", "file"].iter().find_map(|k| {
                entry
                    .get(*k)
                    .and_then(serde_json::Value::as_str)
                    .map(|v| (*k, v))
            }) {
                p.unpinned = Some(format!("installed from {k} `{v}`, not a released version"));
            } else if let Some(v) = version.and_then(|v| v.strip_prefix("==")) {
                p.version = Some(v.to_owned());
            } else {
                p.unpinned = Some(format!(
                    "not pinned: `{name}` has version `{}`",
                    version.unwrap_or("*")
                ));
            }
            out.push(p);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzz/deps: an option glued to its argument (`-rfile.txt`) whose first
    /// characters are not ASCII was cut inside a character.
    #[test]
    fn a_short_option_with_a_multibyte_character_is_cut_on_a_character_boundary() {
        assert_eq!(option("-\u{feff})$."), Some(("-\u{feff}", ")$.")));
        assert_eq!(option("-é"), Some(("-é", "")));
        assert_eq!(option("-rreq.txt"), Some(("-r", "req.txt")));
        // The whole file: read or refused with a place, never a panic.
        if let Err(e) = requirements_text("r.txt", "-\u{feff})$.\n") {
            assert_eq!(e.line, 1);
        }
    }

    #[test]
    fn requirement_lines() {
        let text = "\
# a comment
requests==2.25.0  # pinned
Flask[async] == 2.0.1 ; python_version >= \"3.8\"
urllib3===1.26.4 \\
    --hash=sha256:aaaa \\
    --hash=sha256:bbbb
django>=3
numpy
pkg @ git+https://github.com/x/pkg.git@v1
-e git+https://github.com/x/y.git#egg=yproj
Jinja2==3.*
--index-url https://pypi.org/simple
";
        let p = requirements_text("r.txt", text).unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<(&str, Option<&str>, u32, bool)> = p
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_deref(),
                    p.line,
                    p.unpinned.is_some(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("requests", Some("2.25.0"), 2, false),
                ("Flask", Some("2.0.1"), 3, false),
                ("urllib3", Some("1.26.4"), 4, false),
                ("django", None, 7, true),
                ("numpy", None, 8, true),
                ("pkg", None, 9, true),
                ("yproj", None, 10, true),
                ("Jinja2", None, 11, true),
            ]
        );
        assert!(
            p[3].unpinned
                .as_deref()
                .is_some_and(|u| u.contains("django>=3"))
        );
        let e = requirements_text("r.txt", "ok==1\nfoo ==\n").err();
        assert_eq!(e.map(|e| (e.line, e.file)), Some((2, "r.txt".to_owned())));
    }
}
