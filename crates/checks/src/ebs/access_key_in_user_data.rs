//! EC2-051 `access-key-in-user-data`: an instance's user data contains AWS access keys.

use super::LaunchedBy;
use crate::iam::credentials::find_aws_keys;
use crate::prelude::*;

/// User data is readable by anyone who can describe the instance attribute or reach its
/// metadata service, and is copied into every launch template and AMI workflow.
pub struct AccessKeyInUserData;

static META: CheckMeta = CheckMeta {
    code: "EC2-051",
    name: "access-key-in-user-data",
    title: "EC2 user data contains AWS access keys",
    severity: Severity::Critical,
    controls: &["IAM-9"],
    inputs: Input::LSTC,
    compliance: &[cis3("1.18"), cis6("2.17")],
    needs: &[data::EC2_INSTANCES, data::EC2_USER_DATA],
    rationale: "User data is not a secret store: any principal with `ec2:DescribeInstanceAttribute` \
                can read it, every process on the instance can fetch it from the metadata service \
                (including through an SSRF bug in the application), and it is copied into launch \
                templates and Terraform state. An access key placed there is long-lived, works \
                from anywhere, and is rarely rotated — while an instance profile would have \
                provided rotating credentials for free.",
    remediation: RemediationText {
        text: "Deactivate and delete the exposed key now (assume it leaked), give the instance an \
               instance profile with the permissions the script needed, and remove the key from \
               the user data, launch templates and IaC that set it.",
        cli: Some(
            "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive\naws ec2 associate-iam-instance-profile --instance-id <i-…> --iam-instance-profile Name=<profile>",
        ),
        terraform: Some(
            "resource \"aws_instance\" \"web\" {\n  # ...\n  iam_instance_profile = aws_iam_instance_profile.web.name\n  user_data            = file(\"bootstrap.sh\") # no credentials: the SDK finds the role itself\n}",
        ),
    },
    manual: false,
};

impl Check for AccessKeyInUserData {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, instance) in ctx.each(|r| &r.instances) {
            let at = At::meta(&account.id, Some(&region.name), &instance.meta);
            let Some(user_data) = &instance.user_data else {
                out.pass(
                    at,
                    format!("instance `{}` has no user data", instance.meta.name),
                );
                continue;
            };
            let hits = find_aws_keys(user_data);
            if hits.is_empty() {
                out.pass(
                    at,
                    format!(
                        "the user data of instance `{}` holds no AWS access key",
                        instance.meta.name
                    ),
                );
            } else {
                let lines: Vec<usize> = hits.iter().map(|h| h.line).collect();
                out.fail(
                    at,
                    format!(
                        "the user data of instance `{}` contains {} AWS credential(s) (line {})",
                        instance.meta.name,
                        hits.len(),
                        lines
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .with(
                    "credentials",
                    json!(hits.iter().map(|h| h.to_json()).collect::<Vec<_>>()),
                )
                .with("instance_profile", json!(instance.instance_profile))
                .launched_by(region, std::slice::from_ref(&instance.id));
            }
        }
    }
}
