//! IAM-111 `policy-document-invalid`: a policy does not parse or does not validate (syntax,
//! unknown services, actions or condition operators, malformed ARNs).

use rampart_policy::{Level, PolicyKind};

use super::common::{self, Doc};
use crate::prelude::*;

/// AWS rejects an invalid policy at deployment, and an unknown action silently grants nothing:
/// both hide a policy that does not do what its author believes.
pub struct PolicyDocumentInvalid;

static META: CheckMeta = CheckMeta {
    code: "IAM-111",
    name: "policy-document-invalid",
    title: "A policy document is invalid",
    severity: Severity::Medium,
    controls: &["IAM-16"],
    inputs: &[
        Input::Policy,
        Input::Terraform,
        Input::CloudFormation,
        Input::Live,
        Input::Snapshot,
    ],
    compliance: &[],
    needs: &[
        data::IAM_POLICIES,
        data::IAM_USERS,
        data::IAM_GROUPS,
        data::IAM_ROLES,
        data::S3_BUCKET_POLICY,
        data::KMS_POLICIES,
    ],
    rationale: "A policy with a syntax error (a trailing comma, a duplicate key) is rejected when \
                deployed, or worse, half-applied by tooling that is more lenient than IAM. A \
                misspelt action, an unknown condition operator or a malformed ARN is accepted or \
                rejected depending on where it is, but never grants or denies what was meant: a \
                Deny guardrail with a typo protects nothing.",
    remediation: RemediationText {
        text: "Fix the reported element at the given line and column; run `rampart policy lint` \
               on policy files in CI so that invalid policies never reach an account.",
        cli: Some("rampart policy lint policies/*.json"),
        terraform: Some(
            "# Build policies with aws_iam_policy_document rather than hand-written JSON strings:\ndata \"aws_iam_policy_document\" \"app\" { ... }",
        ),
    },
    manual: false,
};

/// Diagnostics that say an element is missing from rampart's action catalogue, not that the
/// policy is wrong: AWS writes its managed policies for services the catalogue may not hold yet
/// (new ones) or any more (retired ones, such as `deepcomposer` and `iot1click` in
/// `ReadOnlyAccess`), and IAM accepts them.
const CATALOGUE_CODES: [&str; 3] = ["unknown-service", "unknown-action", "unknown-condition-key"];

fn judge(
    account: &str,
    label: &str,
    value: &rampart_model::PolicyDocument,
    kind: PolicyKind,
    aws_managed: bool,
    at: At<'_>,
    out: &mut Sink,
) {
    let (_, diags) = rampart_policy::lint_document(value.as_json(), kind);
    let (stale, errors): (Vec<_>, Vec<_>) = diags
        .iter()
        .filter(|d| d.level == Level::Error)
        .partition(|d| aws_managed && CATALOGUE_CODES.contains(&d.code));
    let stale: Vec<String> = stale.iter().map(ToString::to_string).collect();
    let warnings: Vec<String> = diags
        .iter()
        .filter(|d| d.level == Level::Warning)
        .map(ToString::to_string)
        .collect();
    let _ = account;
    if errors.is_empty() {
        let f = out.pass(at, format!("{label} is valid"));
        if !warnings.is_empty() {
            f.with("warnings", json!(warnings));
        }
        if !stale.is_empty() {
            f.with("not_in_catalogue", json!(stale));
        }
        return;
    }
    let first = errors[0];
    let place = if first.span.is_located() {
        format!(" at {}", first.span)
    } else {
        String::new()
    };
    let f = out.fail(at, format!("{label} is invalid{place}: {}", first.message));
    f.with(
        "errors",
        json!(errors.iter().map(ToString::to_string).collect::<Vec<_>>()),
    );
    if first.span.is_located() {
        f.with("document_line", json!(first.span.line))
            .with("document_column", json!(first.span.column));
    }
    if !warnings.is_empty() {
        f.with("warnings", json!(warnings));
    }
}

impl Check for PolicyDocumentInvalid {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for doc in common::identity_docs(account) {
                let Doc {
                    label,
                    value,
                    kind,
                    aws_managed,
                    ..
                } = &doc;
                judge(
                    &account.id,
                    label,
                    value,
                    *kind,
                    *aws_managed,
                    doc.at(&account.id),
                    out,
                );
            }
            for role in &account.iam.roles {
                let label = format!("trust policy of role `{}`", role.meta.name);
                judge(
                    &account.id,
                    &label,
                    &role.assume_role_policy,
                    PolicyKind::Trust,
                    false,
                    At::meta(&account.id, None, &role.meta),
                    out,
                );
            }
            for bucket in &account.buckets {
                if let Some(p) = &bucket.policy {
                    let label = format!("bucket policy of `{}`", bucket.meta.name);
                    judge(
                        &account.id,
                        &label,
                        p,
                        PolicyKind::Resource,
                        false,
                        At::meta(&account.id, Some(&bucket.region), &bucket.meta),
                        out,
                    );
                }
            }
            for region in &account.regions {
                for key in &region.kms_keys {
                    if let Some(p) = &key.policy {
                        let label = format!("key policy of `{}`", key.meta.name);
                        judge(
                            &account.id,
                            &label,
                            p,
                            PolicyKind::Key,
                            false,
                            At::meta(&account.id, Some(&region.name), &key.meta),
                            out,
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rampart_model::Status;
    use serde_json::json;

    use super::PolicyDocumentInvalid;
    use crate::config::Config;
    use crate::iam::testing::{inventory, run};

    fn policy(arn: &str, aws_managed: bool, actions: &[&str], operator: &str) -> serde_json::Value {
        json!({
            "meta": {"arn": arn, "name": arn.rsplit('/').next()},
            "aws_managed": aws_managed,
            "document": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": actions, "Resource": "*",
                "Condition": {operator: {"aws:RequestedRegion": "eu-west-1"}}
            }]}
        })
    }

    #[test]
    fn aws_managed_policies_are_not_told_the_catalogue_lacks_a_service() {
        // ReadOnlyAccess grants `deepcomposer:` and `iot1click:` actions, retired services
        // the action catalogue no longer lists.
        let retired = ["deepcomposer:List*", "iot1click:Get*", "s3:GetObject"];
        let inv = inventory(
            json!({"iam": {"policies": [
                policy("arn:aws:iam::aws:policy/ReadOnlyAccess", true, &retired, "StringEquals"),
                policy("arn:aws:iam::111122223333:policy/copy", false, &retired, "StringEquals"),
                policy("arn:aws:iam::aws:policy/Broken", true, &["s3:GetObject"], "StringEqualz"),
            ]}}),
            None,
        );
        let out = run(&PolicyDocumentInvalid, inv, &Config::default());
        let verdicts: Vec<(&str, Status)> = out
            .iter()
            .map(|f| (f.resource.as_str(), f.status))
            .collect();
        assert_eq!(
            verdicts,
            vec![
                ("arn:aws:iam::aws:policy/ReadOnlyAccess", Status::Pass),
                ("arn:aws:iam::111122223333:policy/copy", Status::Fail),
                ("arn:aws:iam::aws:policy/Broken", Status::Fail),
            ]
        );
        assert!(out[0].evidence.contains_key("not_in_catalogue"));
        assert!(
            out[1].message.contains("unknown service prefix"),
            "{}",
            out[1].message
        );
        // A genuine error in an AWS managed policy: the remedy is to detach it, not edit it.
        assert!(
            out[2].remediation.text.contains("detach it"),
            "{}",
            out[2].remediation.text
        );
        assert!(
            out[1]
                .remediation
                .text
                .starts_with("Fix the reported element")
        );
    }

    #[test]
    fn aws_managed_policies_are_recognised_in_every_partition() {
        use crate::check::is_aws_managed_policy;
        assert!(is_aws_managed_policy(
            "arn:aws:iam::aws:policy/ReadOnlyAccess"
        ));
        assert!(is_aws_managed_policy(
            "arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        ));
        assert!(!is_aws_managed_policy(
            "arn:aws:iam::111122223333:policy/aws"
        ));
        assert!(!is_aws_managed_policy("infra/main.tf:aws_iam_policy.aws"));
    }

    #[test]
    fn every_failure_on_an_aws_managed_policy_says_detach_not_edit() {
        // IAM-100 on AdministratorAccess: the wildcard cannot be replaced in AWS's document.
        let inv = inventory(
            json!({"iam": {"policies": [{
                "meta": {"arn": "arn:aws:iam::aws:policy/AdministratorAccess", "name": "AdministratorAccess"},
                "aws_managed": true,
                "attachment_count": 1,
                "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
            }]}}),
            None,
        );
        let admin = crate::registry::all()
            .into_iter()
            .find(|c| c.meta().code == "IAM-100")
            .expect("IAM-100");
        let out = run(admin, inv, &Config::default());
        let fail = out
            .iter()
            .find(|f| f.status == Status::Fail)
            .expect("a failure");
        assert!(
            fail.remediation
                .text
                .starts_with("Only AWS can edit this AWS managed policy"),
            "{}",
            fail.remediation.text
        );
        assert_eq!(fail.remediation.terraform, None);
    }
}
