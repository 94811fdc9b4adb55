//! CT-007 `trail-bucket-policy-not-restrictive`: the trail bucket's policy lets in more than
//! CloudTrail and the account.

use rampart_model::Account;
use rampart_model::storage::Bucket;
use serde_json::Value;

use super::trail_buckets::judge_trail_buckets;
use crate::prelude::*;
use crate::s3::facts;

/// The trail bucket policy grants other accounts, wildcard principals or all S3 actions, or lets
/// the CloudTrail service write without naming the trail or account (confused deputy).
pub struct TrailBucketPolicyNotRestrictive;

static META: CheckMeta = CheckMeta {
    code: "CT-007",
    name: "trail-bucket-policy-not-restrictive",
    title: "The CloudTrail bucket policy grants more than CloudTrail needs",
    severity: Severity::Medium,
    controls: &["LOG-4"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::CLOUDTRAIL, data::S3_BUCKET_POLICY],
    rationale: "CloudTrail needs two things on its bucket: s3:GetBucketAcl and s3:PutObject for \
                the cloudtrail.amazonaws.com service, ideally limited to the trail with \
                aws:SourceArn or aws:SourceAccount. Every other grant is a path to read the \
                logs or tamper with them: a wildcard principal, another account, or `s3:*` for \
                anyone. Without the source condition, any account's trail could be pointed at \
                the bucket and fill it (the confused-deputy problem).",
    remediation: RemediationText {
        text: "Reduce the policy to the two CloudTrail statements, each with an aws:SourceArn \
               (or aws:SourceAccount) condition; give readers access through IAM roles in the \
               logging account rather than through the bucket policy.",
        cli: Some(
            "aws s3api put-bucket-policy --bucket <trail-bucket> --policy file://trail-bucket-policy.json",
        ),
        terraform: Some(
            "data \"aws_iam_policy_document\" \"trail\" {\n  statement {\n    principals {\n      type        = \"Service\"\n      identifiers = [\"cloudtrail.amazonaws.com\"]\n    }\n    actions   = [\"s3:GetBucketAcl\"]\n    resources = [aws_s3_bucket.trail.arn]\n    condition {\n      test     = \"StringEquals\"\n      variable = \"aws:SourceArn\"\n      values   = [\"arn:aws:cloudtrail:us-east-1:${data.aws_caller_identity.current.account_id}:trail/org-audit\"]\n    }\n  }\n  statement {\n    principals {\n      type        = \"Service\"\n      identifiers = [\"cloudtrail.amazonaws.com\"]\n    }\n    actions   = [\"s3:PutObject\"]\n    resources = [\"${aws_s3_bucket.trail.arn}/AWSLogs/*\"]\n    condition {\n      test     = \"StringEquals\"\n      variable = \"aws:SourceArn\"\n      values   = [\"arn:aws:cloudtrail:us-east-1:${data.aws_caller_identity.current.account_id}:trail/org-audit\"]\n    }\n  }\n}",
        ),
    },
    manual: false,
};

/// The account id in an AWS principal (`123456789012`, `arn:aws:iam::123456789012:role/x`).
fn principal_account(p: &str) -> Option<&str> {
    if p.len() == 12 && p.chars().all(|c| c.is_ascii_digit()) {
        return Some(p);
    }
    p.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Whether a statement limits the CloudTrail service to named trails or accounts (the
/// confused-deputy guard CloudTrail's documentation gives, "Amazon S3 bucket policy for
/// CloudTrail": `StringEquals` / `ArnLike` on `aws:SourceArn` or `aws:SourceAccount`). A
/// condition only limits when it is positive, not `IfExists` (an absent key would match), and
/// each value names an account: `*` in the account part lets any account's trail write.
fn source_scoped(s: &serde_json::Map<String, Value>) -> bool {
    let Some(ops) = s.get("Condition").and_then(Value::as_object) else {
        return false;
    };
    ops.iter().any(|(op, keys)| {
        let op_l = op.to_ascii_lowercase();
        let positive = !op_l.contains("not") && !op_l.ends_with("ifexists") && !op_l.contains(':');
        let Some(keys) = keys.as_object() else {
            return false;
        };
        positive
            && keys.iter().any(|(k, v)| {
                let k = k.to_ascii_lowercase();
                let values = facts::strings(Some(v));
                let named = |x: &&str| match k.as_str() {
                    "aws:sourceaccount" => !x.contains(['*', '?']),
                    "aws:sourcearn" => x
                        .split(':')
                        .nth(4)
                        .is_some_and(|a| !a.is_empty() && !a.contains(['*', '?'])),
                    _ => false,
                };
                !values.is_empty() && values.iter().all(named)
            })
    })
}

fn problems(owner: &Account, bucket: &Bucket) -> Vec<String> {
    let Some(policy) = bucket
        .policy
        .as_ref()
        .map(rampart_model::PolicyDocument::to_value)
    else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (i, s) in facts::statements(&policy).into_iter().enumerate() {
        if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let label = s.get("Sid").and_then(Value::as_str).map_or_else(
            || format!("statement {}", i + 1),
            |sid| format!("statement `{sid}`"),
        );
        let actions = facts::strings(s.get("Action"));
        let broad_actions = actions
            .iter()
            .any(|a| *a == "*" || a.eq_ignore_ascii_case("s3:*"));
        for (kind, p) in facts::principals(s) {
            match kind.as_str() {
                "Service" if p == "cloudtrail.amazonaws.com" => {
                    let scoped = source_scoped(s);
                    if !scoped {
                        found.push(format!(
                            "{label} grants the CloudTrail service without an aws:SourceArn or \
                             aws:SourceAccount condition"
                        ));
                    }
                    if broad_actions {
                        found.push(format!("{label} grants CloudTrail every S3 action"));
                    }
                }
                "Service" => found.push(format!("{label} grants the service `{p}`")),
                "*" | "AWS" if p == "*" => {
                    found.push(format!(
                        "{label} grants a wildcard principal ({})",
                        actions.join(", ")
                    ));
                }
                "AWS" => match principal_account(&p) {
                    Some(a) if a == owner.id => {
                        if broad_actions && !p.ends_with(":root") && p != owner.id {
                            found.push(format!("{label} grants `{p}` every S3 action"));
                        }
                    }
                    _ => found.push(format!(
                        "{label} grants `{p}` outside account {} ({})",
                        owner.id,
                        if broad_actions {
                            "every S3 action".to_owned()
                        } else {
                            actions.join(", ")
                        }
                    )),
                },
                _ => found.push(format!("{label} grants the {kind} principal `{p}`")),
            }
        }
    }
    found
}

impl Check for TrailBucketPolicyNotRestrictive {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        judge_trail_buckets(ctx, out, |owner, bucket, trails, at, out| {
            let name = &bucket.meta.name;
            let found = problems(owner, bucket);
            if found.is_empty() {
                out.pass(
                    at,
                    format!("trail bucket `{name}` (trail `{trails}`) grants only CloudTrail and its own account"),
                );
            } else {
                out.fail(
                    at,
                    format!(
                        "trail bucket `{name}` (trail `{trails}`) has a permissive policy: {}",
                        found.join("; ")
                    ),
                )
                .with("problems", json!(found))
                .with("policy", json!(bucket.policy));
            }
        });
    }
}
