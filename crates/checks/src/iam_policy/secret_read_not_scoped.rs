//! IAM-108 `secret-read-not-scoped`: secret values can be read on every secret or parameter.

use super::common;
use crate::prelude::*;

/// Reading secrets should be granted per secret (or per parameter path), so that one
/// application's credential cannot read every other application's secrets.
pub struct SecretReadNotScoped;

static META: CheckMeta = CheckMeta {
    code: "IAM-108",
    name: "secret-read-not-scoped",
    title: "A policy allows reading every secret or parameter",
    severity: Severity::High,
    controls: &["IAM-13"],
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
    rationale: "`secretsmanager:GetSecretValue` or `ssm:GetParameter*` on `*` turns one \
                compromised workload into a compromise of every database password, API token and \
                signing key stored in the account. Scoping the grant to the secret's ARN or to \
                the application's parameter path keeps the blast radius to what it needs.",
    remediation: RemediationText {
        text: "Grant secret reads on the secrets the workload uses (`arn:aws:secretsmanager:<region>:<account>:secret:app/prod/db-*`) or on its parameter path (`arn:aws:ssm:<region>:<account>:parameter/app/prod/*`).",
        cli: None,
        terraform: Some(
            "statement {\n  actions   = [\"secretsmanager:GetSecretValue\"]\n  resources = [aws_secretsmanager_secret.db.arn]\n}",
        ),
    },
    manual: false,
};

impl Check for SecretReadNotScoped {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            common::judge_docs(
                account,
                out,
                "secret reads, if any, are scoped to named secrets",
                rampart_policy::audit::secret_reads,
            );
        }
    }
}
