//! EC2-050 `instance-without-instance-profile`: an EC2 instance has no IAM role.

use std::collections::HashMap;

use rampart_model::compute::Instance;
use rampart_model::iam::InstanceProfile;

use super::LaunchedBy;
use crate::prelude::*;

/// Without a role, software on the instance that calls AWS needs a long-lived key.
pub struct InstanceWithoutInstanceProfile;

static META: CheckMeta = CheckMeta {
    code: "EC2-050",
    name: "instance-without-instance-profile",
    title: "An EC2 instance has no instance profile (IAM role)",
    severity: Severity::Medium,
    controls: &["IAM-9"],
    inputs: Input::LSTC,
    compliance: &[cis3("1.18"), cis6("2.17")],
    needs: &[data::EC2_INSTANCES, data::IAM_INSTANCE_PROFILES],
    rationale: "An instance profile gives the instance temporary credentials that rotate by \
                themselves and never need to be written down. An instance without one either \
                makes no AWS calls or, far more often, carries a user's access key in a config \
                file, environment variable or user data script — where anyone who reads the disk, \
                an AMI copy or the instance metadata finds a key that does not expire.",
    remediation: RemediationText {
        text: "Create a role for the workload with only the permissions it needs, attach it to \
               the instance through an instance profile, and remove any access keys stored on the \
               instance.",
        cli: Some(
            "aws iam create-instance-profile --instance-profile-name web\naws iam add-role-to-instance-profile --instance-profile-name web --role-name web\naws ec2 associate-iam-instance-profile --instance-id <i-…> --iam-instance-profile Name=web",
        ),
        terraform: Some(
            "resource \"aws_iam_instance_profile\" \"web\" {\n  role = aws_iam_role.web.name\n}\n\nresource \"aws_instance\" \"web\" {\n  # ...\n  iam_instance_profile = aws_iam_instance_profile.web.name\n}",
        ),
    },
    manual: false,
};

impl Check for InstanceWithoutInstanceProfile {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let profiles: HashMap<&str, &InstanceProfile> = account
                .iam
                .instance_profiles
                .iter()
                .flat_map(|p| [(p.meta.arn.as_str(), p), (p.meta.cloud_arn(), p)])
                .collect();
            for region in &account.regions {
                for instance in &region.instances {
                    judge(account, region, &profiles, instance, out);
                }
            }
        }
    }
}

fn judge(
    account: &Account,
    region: &Region,
    profiles: &HashMap<&str, &InstanceProfile>,
    instance: &Instance,
    out: &mut Sink,
) {
    // A terminated instance runs nothing and is gone within the hour.
    if matches!(instance.state.as_str(), "terminated" | "shutting-down") {
        return;
    }
    let at = At::meta(&account.id, Some(&region.name), &instance.meta);
    let name = &instance.meta.name;
    let Some(profile) = &instance.instance_profile else {
        out.fail(at, format!("instance `{name}` has no instance profile"))
            .with("instance_id", json!(instance.id))
            .with("state", json!(instance.state))
            .launched_by(region, std::slice::from_ref(&instance.id));
        return;
    };
    // A profile without a role gives the instance no credentials at all.
    match profiles.get(profile.as_str()) {
        Some(p) if p.roles.is_empty() => {
            out.fail(
                at,
                format!(
                    "instance `{name}` has instance profile `{}`, which holds no role",
                    p.meta.name
                ),
            )
            .with("instance_profile", json!(profile))
            .with("roles", json!([]))
            .launched_by(region, std::slice::from_ref(&instance.id));
        }
        Some(p) => {
            out.pass(
                at,
                format!(
                    "instance `{name}` runs with instance profile `{}`",
                    p.meta.name
                ),
            )
            .with("instance_profile", json!(profile))
            .with("roles", json!(p.roles));
        }
        None => {
            out.pass(
                at,
                format!("instance `{name}` runs with instance profile `{profile}`"),
            )
            .with("instance_profile", json!(profile));
        }
    }
}
