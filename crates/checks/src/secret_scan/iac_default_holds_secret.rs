//! SECRET-005 `iac-default-holds-secret`: a Terraform variable default or CloudFormation parameter
//! default holds a secret.

use super::{evidence, scan_named, scanner, summary};
use crate::prelude::*;

/// A default value is part of the source: it is in every clone, every fork and the history.
pub struct IacDefaultHoldsSecret;

static META: CheckMeta = CheckMeta {
    code: "SECRET-005",
    name: "iac-default-holds-secret",
    title: "Terraform variable or CloudFormation parameter default holds a secret",
    severity: Severity::High,
    controls: &["SEC-2"],
    inputs: &[Input::Terraform, Input::CloudFormation],
    compliance: &[],
    needs: &[data::IAC_DECLARED_DEFAULTS],
    rationale: "A default is committed with the code, so the secret is in every clone and stays in \
                the history after it is changed. `sensitive = true` (Terraform) and `NoEcho` \
                (CloudFormation) only hide the value in plan output and the console; they do not \
                protect a default written in the template. The value also lands in state files and \
                stack parameters.",
    remediation: RemediationText {
        text: "Rotate the exposed credential, remove the default (make the variable required, or read \
               the value from Secrets Manager / SSM with a data source or a dynamic reference), and \
               purge it from the repository history.",
        cli: None,
        terraform: Some(
            "variable \"db_password\" {\n  type      = string\n  sensitive = true\n  # no default: pass it at apply time, or use\n}\n\ndata \"aws_secretsmanager_secret_version\" \"db\" {\n  secret_id = \"prod/app/db\"\n}",
        ),
    },
    manual: false,
};

impl Check for IacDefaultHoldsSecret {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for d in &account.declared_defaults {
                let resource = d
                    .origin
                    .address
                    .clone()
                    .unwrap_or_else(|| format!("{}.{}", d.kind, d.name));
                let resource = match &d.origin.file {
                    Some(file) => format!("{file}:{resource}"),
                    None => resource,
                };
                let at = At {
                    resource: &resource,
                    account: &account.id,
                    region: None,
                    origin: Some(&d.origin),
                };
                let Some(scanner) = scanner() else {
                    out.not_assessed(at, "the secret pattern catalogue failed to load");
                    continue;
                };
                let hits = scan_named(scanner, [(d.name.as_str(), d.value.as_str())]);
                if hits.is_empty() {
                    out.pass(
                        at,
                        format!("{} `{}`: its default holds no secret", d.kind, d.name),
                    );
                } else {
                    out.fail(
                        at,
                        format!("{} `{}` default holds {}", d.kind, d.name, summary(&hits)),
                    )
                    .with("marked_sensitive", json!(d.marked_sensitive))
                    .with("secrets", evidence(&hits));
                }
            }
        }
    }
}
