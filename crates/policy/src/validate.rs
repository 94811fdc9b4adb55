//! Validation against the action catalogue and the language's rules: what AWS would reject
//! and what does not do what its author meant.

use crate::catalogue::{self, GLOBAL_CONDITION_KEYS};
use crate::diag::Diagnostic;
use crate::policy::{Effect, Policy, PolicyKind, PrincipalType, Statement, did_you_mean};
use crate::wildcard;

const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
    "*",
];

/// Every validation diagnostic for `p` (the reading diagnostics are in `p.diagnostics`).
#[must_use]
pub fn validate(p: &Policy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut uses_variables = false;
    let mut sids: Vec<&str> = Vec::new();
    for s in &p.statements {
        if let Some(sid) = s.sid.as_deref() {
            if !sid.is_empty() && sids.contains(&sid) {
                out.push(Diagnostic::warning(
                    "duplicate-sid",
                    s.span,
                    format!("the Sid `{sid}` is used by more than one statement"),
                ));
            }
            sids.push(sid);
        }
        actions(s, &mut out);
        if let Some(r) = &s.resource {
            for item in &r.items {
                if item.value.contains("${") {
                    uses_variables = true;
                }
                if let Some(msg) = malformed_arn(&item.value) {
                    out.push(Diagnostic::error("malformed-arn", item.span, msg));
                }
            }
        }
        if let Some(pr) = &s.principal {
            if pr.negated && s.effect == Effect::Allow {
                out.push(Diagnostic::warning(
                    "not-principal-with-allow",
                    pr.span,
                    "`NotPrincipal` with `Allow` grants access to every principal not listed, anonymous users included",
                ));
            }
            for (t, v) in &pr.entries {
                if *t == PrincipalType::Aws
                    && v.value != "*"
                    && crate::eval::account_of(&v.value).is_none()
                {
                    out.push(Diagnostic::error(
                        "malformed-principal",
                        v.span,
                        format!(
                            "`{}` is neither `*`, a 12-digit account id nor an ARN",
                            v.value
                        ),
                    ));
                }
            }
        }
        for c in &s.conditions {
            if c.values.iter().any(|v| v.contains("${")) {
                uses_variables = true;
            }
            condition_key(c, &mut out);
        }
        resource_mismatch(s, &mut out);
    }
    if uses_variables && !p.variables_enabled() {
        let span = p.version.as_ref().map_or_else(
            || p.statements.first().map(|s| s.span).unwrap_or_default(),
            |v| v.span,
        );
        out.push(Diagnostic::error(
            "variables-need-version",
            span,
            "policy variables (`${...}`) are only substituted with `\"Version\": \"2012-10-17\"`; here they are literal text",
        ));
    } else if p.version.is_none() && !p.bare_statement && p.kind != PolicyKind::Auto {
        let span = p.statements.first().map(|s| s.span).unwrap_or_default();
        out.push(Diagnostic::warning(
            "missing-version",
            span,
            "no `Version`: add `\"Version\": \"2012-10-17\"`",
        ));
    }
    redundant(p, &mut out);
    out
}

fn malformed_arn(v: &str) -> Option<String> {
    if v == "*" {
        return None;
    }
    let Some(rest) = v.strip_prefix("arn:") else {
        return Some(format!(
            "`{v}` is not an ARN (ARNs start with `arn:`; use `*` for every resource)"
        ));
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    if parts.len() < 5 {
        return Some(format!(
            "`{v}` is not a complete ARN (`arn:partition:service:region:account:resource`)"
        ));
    }
    if !PARTITIONS
        .iter()
        .any(|p| wildcard::matches(parts[0], p, false))
        && !parts[0].contains("${")
    {
        return Some(format!("`{v}` names an unknown partition `{}`", parts[0]));
    }
    if parts[1].is_empty() {
        return Some(format!("`{v}` has no service"));
    }
    let account = parts[3];
    if !account.is_empty()
        && !wildcard::has_wildcard(account)
        && !account.contains("${")
        && account != "aws"
        && (account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some(format!(
            "`{v}` has an invalid account id `{account}` (12 digits expected)"
        ));
    }
    None
}

fn actions(s: &Statement, out: &mut Vec<Diagnostic>) {
    let c = catalogue::global();
    for a in &s.action.items {
        let v = a.value.as_str();
        if v == "*" {
            continue;
        }
        let Some((svc, name)) = v.split_once(':') else {
            out.push(Diagnostic::error(
                "malformed-action",
                a.span,
                format!("`{v}` is not an action (`service:Action` expected)"),
            ));
            continue;
        };
        if wildcard::has_wildcard(svc) {
            if !c.matches_any(v) {
                out.push(Diagnostic::error(
                    "unknown-action",
                    a.span,
                    format!("`{v}` matches no known action"),
                ));
            }
            continue;
        }
        let Some(service) = c.service(svc) else {
            let hint = did_you_mean(svc, c.services.iter().map(|s| s.prefix.as_str()))
                .map(|h| format!(" (did you mean `{h}`?)"))
                .unwrap_or_default();
            out.push(Diagnostic::error(
                "unknown-service",
                a.span,
                format!("unknown service prefix `{svc}`{hint}"),
            ));
            continue;
        };
        if !c.matches_any(v) {
            let names = c.actions[service.actions.clone()]
                .iter()
                .map(crate::catalogue::Action::name);
            let hint = if wildcard::has_wildcard(name) {
                String::new()
            } else {
                did_you_mean(name, names)
                    .map(|h| format!(" (did you mean `{}:{h}`?)", service.prefix))
                    .unwrap_or_default()
            };
            out.push(Diagnostic::error(
                "unknown-action",
                a.span,
                format!("`{v}` matches no action of `{}`{hint}", service.prefix),
            ));
        }
    }
}

fn condition_key(cond: &crate::policy::Condition, out: &mut Vec<Diagnostic>) {
    let c = catalogue::global();
    let key = cond.key.value.as_str();
    let Some((prefix, _)) = key.split_once(':') else {
        out.push(Diagnostic::warning(
            "unknown-condition-key",
            cond.key.span,
            format!("`{key}` is not a condition key (`prefix:name` expected)"),
        ));
        return;
    };
    let ty = c.condition_key_type(key);
    let Some(ty) = ty else {
        if prefix.eq_ignore_ascii_case("aws") {
            let hint = did_you_mean(key, GLOBAL_CONDITION_KEYS.iter().map(|(k, _)| *k))
                .map(|h| format!(" (did you mean `{h}`?)"))
                .unwrap_or_default();
            out.push(Diagnostic::warning(
                "unknown-condition-key",
                cond.key.span,
                format!("unknown global condition key `{key}`{hint}"),
            ));
        } else if c.service(prefix).is_some() {
            out.push(Diagnostic::warning(
                "unknown-condition-key",
                cond.key.span,
                format!("`{key}` is not a condition key of `{prefix}`"),
            ));
        }
        return;
    };
    let op = cond.operator.base.value_type();
    let base_ty = ty.strip_prefix("ArrayOf").unwrap_or(ty);
    let compatible = match op {
        "Null" => true,
        "String" => matches!(base_ty, "String" | "ARN"),
        "ARN" => matches!(base_ty, "ARN" | "String"),
        "Numeric" => base_ty == "Numeric",
        "Date" => matches!(base_ty, "Date" | "Numeric"),
        "Bool" => base_ty == "Bool",
        "IPAddress" => base_ty == "IPAddress",
        _ => true,
    };
    if !compatible {
        out.push(Diagnostic::warning(
            "condition-type-mismatch",
            cond.operator_span,
            format!(
                "`{}` compares {op} values but `{key}` is of type {ty}",
                cond.operator.name
            ),
        ));
    }
    let multi = ty.starts_with("ArrayOf");
    if multi
        && cond.operator.set.is_none()
        && cond.operator.base != crate::policy::OperatorBase::Null
    {
        out.push(Diagnostic::warning(
            "missing-set-qualifier",
            cond.operator_span,
            format!(
                "`{key}` is multi-valued: use `ForAllValues:` or `ForAnyValue:` with `{}`",
                cond.operator.name
            ),
        ));
    } else if !multi && cond.operator.set.is_some() {
        out.push(Diagnostic::warning(
            "needless-set-qualifier",
            cond.operator_span,
            format!("`{key}` is single-valued: `{}` (especially `ForAllValues:`, which is true when the key is absent) is likely a mistake", cond.operator.name),
        ));
    }
}

fn resource_mismatch(s: &Statement, out: &mut Vec<Diagnostic>) {
    let c = catalogue::global();
    let Some(r) = &s.resource else { return };
    if r.negated || s.action.negated || r.items.iter().any(|x| x.value == "*") {
        return;
    }
    let patterns: Vec<String> = r
        .items
        .iter()
        .map(|x| crate::wildcard_vars(&x.value))
        .collect();
    // Whether a resource type of a service can match one of the statement's resources, computed
    // once per type: wildcard actions expand to hundreds of actions sharing a few types.
    let mut type_matches: std::collections::HashMap<(usize, usize), bool> =
        std::collections::HashMap::new();
    for a in &s.action.items {
        let expanded = c.expand(&a.value);
        if expanded.is_empty() {
            continue;
        }
        let mut usable = false;
        for act in expanded.iter().filter_map(|i| c.actions.get(*i)) {
            let Some(svc) = c.services.get(act.service) else {
                usable = true;
                break;
            };
            for (t, _) in &act.resource_types {
                let hit = *type_matches.entry((act.service, *t)).or_insert_with(|| {
                    svc.resource_types.get(*t).is_none_or(|rt| {
                        rt.arn.is_empty()
                            || patterns
                                .iter()
                                .any(|p| wildcard::intersects(p, &rt.glob, false))
                    })
                });
                if hit {
                    usable = true;
                    break;
                }
            }
            if usable {
                break;
            }
        }
        if !usable {
            let what = match expanded.as_slice() {
                [one] => c.actions.get(*one).map_or(String::new(), |act| {
                    let svc = c.services.get(act.service);
                    let types: Vec<String> = act
                        .resource_types
                        .iter()
                        .filter_map(|(t, _)| svc.and_then(|s| s.resource_types.get(*t)).map(|rt| rt.key.clone()))
                        .collect();
                    if types.is_empty() {
                        " (it supports no resource-level permissions: it needs `\"Resource\": \"*\"`)".to_owned()
                    } else {
                        format!(" (it acts on: {})", types.join(", "))
                    }
                }),
                _ => String::new(),
            };
            out.push(Diagnostic::warning(
                "action-resource-mismatch",
                a.span,
                format!("`{}` can act on none of the statement's resources, so the statement grants nothing for it{what}", a.value),
            ));
        }
    }
}

fn covers_all(outer: &[String], inner: &[String], fold: bool) -> bool {
    inner
        .iter()
        .all(|i| outer.iter().any(|o| wildcard::covers(o, i, fold)))
}

fn redundant(p: &Policy, out: &mut Vec<Diagnostic>) {
    let lists: Vec<(Vec<String>, Vec<String>)> = p
        .statements
        .iter()
        .map(|s| {
            (
                s.action.items.iter().map(|x| x.value.clone()).collect(),
                s.resource
                    .as_ref()
                    .map(|r| r.items.iter().map(|x| x.value.clone()).collect())
                    .unwrap_or_else(|| vec!["*".into()]),
            )
        })
        .collect();
    for (i, a) in p.statements.iter().enumerate() {
        for (j, b) in p.statements.iter().enumerate() {
            if i == j || a.effect != b.effect || a.action.negated || b.action.negated {
                continue;
            }
            if a.resource.as_ref().is_some_and(|r| r.negated)
                || b.resource.as_ref().is_some_and(|r| r.negated)
            {
                continue;
            }
            if a.principal != b.principal || !b.conditions.is_empty() || !a.conditions.is_empty() {
                continue;
            }
            let (aa, ar) = &lists[i];
            let (ba, br) = &lists[j];
            // Resource lists are short: test them first, and the reverse only when needed.
            let a_in_b = covers_all(br, ar, false) && covers_all(ba, aa, true);
            if !a_in_b {
                continue;
            }
            let b_in_a = covers_all(ar, br, false) && covers_all(aa, ba, true);
            // Report the later of two identical statements once, and any statement contained in
            // another.
            if a_in_b && (!b_in_a || j < i) {
                out.push(Diagnostic::warning(
                    "redundant-statement",
                    a.span,
                    format!("statement {} adds nothing: statement {} already covers its actions and resources", a.label(), b.label()),
                ));
                break;
            }
        }
    }
}
