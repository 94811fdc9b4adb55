//! IAM-103 `principal-reaches-unexpected-service`: a principal's effective permissions reach a
//! service it is not meant to use.

use std::collections::BTreeSet;

use super::common;
use crate::prelude::*;

/// The tag that lists the services a principal is meant to use, comma-separated (the
/// `expected_services` table of `rampart.toml` does the same by principal name).
pub const EXPECTED_SERVICES_TAG: &str = "rampart:expected-services";

/// Every service a principal can reach is attack surface; the ones it never uses are pure risk.
pub struct PrincipalReachesUnexpectedService;

static META: CheckMeta = CheckMeta {
    code: "IAM-103",
    name: "principal-reaches-unexpected-service",
    title: "A principal can reach services it is not meant to use",
    severity: Severity::Medium,
    controls: &["IAM-4"],
    inputs: &[
        Input::Live,
        Input::Snapshot,
        Input::Terraform,
        Input::CloudFormation,
        Input::Policy,
    ],
    compliance: &[],
    needs: &[
        data::IAM_POLICIES,
        data::IAM_USERS,
        data::IAM_GROUPS,
        data::IAM_ROLES,
    ],
    rationale: "A Shopify backend that stores assets and reads a table needs S3 and DynamoDB; if \
                its role also reaches IAM, EC2 or Secrets Manager, a compromise of the app is a \
                compromise of those. rampart lists the services each principal can reach after \
                Denies, and flags those outside the principal's declared list (the \
                `expected_services` table of `rampart.toml` or the `rampart:expected-services` \
                tag). Principals without a declared list are reported as not assessed, with the \
                services they reach.",
    remediation: RemediationText {
        text: "Remove the grants for services the principal does not use, or add the service to \
               its declared list if it is meant to use it.",
        cli: None,
        terraform: Some("tags = {\n  \"rampart:expected-services\" = \"s3,dynamodb\"\n}"),
    },
    manual: false,
};

impl Check for PrincipalReachesUnexpectedService {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for p in common::principals(account) {
                if p.role.is_some_and(|r| r.service_linked) || !p.complete(&account.id, out) {
                    continue;
                }
                let mut reachable: BTreeSet<String> = p.effective().services();
                if let Some(b) = &p.boundary {
                    let within =
                        rampart_policy::analysis::effective(&[rampart_policy::eval::Named {
                            name: "boundary",
                            policy: b,
                        }])
                        .services();
                    reachable.retain(|s| within.contains(s));
                }
                let declared: Option<BTreeSet<String>> = ctx
                    .config
                    .expected_services
                    .get(&p.meta.name)
                    .map(|v| v.iter().map(|s| s.trim().to_ascii_lowercase()).collect())
                    .or_else(|| {
                        p.meta.tags.get(EXPECTED_SERVICES_TAG).map(|v| {
                            v.split(',')
                                .map(|s| s.trim().to_ascii_lowercase())
                                .filter(|s| !s.is_empty())
                                .collect()
                        })
                    });
                let at = p.at(&account.id);
                let Some(declared) = declared else {
                    out.not_assessed(
                        at,
                        format!(
                            "{} `{}` reaches {} service(s) but declares none it is meant to use",
                            p.kind,
                            p.meta.name,
                            reachable.len()
                        ),
                    )
                    .with("reachable_services", json!(reachable));
                    continue;
                };
                let unexpected: Vec<&String> = reachable
                    .iter()
                    .filter(|s| !declared.contains(*s))
                    .collect();
                if unexpected.is_empty() {
                    out.pass(
                        at,
                        format!(
                            "{} `{}` reaches only its declared services",
                            p.kind, p.meta.name
                        ),
                    )
                    .with("reachable_services", json!(reachable));
                } else {
                    let shown: Vec<&String> = unexpected.iter().take(20).copied().collect();
                    out.fail(
                        at,
                        format!(
                            "{} `{}` reaches {} service(s) it is not meant to use: {}",
                            p.kind,
                            p.meta.name,
                            unexpected.len(),
                            shown
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                    .with("unexpected_services", json!(unexpected))
                    .with("declared_services", json!(declared));
                }
            }
        }
    }
}
