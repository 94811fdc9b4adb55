//! Terraform's built-in functions, as far as they matter for security settings.
//!
//! An argument that is unknown makes the result unknown (except where the function's meaning
//! allows otherwise, as `coalesce` skipping nulls); a function not implemented here is unknown.

use std::collections::BTreeMap;

use base64::Engine as _;

use super::eval::Scope;
use crate::value::{Value, format_number};

#[allow(clippy::too_many_lines)]
pub(crate) fn call(scope: &Scope, name: &str, args: Vec<Value>) -> Value {
    // Functions that tolerate unknown arguments.
    match name {
        "coalesce" => {
            for a in &args {
                match a {
                    Value::Unknown => return Value::Unknown,
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    v => return v.clone(),
                }
            }
            return Value::Null;
        }
        "coalescelist" => {
            for a in &args {
                match a {
                    Value::Unknown => return Value::Unknown,
                    Value::List(l) if !l.is_empty() => return a.clone(),
                    _ => {}
                }
            }
            return Value::List(Vec::new());
        }
        "sensitive" | "nonsensitive" | "tostring" | "tonumber" | "tobool" | "tolist" | "toset"
        | "tomap" => {
            let v = args.into_iter().next().unwrap_or(Value::Null);
            return match name {
                "tostring" => match &v {
                    Value::Number(_) | Value::Bool(_) => {
                        Value::str(v.as_string().unwrap_or_default())
                    }
                    _ => v,
                },
                "tonumber" => match &v {
                    Value::String(s) => s.trim().parse().map_or(Value::Unknown, Value::Number),
                    _ => v,
                },
                "tobool" => v.as_bool().map_or(v, Value::Bool),
                "toset" => match v {
                    Value::List(l) => Value::List(dedup(l)),
                    other => other,
                },
                _ => v,
            };
        }
        _ => {}
    }
    if args.iter().any(Value::is_unknown) {
        return Value::Unknown;
    }
    builtin(scope, name, &args).unwrap_or(Value::Unknown)
}

#[allow(clippy::too_many_lines, clippy::cast_possible_truncation)]
fn builtin(scope: &Scope, name: &str, args: &[Value]) -> Option<Value> {
    let s = |i: usize| args.get(i).and_then(Value::as_string);
    let n = |i: usize| args.get(i).and_then(Value::as_f64);
    let list = |i: usize| match args.get(i) {
        Some(Value::List(l)) => Some(l.clone()),
        _ => None,
    };
    match name {
        "merge" => {
            let mut out = BTreeMap::new();
            for a in args {
                match a {
                    Value::Map(m) => out.extend(m.clone()),
                    Value::Null => {}
                    _ => return None,
                }
            }
            Some(Value::Map(out))
        }
        "lookup" => match args.first() {
            Some(Value::Map(m)) => {
                s(1).and_then(|k| m.get(&k).cloned().or_else(|| args.get(2).cloned()))
            }
            _ => args.get(2).cloned(),
        },
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                match a {
                    Value::List(l) => out.extend(l.iter().cloned()),
                    Value::Null => {}
                    _ => return None,
                }
            }
            Some(Value::List(out))
        }
        "flatten" => args.first().map(|v| Value::List(flatten(v))),
        "length" => match args.first() {
            #[allow(clippy::cast_precision_loss)]
            Some(Value::List(l)) => Some(Value::Number(l.len() as f64)),
            #[allow(clippy::cast_precision_loss)]
            Some(Value::Map(m)) => Some(Value::Number(
                m.keys().filter(|k| !k.starts_with('@')).count() as f64,
            )),
            #[allow(clippy::cast_precision_loss)]
            Some(Value::String(t)) => Some(Value::Number(t.chars().count() as f64)),
            _ => None,
        },
        "element" => list(0).and_then(|l| {
            let i = usize::try_from(n(1)?.max(0.0) as i64).ok()?;
            if l.is_empty() {
                None
            } else {
                l.get(i % l.len()).cloned()
            }
        }),
        "index" => list(0).and_then(|l| {
            let target = args.get(1)?;
            #[allow(clippy::cast_precision_loss)]
            l.iter()
                .position(|v| v == target)
                .map(|i| Value::Number(i as f64))
        }),
        "keys" => match args.first() {
            Some(Value::Map(m)) => Some(Value::List(
                m.keys()
                    .filter(|k| !k.starts_with('@'))
                    .map(|k| Value::str(k.clone()))
                    .collect(),
            )),
            _ => None,
        },
        "values" => match args.first() {
            Some(Value::Map(m)) => Some(Value::List(
                m.iter()
                    .filter(|(k, _)| !k.starts_with('@'))
                    .map(|(_, v)| v.clone())
                    .collect(),
            )),
            _ => None,
        },
        "zipmap" => match (list(0), list(1)) {
            (Some(k), Some(v)) => Some(Value::Map(
                k.iter().filter_map(Value::as_string).zip(v).collect(),
            )),
            _ => None,
        },
        "contains" => match (list(0), args.get(1)) {
            (Some(l), Some(v)) => Some(Value::Bool(l.contains(v))),
            _ => None,
        },
        "distinct" => list(0).map(|l| Value::List(dedup(l))),
        "compact" => list(0).map(|l| {
            Value::List(
                l.into_iter()
                    .filter(|v| !v.is_null() && v.as_str() != Some(""))
                    .collect(),
            )
        }),
        "reverse" => list(0).map(|mut l| {
            l.reverse();
            Value::List(l)
        }),
        "sort" => list(0).map(|l| {
            let mut v: Vec<String> = l.iter().filter_map(Value::as_string).collect();
            v.sort();
            Value::List(v.into_iter().map(Value::String).collect())
        }),
        "slice" => list(0).and_then(|l| {
            let a = usize::try_from(n(1)? as i64).ok()?;
            let b = usize::try_from(n(2)? as i64).ok()?;
            l.get(a..b).map(|x| Value::List(x.to_vec()))
        }),
        "one" => list(0).map(|l| l.into_iter().next().unwrap_or(Value::Null)),
        "alltrue" => list(0).map(|l| Value::Bool(l.iter().all(|v| v.as_bool() == Some(true)))),
        "anytrue" => list(0).map(|l| Value::Bool(l.iter().any(|v| v.as_bool() == Some(true)))),
        "setunion" => {
            let mut out = Vec::new();
            for a in args {
                out.extend(a.items().into_iter().cloned());
            }
            Some(Value::List(dedup(out)))
        }
        "setproduct" if args.len() == 2 => match (list(0), list(1)) {
            (Some(a), Some(b)) => Some(Value::List(
                a.iter()
                    .flat_map(|x| {
                        b.iter()
                            .map(move |y| Value::List(vec![x.clone(), y.clone()]))
                    })
                    .collect(),
            )),
            _ => None,
        },
        "range" => {
            let (start, end, step) = match args.len() {
                1 => (0.0, n(0)?, 1.0),
                2 => (n(0)?, n(1)?, 1.0),
                _ => (n(0)?, n(1)?, n(2)?),
            };
            if step == 0.0 || ((end - start) / step) > 1024.0 {
                return None;
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(Value::Number(x));
                x += step;
            }
            Some(Value::List(out))
        }
        "min" | "max" => {
            let nums: Option<Vec<f64>> = args
                .iter()
                .flat_map(Value::items)
                .map(Value::as_f64)
                .collect();
            nums.and_then(|v| {
                v.into_iter()
                    .reduce(|a, b| if (name == "min") == (a < b) { a } else { b })
            })
            .map(Value::Number)
        }
        "abs" => n(0).map(|x| Value::Number(x.abs())),
        "ceil" => n(0).map(|x| Value::Number(x.ceil())),
        "floor" => n(0).map(|x| Value::Number(x.floor())),
        "parseint" => s(0).and_then(|t| {
            let base = u32::try_from(n(1)? as i64).ok()?;
            #[allow(clippy::cast_precision_loss)]
            i64::from_str_radix(&t, base)
                .ok()
                .map(|v| Value::Number(v as f64))
        }),
        "lower" => s(0).map(|t| Value::String(t.to_lowercase())),
        "upper" => s(0).map(|t| Value::String(t.to_uppercase())),
        "title" => s(0).map(|t| {
            let mut c = t.chars();
            Value::String(
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default(),
            )
        }),
        "trimspace" => s(0).map(|t| Value::String(t.trim().to_owned())),
        "trim" => s(0)
            .zip(s(1))
            .map(|(t, c)| Value::String(t.trim_matches(|x| c.contains(x)).to_owned())),
        "trimprefix" => s(0)
            .zip(s(1))
            .map(|(t, p)| Value::String(t.strip_prefix(&p).unwrap_or(&t).to_owned())),
        "trimsuffix" => s(0)
            .zip(s(1))
            .map(|(t, p)| Value::String(t.strip_suffix(&p).unwrap_or(&t).to_owned())),
        "startswith" => s(0).zip(s(1)).map(|(t, p)| Value::Bool(t.starts_with(&p))),
        "endswith" => s(0).zip(s(1)).map(|(t, p)| Value::Bool(t.ends_with(&p))),
        "strcontains" => s(0).zip(s(1)).map(|(t, p)| Value::Bool(t.contains(&p))),
        "substr" => s(0).and_then(|t| {
            let off = usize::try_from(n(1)? as i64).ok()?;
            let len = n(2)? as i64;
            let chars: Vec<char> = t.chars().collect();
            let end = if len < 0 {
                chars.len()
            } else {
                (off + usize::try_from(len).ok()?).min(chars.len())
            };
            chars
                .get(off..end)
                .map(|c| Value::String(c.iter().collect()))
        }),
        "join" => match (s(0), list(1)) {
            (Some(sep), Some(l)) => {
                let mut parts = Vec::new();
                for a in args.iter().skip(1) {
                    for v in a.items() {
                        parts.push(v.as_string()?);
                    }
                }
                let _ = l;
                Some(Value::String(parts.join(&sep)))
            }
            _ => None,
        },
        "split" => s(0).zip(s(1)).map(|(sep, t)| {
            Value::List(
                t.split(sep.as_str())
                    .map(|p| Value::str(p.to_owned()))
                    .collect(),
            )
        }),
        "replace" => match (s(0), s(1), s(2)) {
            (Some(t), Some(from), Some(to)) => {
                if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                    let re = regex::Regex::new(&from[1..from.len() - 1]).ok()?;
                    Some(Value::String(
                        re.replace_all(&t, to.replace("$", "$$").as_str())
                            .into_owned(),
                    ))
                } else {
                    Some(Value::String(t.replace(&from, &to)))
                }
            }
            _ => None,
        },
        "regex" => match (s(0), s(1)) {
            (Some(re), Some(t)) => {
                let re = regex::Regex::new(&re).ok()?;
                let caps = re.captures(&t)?;
                if caps.len() == 1 {
                    caps.get(0).map(|m| Value::str(m.as_str()))
                } else {
                    Some(Value::List(
                        caps.iter()
                            .skip(1)
                            .map(|m| m.map_or(Value::Null, |m| Value::str(m.as_str())))
                            .collect(),
                    ))
                }
            }
            _ => None,
        },
        "format" => s(0)
            .and_then(|f| format(&f, args.get(1..).unwrap_or_default()))
            .map(Value::String),
        "formatlist" => {
            let f = s(0)?;
            let rest = args.get(1..).unwrap_or_default();
            let len = rest
                .iter()
                .filter_map(|a| {
                    if let Value::List(l) = a {
                        Some(l.len())
                    } else {
                        None
                    }
                })
                .max()
                .unwrap_or(1);
            let mut out = Vec::new();
            for i in 0..len {
                let row: Vec<Value> = rest
                    .iter()
                    .map(|a| match a {
                        Value::List(l) => l.get(i).cloned().unwrap_or(Value::Null),
                        other => other.clone(),
                    })
                    .collect();
                out.push(Value::String(format(&f, &row)?));
            }
            Some(Value::List(out))
        }
        "jsonencode" => args.first().map(|v| Value::String(v.to_json().to_string())),
        "jsondecode" => s(0)
            .and_then(|t| serde_json::from_str(&t).ok())
            .map(|j| Value::from_json(&j)),
        "yamldecode" => None,
        "base64encode" => {
            s(0).map(|t| Value::String(base64::engine::general_purpose::STANDARD.encode(t)))
        }
        "base64decode" => s(0)
            .and_then(|t| {
                base64::engine::general_purpose::STANDARD
                    .decode(t.trim())
                    .ok()
            })
            .and_then(|b| String::from_utf8(b).ok())
            .map(Value::String),
        "file" => s(0).and_then(|p| read_file(scope, &p)).map(Value::String),
        "fileexists" => s(0).map(|p| Value::Bool(read_file(scope, &p).is_some())),
        "templatefile" => {
            let text = read_file(scope, &s(0)?)?;
            let vars = match args.get(1) {
                Some(Value::Map(m)) => m.clone(),
                _ => BTreeMap::new(),
            };
            let tpl: hcl::template::Template = text.parse().ok()?;
            Some(scope.template(&tpl, &vars, 0))
        }
        "cidrsubnet" => cidrsubnet(&s(0)?, n(1)?, n(2)?).map(Value::String),
        "cidrhost" => None,
        _ => None,
    }
}

fn read_file(scope: &Scope, p: &str) -> Option<String> {
    let path = std::path::Path::new(p);
    let full = if path.is_absolute() {
        path.to_path_buf()
    } else {
        scope.dir.join(path)
    };
    // Resolve relative to the module, then to the working directory (path.module is already
    // part of most paths).
    let meta = std::fs::metadata(&full)
        .or_else(|_| std::fs::metadata(path))
        .ok()?;
    if meta.len() > 4 * 1024 * 1024 {
        return None;
    }
    std::fs::read_to_string(&full)
        .or_else(|_| std::fs::read_to_string(path))
        .ok()
}

fn dedup(l: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for v in l {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn flatten(v: &Value) -> Vec<Value> {
    match v {
        Value::List(l) => l.iter().flat_map(flatten).collect(),
        other => vec![other.clone()],
    }
}

fn format(f: &str, args: &[Value]) -> Option<String> {
    let mut out = String::new();
    let mut it = args.iter();
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // Skip flags and width.
        let mut spec = String::new();
        while let Some(&p) = chars.peek() {
            if p.is_ascii_digit() || matches!(p, '-' | '+' | '#' | ' ' | '.') {
                spec.push(p);
                chars.next();
            } else {
                break;
            }
        }
        match chars.next()? {
            '%' => out.push('%'),
            'q' => out.push_str(&serde_json::Value::String(it.next()?.as_string()?).to_string()),
            'd' => out.push_str(&format_number(it.next()?.as_f64()?.trunc())),
            'v' | 's' | 't' | 'f' | 'g' | 'e' => {
                let v = it.next()?;
                match v {
                    Value::List(_) | Value::Map(_) => out.push_str(&v.to_json().to_string()),
                    other => out.push_str(&other.as_string()?),
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

fn cidrsubnet(prefix: &str, newbits: f64, netnum: f64) -> Option<String> {
    let (addr, len) = prefix.split_once('/')?;
    let ip: std::net::Ipv4Addr = addr.parse().ok()?;
    let len: u32 = len.parse().ok()?;
    let newbits = u32::try_from(newbits as i64).ok()?;
    let netnum = u32::try_from(netnum as i64).ok()?;
    let new_len = len.checked_add(newbits).filter(|l| *l <= 32)?;
    let base = u32::from(ip) & if len == 0 { 0 } else { u32::MAX << (32 - len) };
    let shift = 32 - new_len;
    let addr = base | netnum.checked_shl(shift)?;
    Some(format!("{}/{}", std::net::Ipv4Addr::from(addr), new_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_and_cidrsubnet() {
        assert_eq!(
            format(
                "%s-%d %q %%",
                &[Value::str("a"), Value::Number(3.0), Value::str("x")]
            )
            .as_deref(),
            Some("a-3 \"x\" %")
        );
        assert_eq!(
            cidrsubnet("10.0.0.0/16", 8.0, 2.0).as_deref(),
            Some("10.0.2.0/24")
        );
    }
}
