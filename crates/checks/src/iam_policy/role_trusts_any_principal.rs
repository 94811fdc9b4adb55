//! IAM-112 `role-trusts-any-principal`: a role's trust policy lets anyone assume it.

use rampart_policy::PolicyKind;

use crate::prelude::*;

/// A trust policy with `"Principal": {"AWS": "*"}` and no limiting condition lets any AWS
/// account in the world assume the role and use its permissions.
pub struct RoleTrustsAnyPrincipal;

static META: CheckMeta = CheckMeta {
    code: "IAM-112",
    name: "role-trusts-any-principal",
    title: "A role can be assumed by any AWS principal",
    severity: Severity::Critical,
    controls: &["IAM-14"],
    inputs: &[
        Input::Live,
        Input::Snapshot,
        Input::Terraform,
        Input::CloudFormation,
        Input::Policy,
    ],
    compliance: &[],
    needs: &[data::IAM_ROLES],
    rationale: "Whoever can assume a role holds its permissions. A trust policy open to every \
                principal, without a condition on the caller's account, organization, ARN or an \
                external id, hands the role to anyone who learns its ARN, a privilege escalation \
                open to the whole internet.",
    remediation: RemediationText {
        text: "Name the accounts, roles or services that may assume the role, or add a \
               condition on `aws:PrincipalOrgID`, `aws:PrincipalArn` or `sts:ExternalId`.",
        cli: Some(
            "aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json",
        ),
        terraform: Some(
            "data \"aws_iam_policy_document\" \"trust\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type        = \"AWS\"\n      identifiers = [\"arn:aws:iam::111122223333:role/deployer\"]\n    }\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for RoleTrustsAnyPrincipal {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for role in &account.iam.roles {
                let at = At::meta(&account.id, None, &role.meta);
                let Some(policy) = rampart_policy::parse_document(
                    role.assume_role_policy.as_json(),
                    PolicyKind::Trust,
                )
                .policy
                else {
                    out.not_assessed(
                        at,
                        format!(
                            "the trust policy of role `{}` is not valid JSON (see IAM-16)",
                            role.meta.name
                        ),
                    );
                    continue;
                };
                let issues = rampart_policy::audit::public_access(&policy, &account.id);
                if issues.is_empty() {
                    out.pass(at, format!("role `{}` can be assumed only by named principals or under limiting conditions", role.meta.name));
                }
                for i in issues {
                    let f = out.fail(
                        at,
                        format!("role `{}` trust policy: {}", role.meta.name, i.message),
                    );
                    for (k, v) in i.evidence {
                        f.with(&k, v);
                    }
                }
            }
        }
    }
}
