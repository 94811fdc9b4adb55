//! Node: `package-lock.json` / `npm-shrinkwrap.json` (lockfile versions 1, 2, 3), `yarn.lock`
//! (classic v1 and Berry), `pnpm-lock.yaml` (lockfile versions 5, 6, 9).

use std::collections::HashSet;

use serde_json::Value;

use super::{Lines, Package, ParseError, at_line, json_error};
use crate::version::Ecosystem;

fn pkg(name: &str, version: Option<String>, line: u32) -> Package {
    Package {
        ecosystem: Ecosystem::Npm,
        name: name.to_owned(),
        version,
        line,
        direct: None,
        unpinned: None,
        file: None,
    }
}

/// Why a resolved spec is not a registry version (`git+…`, `file:…`, `link:…`), if it is not.
fn non_registry(spec: &str) -> Option<String> {
    let s = spec.trim();
    let kind = if s.starts_with("git") || s.contains("github:") || s.starts_with("github.com/") {
        "a git"
    } else if s.starts_with("file:") || s.starts_with("link:") || s.starts_with("portal:") {
        "a local path"
    } else if s.starts_with("http://") || s.starts_with("https://") {
        if s.ends_with(".tgz") && s.contains("/-/") {
            return None; // a registry tarball
        }
        "a URL"
    } else if s.starts_with("workspace:") {
        "a workspace"
    } else {
        return None;
    };
    Some(format!(
        "installed from {kind} source `{s}`, not a released version"
    ))
}

/// `package-lock.json`: v2/v3 `packages` (keys `node_modules/a/node_modules/b`; the root's
/// own `dependencies`/`devDependencies`/`optionalDependencies` are the direct ones), or v1
/// nested `dependencies`.
pub(super) fn package_lock(file: &str, text: &str) -> Result<Vec<Package>, ParseError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| json_error(file, &e))?;
    let Some(root) = doc.as_object() else {
        return Err(at_line(file, 1, "a package-lock is a JSON object"));
    };
    let lines = Lines::new(text);
    let mut out = Vec::new();
    if let Some(packages) = root.get("packages").and_then(Value::as_object) {
        let mut direct = HashSet::new();
        if let Some(r) = packages.get("") {
            for k in [
                "dependencies",
                "devDependencies",
                "optionalDependencies",
                "peerDependencies",
            ] {
                if let Some(d) = r.get(k).and_then(Value::as_object) {
                    direct.extend(d.keys().cloned());
                }
            }
        }
        let (_, base) = lines.find(text, "\"packages\"", 0);
        for (key, entry) in packages {
            if key.is_empty() {
                continue;
            }
            let Some(pos) = key.rfind("node_modules/") else {
                // A workspace member's own folder (`packages/app`): the project, not a dependency.
                continue;
            };
            let (line, _) = lines.find(text, &format!("\"{key}\""), base);
            let name = entry
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(&key[pos + "node_modules/".len()..]);
            let mut p = pkg(name, None, line);
            if !key.contains("/node_modules/") {
                p.direct = Some(direct.contains(&key[pos + "node_modules/".len()..]));
            } else {
                p.direct = Some(false);
            }
            if entry.get("link").and_then(Value::as_bool) == Some(true) {
                p.unpinned = Some(format!(
                    "a link to `{}` (a local package), not a released version",
                    entry
                        .get("resolved")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                ));
            } else if let Some(why) = entry
                .get("resolved")
                .and_then(Value::as_str)
                .and_then(non_registry)
            {
                p.unpinned = Some(why);
            } else if let Some(v) = entry.get("version").and_then(Value::as_str) {
                match non_registry(v) {
                    Some(why) => p.unpinned = Some(why),
                    None => p.version = Some(v.to_owned()),
                }
            } else {
                p.unpinned = Some(format!("`{name}` has no version in the lock file"));
            }
            out.push(p);
        }
        return Ok(out);
    }
    if let Some(deps) = root.get("dependencies").and_then(Value::as_object) {
        v1(text, &lines, deps, 0, true, &mut out);
    }
    Ok(out)
}

fn v1(
    text: &str,
    lines: &Lines,
    deps: &serde_json::Map<String, Value>,
    from: usize,
    top: bool,
    out: &mut Vec<Package>,
) {
    for (name, entry) in deps {
        let (line, at) = lines.find(text, &format!("\"{name}\""), from);
        let mut p = pkg(name, None, line);
        if !top {
            p.direct = Some(false);
        }
        match entry.get("version").and_then(Value::as_str) {
            Some(v) => match non_registry(v) {
                Some(why) => p.unpinned = Some(why),
                None => {
                    // An alias (`npm:real@1.2.3`) names the real package.
                    if let Some(alias) = v.strip_prefix("npm:")
                        && let Some(i) = alias.rfind('@').filter(|i| *i > 0)
                    {
                        p.name = alias[..i].to_owned();
                        p.version = Some(alias[i + 1..].to_owned());
                    } else {
                        p.version = Some(v.to_owned());
                    }
                }
            },
            None => p.unpinned = Some(format!("`{name}` has no version in the lock file")),
        }
        out.push(p);
        if let Some(sub) = entry.get("dependencies").and_then(Value::as_object) {
            v1(text, lines, sub, at, false, out);
        }
    }
}

/// The package name of a descriptor `name@range` / `@scope/name@npm:range`.
fn descriptor_name(d: &str) -> &str {
    let d = d.trim().trim_matches('"');
    match d.get(1..).and_then(|s| s.find('@')) {
        Some(i) => &d[..=i],
        None => d,
    }
}

/// `yarn.lock`, classic (`version "1.2.3"`) or Berry (`version: 1.2.3`, `resolution:`).
pub(super) fn yarn(file: &str, text: &str) -> Result<Vec<Package>, ParseError> {
    let mut out = Vec::new();
    let mut current: Option<(String, String, u32)> = None; // name, first descriptor, line
    let mut seen = false;
    let finish = |cur: &mut Option<(String, String, u32)>, out: &mut Vec<Package>| {
        if let Some((name, desc, line)) = cur.take() {
            let mut p = pkg(&name, None, line);
            p.unpinned = Some(format!("`{desc}` has no version in the lock file"));
            out.push(p);
        }
    };
    for (i, raw) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            finish(&mut current, &mut out);
            let Some(key) = line.strip_suffix(':') else {
                return Err(at_line(
                    file,
                    n,
                    format!("`{line}`: an entry header ends with `:`"),
                ));
            };
            if key == "__metadata" {
                continue;
            }
            seen = true;
            let first = key.split(", ").next().unwrap_or(key).trim_matches('"');
            let name = descriptor_name(first);
            let spec = &first[name.len().min(first.len())..];
            let spec = spec.strip_prefix('@').unwrap_or(spec);
            if let Some(why) = berry_non_registry(spec) {
                if spec.starts_with("workspace:") {
                    continue; // the project's own workspaces
                }
                let mut p = pkg(name, None, n);
                p.unpinned = Some(why);
                out.push(p);
                continue;
            }
            current = Some((name.to_owned(), first.to_owned(), n));
            continue;
        }
        let t = line.trim();
        let version = t
            .strip_prefix("version ")
            .or_else(|| t.strip_prefix("version: "))
            .map(|v| v.trim().trim_matches('"'));
        if let (Some(v), Some((name, _, l))) = (version, current.as_ref()) {
            let mut p = pkg(name, None, *l);
            match non_registry(v) {
                Some(why) => p.unpinned = Some(why),
                None => p.version = Some(v.to_owned()),
            }
            out.push(p);
            current = None;
        }
    }
    finish(&mut current, &mut out);
    if !seen && !text.trim().is_empty() && !text.contains("__metadata") {
        return Err(at_line(file, 1, "no entry found: not a yarn.lock"));
    }
    Ok(out)
}

/// Berry protocols that are not the registry (`npm:` is).
fn berry_non_registry(spec: &str) -> Option<String> {
    for (proto, kind) in [
        ("workspace:", "a workspace"),
        ("link:", "a local path"),
        ("portal:", "a local path"),
        ("file:", "a local path"),
        ("patch:", "a patched package"),
        ("git", "a git"),
        ("github:", "a git"),
        ("exec:", "a generated package"),
    ] {
        if spec.starts_with(proto) || (proto == "git" && spec.contains(".git#")) {
            return Some(format!(
                "installed from {kind} source `{spec}`, not a released version"
            ));
        }
    }
    None
}

/// `pnpm-lock.yaml`: the keys of `packages:` — `/name/1.2.3` (v5), `/name@1.2.3` (v6),
/// `name@1.2.3` (v9), with a peer suffix `(peer@x)` or `_peer@x`; the `importers` (or the
/// root `dependencies`) name the direct ones.
pub(super) fn pnpm(file: &str, text: &str) -> Result<Vec<Package>, ParseError> {
    let mut version = None;
    let mut section = "";
    let mut direct = HashSet::new();
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 {
            let Some((k, v)) = line.split_once(':') else {
                return Err(at_line(file, n, format!("`{line}`: expected `key:`")));
            };
            section = match k {
                "packages" => "packages",
                "importers" => "importers",
                "dependencies" | "devDependencies" | "optionalDependencies" => "root-deps",
                "lockfileVersion" => {
                    version = Some(v.trim().trim_matches(['\'', '"']).to_owned());
                    ""
                }
                _ => "",
            };
            continue;
        }
        let key = line
            .trim()
            .strip_suffix(':')
            .map(|k| k.trim_matches(['\'', '"']));
        match section {
            "root-deps" if indent == 2 => {
                if let Some((k, _)) = line.trim().split_once(':') {
                    direct.insert(k.trim_matches(['\'', '"']).to_owned());
                }
            }
            "importers" if indent == 6 => {
                if let Some((k, _)) = line.trim().split_once(':') {
                    direct.insert(k.trim_matches(['\'', '"']).to_owned());
                }
            }
            "packages" if indent == 2 => {
                let Some(key) = key else {
                    return Err(at_line(
                        file,
                        n,
                        format!("`{}`: a package key ends with `:`", line.trim()),
                    ));
                };
                out.push(pnpm_key(key, n));
            }
            _ => {}
        }
    }
    if version.is_none() {
        return Err(at_line(
            file,
            1,
            "no `lockfileVersion`: not a pnpm-lock.yaml",
        ));
    }
    if !direct.is_empty() {
        for p in &mut out {
            p.direct = Some(direct.contains(&p.name));
        }
    }
    Ok(out)
}

fn pnpm_key(key: &str, line: u32) -> Package {
    if let Some(why) = non_registry(key)
        .or_else(|| {
            key.contains("@file:")
                .then(|| format!("`{key}` is a local package"))
        })
        .or_else(|| {
            key.contains("@link:")
                .then(|| format!("`{key}` is a local package"))
        })
    {
        let mut p = pkg(key, None, line);
        p.unpinned = Some(why);
        return p;
    }
    let k = key.strip_prefix('/').unwrap_or(key);
    // Drop the peer-dependency suffix: `(peer@1)` (v6, v9) or `_peer@1` (v5).
    let k = k.split('(').next().unwrap_or(k);
    // `name@version` (v6, v9): the last `@` after the first character.
    if let Some(i) = k.get(1..).and_then(|s| s.rfind('@')).map(|i| i + 1) {
        let (name, v) = (&k[..i], &k[i + 1..]);
        let slashes = name.matches('/').count();
        if (name.starts_with('@') && slashes == 1) || (!name.starts_with('@') && slashes == 0) {
            return pkg(name, Some(v.to_owned()), line);
        }
    }
    // `name/version` (v5), `@scope/name/version_peer@x`.
    let k = k.split('_').next().unwrap_or(k);
    match k.rsplit_once('/') {
        Some((name, v)) if !name.is_empty() => pkg(name, Some(v.to_owned()), line),
        _ => {
            let mut p = pkg(key, None, line);
            p.unpinned = Some(format!("`{key}` is not a registry package key"));
            p
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pnpm_keys_of_each_version() {
        let v = |k: &str| {
            let p = pnpm_key(k, 1);
            (p.name, p.version)
        };
        assert_eq!(
            v("/lodash/4.17.20"),
            ("lodash".into(), Some("4.17.20".into()))
        );
        assert_eq!(
            v("/@babel/core/7.12.3_supports-color@5.5.0"),
            ("@babel/core".into(), Some("7.12.3".into()))
        );
        assert_eq!(
            v("/lodash@4.17.20"),
            ("lodash".into(), Some("4.17.20".into()))
        );
        assert_eq!(
            v("/@babel/core@7.22.0(supports-color@5.5.0)"),
            ("@babel/core".into(), Some("7.22.0".into()))
        );
        assert_eq!(
            v("minimist@1.2.5"),
            ("minimist".into(), Some("1.2.5".into()))
        );
        assert!(
            pnpm_key("github.com/user/repo/abcdef", 1)
                .unpinned
                .is_some()
        );
    }

    #[test]
    fn yarn_descriptor_names() {
        assert_eq!(descriptor_name("lodash@^4.17.0"), "lodash");
        assert_eq!(descriptor_name("\"@babel/core@npm:^7.0.0\""), "@babel/core");
    }
}
