//! `rampart policy lint FILE...` and `rampart policy eval FILE --action A --resource R`: IAM,
//! bucket, key and trust policies on their own, judged by the `rampart-policy` engine.
//!
//! Lint findings carry the check codes of the Inventory checks that make the same judgment
//! (IAM-100…, S3-100, S3-101, KMS-100), so a policy linted in CI and the same policy found in an
//! account are reported alike.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use rampart_checks::registry;
use rampart_model::{Finding, InputInfo, Location, Severity, Status};
use rampart_policy::audit::{self, Issue};
use rampart_policy::policy::{Effect, PrincipalType};
use rampart_policy::{Level, Policy, PolicyKind, Span};
use serde_json::json;

use crate::Outcome;
use crate::output::OutputArgs;

/// Arguments of `rampart policy`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Validate and audit policy documents (identity, bucket, key, trust, boundary, SCP).
    Lint(LintArgs),
    /// Decide a request (one policy file, every policy type by flag, or a batch with
    /// `--requests`): the decision, the policy types that blocked it, the deciding statements.
    Eval(Box<super::eval::EvalArgs>),
}

/// The policy kinds accepted by `--kind`.
const KINDS: [&str; 8] = [
    "auto", "identity", "resource", "key", "trust", "boundary", "scp", "session",
];

pub(crate) fn kind(name: &str) -> PolicyKind {
    match name {
        "identity" => PolicyKind::Identity,
        "resource" => PolicyKind::Resource,
        "key" => PolicyKind::Key,
        "trust" => PolicyKind::Trust,
        "boundary" => PolicyKind::Boundary,
        "scp" => PolicyKind::Scp,
        "session" => PolicyKind::Session,
        _ => PolicyKind::Auto,
    }
}

/// Arguments of `rampart policy lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Policy files (JSON).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The kind of policy (`auto`: statements with a Principal are resource or trust policies).
    #[arg(long, default_value = "auto", value_parser = KINDS)]
    kind: String,
    /// The account that owns the policies (to tell cross-account principals from local ones).
    #[arg(long)]
    account: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Runs `rampart policy`.
pub fn run(args: &PolicyArgs) -> anyhow::Result<Outcome> {
    match &args.command {
        PolicyCommand::Lint(a) => lint(a),
        PolicyCommand::Eval(a) => super::eval::run(a),
    }
}

struct FileFindings<'a> {
    file: String,
    out: &'a mut Vec<Finding>,
    /// When passes are not listed: their count per check instead of findings.
    passes: Option<&'a mut std::collections::BTreeMap<String, usize>>,
    /// One remediation per check, shared by its findings.
    fixes:
        &'a mut std::collections::HashMap<&'static str, std::sync::Arc<rampart_model::Remediation>>,
}

impl FileFindings<'_> {
    fn push(
        &mut self,
        code: &str,
        status: Status,
        message: String,
        span: Span,
        evidence: serde_json::Map<String, serde_json::Value>,
    ) -> Option<&mut Finding> {
        let check = registry::by_code(code)?;
        let m = check.meta();
        if status == Status::Pass
            && let Some(passes) = self.passes.as_deref_mut()
        {
            match passes.get_mut(m.code) {
                Some(n) => *n += 1,
                None => {
                    passes.insert(m.code.to_owned(), 1);
                }
            }
            return None;
        }
        let location = Location {
            file: self.file.clone(),
            line: span.is_located().then_some(span.line),
            column: span.is_located().then_some(span.column),
        };
        self.out.push(Finding {
            check: m.code.to_owned(),
            name: m.name.to_owned(),
            controls: m.controls.iter().map(|c| (*c).to_owned()).collect(),
            severity: m.severity,
            status,
            resource: self.file.clone(),
            account: None,
            region: None,
            message,
            evidence: evidence.into_iter().collect(),
            location: Some(location),
            remediation: std::sync::Arc::clone(
                self.fixes
                    .entry(m.code)
                    .or_insert_with(|| std::sync::Arc::new(m.remediation.to_model())),
            ),
            waiver_reason: None,
        });
        self.out.last_mut()
    }

    /// A failure per issue, or one pass when there is none.
    fn judge(&mut self, code: &str, issues: Vec<Issue>, ok: &str) {
        if issues.is_empty() {
            self.push(
                code,
                Status::Pass,
                ok.to_owned(),
                Span::default(),
                serde_json::Map::new(),
            );
        }
        for i in issues {
            self.push(code, Status::Fail, i.message, i.span, i.evidence);
        }
    }
}

/// Which account a policy belongs to: `--account`, else the first account id in its ARNs.
fn owner_of(policy: &Policy, given: Option<&str>) -> String {
    if let Some(a) = given {
        return a.to_owned();
    }
    policy
        .statements
        .iter()
        .flat_map(|s| s.resource.iter().flat_map(|r| r.items.iter()))
        .find_map(|r| {
            rampart_policy::eval::account_of(&r.value)
                .filter(|a| a.bytes().all(|b| b.is_ascii_digit()))
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

fn bucket_of(policy: &Policy) -> Option<String> {
    policy
        .statements
        .iter()
        .flat_map(|s| s.resource.iter().flat_map(|r| r.items.iter()))
        .find_map(|r| {
            let name = r.value.strip_prefix("arn:aws:s3:::")?.split('/').next()?;
            (!name.is_empty() && !name.contains('*')).then(|| format!("arn:aws:s3:::{name}"))
        })
}

fn mentions_service(policy: &Policy, prefix: &str) -> bool {
    policy
        .statements
        .iter()
        .flat_map(|s| s.action.items.iter())
        .any(|a| {
            let v = a.value.to_ascii_lowercase();
            v == "*" || v.starts_with(&format!("{prefix}:"))
        })
}

fn audit_policy(f: &mut FileFindings<'_>, policy: &Policy, account: Option<&str>) {
    match policy.kind {
        PolicyKind::Resource => {
            let owner = owner_of(policy, account);
            if mentions_service(policy, "s3") {
                f.judge(
                    "S3-100",
                    audit::public_access(policy, &owner),
                    "no statement grants access to everyone without a limiting condition",
                );
                if let Some(bucket) = bucket_of(policy) {
                    if audit::denies_plain_http(policy, &bucket) {
                        f.push(
                            "S3-101",
                            Status::Pass,
                            format!("the policy denies requests to `{bucket}` without TLS"),
                            Span::default(),
                            serde_json::Map::new(),
                        );
                    } else {
                        f.push("S3-101", Status::Fail, format!("the policy does not deny requests to `{bucket}` without TLS (`aws:SecureTransport`)"), Span::default(), serde_json::Map::new());
                    }
                }
            }
        }
        PolicyKind::Key => {
            let owner = owner_of(policy, account);
            let mut issues = audit::public_access(policy, &owner);
            for s in policy.statements_with(Effect::Allow) {
                let full = !s.action.negated
                    && s.action
                        .items
                        .iter()
                        .any(|a| a.value == "*" || a.value.eq_ignore_ascii_case("kms:*"));
                let Some(pr) = &s.principal else { continue };
                if !full || pr.is_everyone() {
                    continue;
                }
                let others: Vec<&str> = pr
                    .entries
                    .iter()
                    .filter(|(t, v)| {
                        *t == PrincipalType::Aws
                            && !v.value.ends_with(":root")
                            && !(v.value.len() == 12 && v.value.bytes().all(|b| b.is_ascii_digit()))
                    })
                    .map(|(_, v)| v.value.as_str())
                    .collect();
                if !others.is_empty() {
                    let mut evidence = serde_json::Map::new();
                    evidence.insert("statement".into(), s.to_json());
                    issues.push(Issue {
                        control: "ENC-5",
                        message: format!("statement {} gives `kms:*` to {}: keep key administration to named administrators", s.label(), others.join(", ")),
                        span: s.span,
                        evidence,
                    });
                }
            }
            f.judge("KMS-100", issues, "the key policy is restrictive");
        }
        PolicyKind::Trust => {
            let owner = owner_of(policy, account);
            f.judge(
                "IAM-112",
                audit::public_access(policy, &owner),
                "the role can be assumed only by named principals or under limiting conditions",
            );
        }
        _ => {
            // Effective permissions are the costly part of linting: compute them once.
            let effective = audit::effective_of(policy);
            f.judge(
                "IAM-100",
                audit::full_access(policy),
                "no Allow grants every action or a whole service",
            );
            f.judge(
                "IAM-101",
                audit::wildcard_resource(policy),
                "scopable actions are limited to named resources",
            );
            f.judge(
                "IAM-102",
                audit::cancelled_allows_in(policy, &effective),
                "no Deny cancels the policy's own Allows",
            );
            f.judge(
                "IAM-108",
                audit::secret_reads(policy),
                "secret reads, if any, are scoped to named secrets",
            );
            f.judge(
                "IAM-109",
                audit::escalation_in(policy, &effective),
                "the policy opens none of the known privilege-escalation methods",
            );
            let destroying = audit::history_destroying(&effective);
            if destroying.is_empty() {
                f.push(
                    "IAM-105",
                    Status::Pass,
                    "the policy cannot destroy S3 history".into(),
                    Span::default(),
                    serde_json::Map::new(),
                );
            } else {
                let mut evidence = serde_json::Map::new();
                evidence.insert("actions".into(), json!(destroying));
                f.push(
                    "IAM-105",
                    Status::Fail,
                    format!(
                        "the policy allows actions that destroy S3 history: {}",
                        destroying.join(", ")
                    ),
                    Span::default(),
                    evidence,
                );
            }
        }
    }
}

fn lint(args: &LintArgs) -> anyhow::Result<Outcome> {
    let mut findings = Vec::new();
    // Passes are half the results of a lint: count them unless the report lists them.
    let mut passes = std::collections::BTreeMap::new();
    let mut fixes = std::collections::HashMap::new();
    let mut inputs = Vec::new();
    let mut linted = 0usize;
    let mut unreadable = Vec::new();
    for path in &args.files {
        let file = path.display().to_string();
        let text = match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    unreadable.push(format!("{file}: not UTF-8 text"));
                    continue;
                }
            },
            Err(e) => {
                unreadable.push(format!("{file}: {e}"));
                continue;
            }
        };
        linted += 1;
        inputs.push(InputInfo {
            kind: "policy".into(),
            source: file.clone(),
        });
        let (policy, diags) = rampart_policy::lint_text(&text, kind(&args.kind));
        let mut f = FileFindings {
            file: file.clone(),
            out: &mut findings,
            passes: (!args.output.include_passed).then_some(&mut passes),
            fixes: &mut fixes,
        };
        let errors = diags.iter().filter(|d| d.level == Level::Error).count();
        for d in &diags {
            let mut evidence = serde_json::Map::new();
            evidence.insert("diagnostic".into(), json!(d.code));
            evidence.insert("level".into(), json!(d.level));
            let message = match d.level {
                Level::Error => d.message.clone(),
                Level::Warning => format!("warning: {}", d.message),
            };
            if let Some(finding) = f.push("IAM-111", Status::Fail, message, d.span, evidence)
                && d.level == Level::Warning
            {
                finding.severity = Severity::Low;
            }
        }
        if errors == 0 {
            f.push(
                "IAM-111",
                Status::Pass,
                "the policy is valid".into(),
                Span::default(),
                serde_json::Map::new(),
            );
        }
        if let Some(p) = &policy {
            audit_policy(&mut f, p, args.account.as_deref());
        }
    }
    for u in &unreadable {
        eprintln!("rampart: cannot read {u}");
    }
    if linted == 0 {
        anyhow::bail!(
            "no policy could be read ({} file(s) given)",
            args.files.len()
        );
    }
    let checks_run = {
        let mut codes: Vec<&str> = findings
            .iter()
            .map(|f| f.check.as_str())
            .chain(passes.keys().map(String::as_str))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes.len()
    };
    let (_, config_path) = args.output.config()?;
    let mut report = crate::output::report(
        inputs,
        None,
        findings,
        Vec::new(),
        checks_run,
        linted,
        config_path,
    );
    report.passes_not_listed = passes;
    args.output.emit(report)
}
