//! IAM-113 `application-without-deny-guardrails`: an application principal can change data in a
//! service, and none of its policies sets an explicit Deny for that service (nor does a
//! permissions boundary limit it).

use std::collections::BTreeSet;

use rampart_policy::catalogue::{self, AccessLevel};
use rampart_policy::policy::Effect;

use super::common;
use crate::prelude::*;

/// The services that hold an application's data: where a leaked credential does the damage a
/// guardrail is for.
const DATA_SERVICES: &[&str] = &[
    "s3",
    "dynamodb",
    "sqs",
    "sns",
    "secretsmanager",
    "ssm",
    "kms",
    "rds",
    "kinesis",
    "elasticfilesystem",
    "backup",
];

/// Allows say what an application may do; explicit Denies say what it must never do, whatever
/// another policy later allows. The CHECKLIST asks for such guardrails on every service the
/// workload uses (and, through IAM-102, that they do not cancel the policy's own Allows).
pub struct ApplicationWithoutDenyGuardrails;

static META: CheckMeta = CheckMeta {
    code: "IAM-113",
    name: "application-without-deny-guardrails",
    title: "An application principal has no Deny guardrail on the data services it can change",
    severity: Severity::Low,
    controls: &["IAM-3"],
    inputs: &[
        Input::Live,
        Input::Snapshot,
        Input::Terraform,
        Input::CloudFormation,
    ],
    compliance: &[],
    needs: &[
        data::IAM_POLICIES,
        data::IAM_USERS,
        data::IAM_GROUPS,
        data::IAM_ROLES,
        data::IAM_ACCESS_KEYS,
    ],
    rationale: "An application's Allows grow over time, often by attaching one more managed \
                policy. A Deny on the destructive or exfiltrating actions of each data service \
                it uses (deleting tables or buckets, disabling keys, requests outside the VPC \
                endpoint or without TLS) holds whatever is allowed later, and limits what a \
                stolen credential can do. A permissions boundary serves the same purpose.",
    remediation: RemediationText {
        text: "Add to the application's policy a Deny statement per data service it writes to \
               (for example `dynamodb:DeleteTable`, `s3:DeleteBucket`, `kms:ScheduleKeyDeletion`, \
               or any request where `aws:SourceVpce` is not the application's endpoint), scoped \
               so that it does not cancel the application's own Allows; or set a permissions \
               boundary.",
        cli: None,
        terraform: Some(
            "statement {\n  sid       = \"Guardrails\"\n  effect    = \"Deny\"\n  actions   = [\"dynamodb:DeleteTable\", \"s3:DeleteBucket\", \"kms:ScheduleKeyDeletion\"]\n  resources = [\"*\"]\n}",
        ),
    },
    manual: false,
};

impl Check for ApplicationWithoutDenyGuardrails {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let c = catalogue::global();
        for account in ctx.accounts() {
            for p in common::principals(account) {
                if !p.is_application() || !p.complete(&account.id, out) {
                    continue;
                }
                let at = p.at(&account.id);
                if p.boundary.is_some() {
                    out.pass(
                        at,
                        format!(
                            "application {} `{}` is limited by a permissions boundary",
                            p.kind, p.meta.name
                        ),
                    );
                    continue;
                }
                // Data services where it may change something.
                let e = p.effective();
                let writes: BTreeSet<&str> = e
                    .allowed_actions()
                    .iter()
                    .filter_map(|i| c.actions.get(i))
                    .filter(|a| {
                        matches!(
                            a.level,
                            AccessLevel::Write | AccessLevel::PermissionsManagement
                        )
                    })
                    .filter_map(|a| c.services.get(a.service).map(|s| s.prefix.as_str()))
                    .filter(|prefix| DATA_SERVICES.contains(prefix))
                    .collect();
                if writes.is_empty() {
                    out.pass(
                        at,
                        format!(
                            "application {} `{}` cannot change data in a data service",
                            p.kind, p.meta.name
                        ),
                    );
                    continue;
                }
                // Services some Deny statement of its policies names.
                let mut guarded: BTreeSet<String> = BTreeSet::new();
                let mut guards_all = false;
                for (_, policy) in &p.policies {
                    for s in policy.statements_with(Effect::Deny) {
                        if s.action.negated {
                            guards_all = true;
                        }
                        for a in &s.action.items {
                            match a.value.split_once(':') {
                                Some((svc, _)) if !svc.contains(['*', '?']) => {
                                    guarded.insert(svc.to_ascii_lowercase());
                                }
                                _ => guards_all = true,
                            }
                        }
                    }
                }
                let unguarded: Vec<&str> = writes
                    .iter()
                    .copied()
                    .filter(|svc| !guards_all && !guarded.contains(*svc))
                    .collect();
                if unguarded.is_empty() {
                    out.pass(
                        at,
                        format!(
                            "application {} `{}` has Deny guardrails on every data service it can change",
                            p.kind, p.meta.name
                        ),
                    );
                } else {
                    out.fail(
                        at,
                        format!(
                            "application {} `{}` can change data in {} with no Deny guardrail on {}",
                            p.kind,
                            p.meta.name,
                            writes.iter().copied().collect::<Vec<_>>().join(", "),
                            unguarded.join(", ")
                        ),
                    )
                    .with("data_services_written", json!(writes))
                    .with("without_guardrail", json!(unguarded))
                    .with(
                        "policies",
                        json!(p.policies.iter().map(|(n, _)| n).collect::<Vec<_>>()),
                    );
                }
            }
        }
    }
}
