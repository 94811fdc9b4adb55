//! Ruby `Gemfile.lock`, Rust `Cargo.lock`, Go `go.mod`, PHP `composer.lock`.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::{Lines, Package, ParseError, at_line, json_error, toml_error};
use crate::version::Ecosystem;

fn pkg(eco: Ecosystem, name: &str, version: Option<String>, line: u32) -> Package {
    Package {
        ecosystem: eco,
        name: name.to_owned(),
        version,
        line,
        direct: None,
        unpinned: None,
        file: None,
    }
}

/// `Gemfile.lock`: sections `GEM`, `GIT`, `PATH` (each with `specs:` lines `    name
/// (version[-platform])` at four spaces), and `DEPENDENCIES` (the direct gems). Gems of `GIT`
/// and `PATH` sections are not released versions.
pub(super) fn gemfile(file: &str, text: &str) -> Result<Vec<Package>, ParseError> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut direct = HashSet::new();
    let mut remote = String::new();
    for (i, raw) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            section = line.trim().to_owned();
            remote.clear();
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let t = line.trim();
        match section.as_str() {
            "GEM" | "GIT" | "PATH" | "PLUGIN SOURCE" => {
                if indent == 2 {
                    if let Some(r) = t.strip_prefix("remote:") {
                        remote = r.trim().to_owned();
                    }
                    continue;
                }
                if indent != 4 {
                    continue; // a gem's own dependencies (six spaces)
                }
                let Some((name, rest)) = t.split_once(" (") else {
                    return Err(at_line(
                        file,
                        n,
                        format!("`{t}`: expected `name (version)`"),
                    ));
                };
                let Some(v) = rest.strip_suffix(')') else {
                    return Err(at_line(file, n, format!("`{t}`: unclosed `(`")));
                };
                // `1.13.10-x86_64-linux`: the platform follows the first `-`.
                let version = v.split('-').next().unwrap_or(v);
                let mut p = pkg(Ecosystem::RubyGems, name, Some(version.to_owned()), n);
                if section != "GEM" {
                    p.version = None;
                    p.unpinned = Some(format!(
                        "from a {} source `{remote}`, not a released gem",
                        section.to_ascii_lowercase()
                    ));
                }
                out.push(p);
            }
            "DEPENDENCIES" if indent == 2 => {
                let name = t.split([' ', '!']).next().unwrap_or(t);
                direct.insert(name.to_owned());
            }
            _ => {}
        }
    }
    if !text.trim().is_empty() && out.is_empty() && !text.contains("GEM") {
        return Err(at_line(file, 1, "no GEM section: not a Gemfile.lock"));
    }
    if !direct.is_empty() {
        for p in &mut out {
            p.direct = Some(direct.contains(&p.name));
        }
    }
    Ok(out)
}

/// `Cargo.lock`: `[[package]]` with `name`, `version`, `source` (`registry+…` for crates.io;
/// `git+…` for git; none for path dependencies and workspace members).
pub(super) fn cargo(file: &str, text: &str) -> Result<Vec<Package>, ParseError> {
    let doc: toml::Table = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    let lines = Lines::new(text);
    let mut out = Vec::new();
    let list = doc
        .get("package")
        .and_then(toml::Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut from = 0;
    for item in &list {
        let (line, at) = lines.find(text, "[[package]]", from);
        from = at + 1;
        let get = |k: &str| item.get(k).and_then(toml::Value::as_str);
        let Some(name) = get("name") else {
            return Err(at_line(file, line, "a package has no `name`"));
        };
        let mut p = pkg(Ecosystem::Crates, name, None, line);
        match get("source") {
            Some(s) if s.starts_with("registry+") || s.starts_with("sparse+") => {
                p.version = get("version").map(str::to_owned);
            }
            Some(s) => {
                p.unpinned = Some(format!("from `{s}`, not a crates.io release"));
            }
            None => {
                p.unpinned = Some(format!(
                    "`{name}` is a workspace member or path dependency, not a crates.io release"
                ));
            }
        }
        if p.version.is_none() && p.unpinned.is_none() {
            p.unpinned = Some(format!("`{name}` has no version in the lock file"));
        }
        out.push(p);
    }
    Ok(out)
}

/// `go.mod`: `require` lines and blocks (`// indirect` marks a transitive one), with
/// `replace` directives applied (a replacement by a local path is not a released module).
pub(super) fn go_mod(file: &str, text: &str) -> Result<Vec<Package>, ParseError> {
    let mut requires: Vec<(String, String, u32, bool)> = Vec::new();
    let mut replaces: HashMap<String, (Option<String>, String, Option<String>)> = HashMap::new();
    let mut block: Option<&str> = None;
    let mut module_seen = false;
    for (i, raw) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let (code, comment) = match raw.split_once("//") {
            Some((c, m)) => (c.trim(), m.trim()),
            None => (raw.trim(), ""),
        };
        if code.is_empty() {
            continue;
        }
        if code == ")" {
            block = None;
            continue;
        }
        let (directive, rest) = match block {
            Some(b) => (b, code),
            None => {
                let (d, r) = code.split_once(char::is_whitespace).unwrap_or((code, ""));
                let r = r.trim();
                if r == "(" {
                    block = Some(match d {
                        "require" => "require",
                        "replace" => "replace",
                        "exclude" => "exclude",
                        "retract" => "retract",
                        "tool" => "tool",
                        "ignore" => "ignore",
                        "godebug" => "godebug",
                        _ => return Err(at_line(file, n, format!("unknown block `{d} (`"))),
                    });
                    continue;
                }
                (d, r)
            }
        };
        match directive {
            "module" => module_seen = true,
            "require" => {
                let mut f = rest.split_whitespace();
                let (Some(m), Some(v)) = (f.next(), f.next()) else {
                    return Err(at_line(
                        file,
                        n,
                        format!("`{code}`: expected `module version`"),
                    ));
                };
                requires.push((
                    m.trim_matches('"').to_owned(),
                    v.to_owned(),
                    n,
                    comment.contains("indirect"),
                ));
            }
            "replace" => {
                let Some((left, right)) = rest.split_once("=>") else {
                    return Err(at_line(file, n, format!("`{code}`: expected `=>`")));
                };
                let mut l = left.split_whitespace();
                let mut r = right.split_whitespace();
                let (Some(lm), lv) = (l.next(), l.next()) else {
                    return Err(at_line(file, n, format!("`{code}`: nothing to replace")));
                };
                let Some(rm) = r.next() else {
                    return Err(at_line(file, n, format!("`{code}`: no replacement")));
                };
                replaces.insert(
                    lm.to_owned(),
                    (
                        lv.map(str::to_owned),
                        rm.to_owned(),
                        r.next().map(str::to_owned),
                    ),
                );
            }
            "go" | "toolchain" | "exclude" | "retract" | "tool" | "ignore" | "godebug" => {}
            other => {
                return Err(at_line(file, n, format!("unknown directive `{other}`")));
            }
        }
    }
    if !module_seen && !requires.is_empty() {
        return Err(at_line(file, 1, "no `module` directive: not a go.mod"));
    }
    let mut out = Vec::new();
    for (m, v, line, indirect) in requires {
        let mut p = pkg(Ecosystem::Go, &m, Some(v.clone()), line);
        p.direct = Some(!indirect);
        if let Some((only, to, to_v)) = replaces.get(&m)
            && only.as_ref().is_none_or(|o| *o == v)
        {
            match to_v {
                Some(tv) => {
                    p.name.clone_from(to);
                    p.version = Some(tv.clone());
                }
                None => {
                    p.version = None;
                    p.unpinned = Some(format!(
                        "replaced by the local directory `{to}`, not a released module"
                    ));
                }
            }
        }
        out.push(p);
    }
    Ok(out)
}

/// `composer.lock`: `packages` and `packages-dev` arrays of `{name, version, source, dist}`;
/// a `dev-…` version is a branch, not a release.
pub(super) fn composer(file: &str, text: &str) -> Result<Vec<Package>, ParseError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| json_error(file, &e))?;
    let lines = Lines::new(text);
    let mut out = Vec::new();
    for section in ["packages", "packages-dev"] {
        let Some(list) = doc.get(section) else {
            continue;
        };
        let Some(list) = list.as_array() else {
            return Err(at_line(file, 1, format!("`{section}` is not an array")));
        };
        let (_, base) = lines.find(text, &format!("\"{section}\""), 0);
        let mut from = base;
        for entry in list {
            let Some(name) = entry.get("name").and_then(Value::as_str) else {
                let (l, _) = lines.find(text, "{", from);
                return Err(at_line(file, l, "a package has no `name`"));
            };
            let (line, at) = lines.find(text, &format!("\"{name}\""), from);
            from = at;
            let mut p = pkg(Ecosystem::Packagist, name, None, line);
            match entry.get("version").and_then(Value::as_str) {
                Some(v) if v.starts_with("dev-") || v.ends_with("-dev") => {
                    p.unpinned = Some(format!("`{v}` is a development branch, not a release"));
                }
                Some(v) => p.version = Some(v.to_owned()),
                None => p.unpinned = Some(format!("`{name}` has no version in the lock file")),
            }
            out.push(p);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_mod_requires_and_replaces() {
        let text = "module example.com/app\n\ngo 1.21\n\nrequire (\n\tgolang.org/x/net v0.7.0\n\tgithub.com/a/b v1.0.0 // indirect\n)\n\nrequire github.com/c/d v0.0.0-20191109021931-daa7c04131f5\n\nreplace github.com/a/b => ../b\nreplace golang.org/x/net v0.7.0 => golang.org/x/net v0.17.0\n";
        let p = go_mod("go.mod", text).unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<_> = p
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_deref(), p.line, p.direct))
            .collect();
        assert_eq!(
            got,
            vec![
                ("golang.org/x/net", Some("v0.17.0"), 6, Some(true)),
                ("github.com/a/b", None, 7, Some(false)),
                (
                    "github.com/c/d",
                    Some("v0.0.0-20191109021931-daa7c04131f5"),
                    10,
                    Some(true)
                ),
            ]
        );
        let e = go_mod("go.mod", "module x\nrequire (\n  onlyname\n)\n").err();
        assert_eq!(e.map(|e| e.line), Some(3));
    }
}
