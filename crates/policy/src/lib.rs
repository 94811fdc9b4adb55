//! The IAM policy language: parse (with positions), validate (against the action catalogue),
//! evaluate (AWS's decision logic, with the deciding statements) and analyse (effective
//! permissions, Allows cancelled by Denies, broad and wildcard grants, privilege escalation,
//! public and cross-account access).
//!
//! No AWS SDK: policies come in as text or JSON values, answers go out as values.
//!
//! ```
//! use rampart_policy::{parse_text, PolicyKind, eval::{Request, RequestContext, Decision}};
//! let p = parse_text(r#"{"Version":"2012-10-17","Statement":[
//!     {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#, PolicyKind::Identity)
//!     .policy.expect("valid JSON");
//! let ctx = RequestContext::new();
//! let req = Request { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principal: None, context: &ctx };
//! assert_eq!(rampart_policy::eval::evaluate_policy("p", &p, &req).decision, Decision::Allow);
//! ```

pub mod analysis;
pub mod audit;
pub mod batch;
pub mod catalogue;
pub mod diag;
pub mod escalate;
pub mod eval;
pub mod json;
pub mod managed;
pub mod policy;
pub mod validate;
pub mod wildcard;

pub use diag::{Diagnostic, Level};
pub use json::Span;
pub use policy::{
    Effect, ParseOutcome, Policy, PolicyKind, Statement, parse_document, parse_text, parse_value,
};

/// Reads and validates policy text: every diagnostic, reading and validation, in source order.
#[must_use]
pub fn lint_text(text: &str, kind: PolicyKind) -> (Option<Policy>, Vec<Diagnostic>) {
    let outcome = parse_text(text, kind);
    finish(outcome)
}

/// Reads and validates a policy held as a JSON value (an Inventory document).
#[must_use]
pub fn lint_value(
    value: &serde_json::Value,
    kind: PolicyKind,
) -> (Option<Policy>, Vec<Diagnostic>) {
    finish(parse_value(value, kind))
}

/// Reads and validates an Inventory document held as its compact JSON text
/// (`rampart_model::PolicyDocument`): the same answer as [`lint_value`] on its value.
#[must_use]
pub fn lint_document(json_text: &str, kind: PolicyKind) -> (Option<Policy>, Vec<Diagnostic>) {
    finish(parse_document(json_text, kind))
}

fn finish(outcome: ParseOutcome) -> (Option<Policy>, Vec<Diagnostic>) {
    let mut diags = outcome.diagnostics;
    if let Some(p) = &outcome.policy {
        diags.extend(validate::validate(p));
    }
    diags.sort_by_key(|d| (d.span.line, d.span.column));
    (outcome.policy, diags)
}

/// A resource pattern with policy variables replaced by `*` (for comparisons that cannot know
/// the variables' values).
#[must_use]
pub fn wildcard_vars(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        out.push('*');
        rest = rest[i..].find('}').map_or("", |j| &rest[i + j + 1..]);
    }
    out.push_str(rest);
    out
}
