//! EC2-054 `instance-metadata-v1-allowed`: an EC2 instance, launch template or launch
//! configuration does not require IMDSv2.

use rampart_model::compute::Instance;

use super::LaunchedBy;
use crate::prelude::*;

/// IMDSv1 answers any plain GET from the instance: one server-side request forgery in the
/// application hands out the instance role's credentials.
pub struct InstanceMetadataV1Allowed;

static META: CheckMeta = CheckMeta {
    code: "EC2-054",
    name: "instance-metadata-v1-allowed",
    title: "An EC2 instance or launch template does not require IMDSv2",
    severity: Severity::Medium,
    // The instance role's credentials (IAM-9) are what the metadata service gives out.
    controls: &["IAM-9"],
    inputs: Input::LSTC,
    compliance: &[fsbp("EC2.8"), fsbp("EC2.170")],
    needs: &[data::EC2_INSTANCES],
    rationale: "The instance metadata service hands the instance role's temporary credentials to \
                whoever asks from the instance. Version 1 answers a plain GET, so a server-side \
                request forgery or an open proxy in the application is enough to steal them; \
                version 2 requires a session token obtained with a PUT whose response does not \
                leave the instance. `HttpTokens` is `optional` unless it is set to `required` \
                (or the AMI or the account's metadata defaults require it), and instances \
                launched from a launch template or launch configuration inherit its setting.",
    remediation: RemediationText {
        text: "Require IMDSv2 (`HttpTokens=required`) on every instance, and in every launch \
               template and launch configuration so that new instances start with it; set the \
               account's instance metadata defaults to require it too.",
        cli: Some(
            "aws ec2 modify-instance-metadata-options --instance-id <i-…> --http-tokens required --http-endpoint enabled\naws ec2 modify-instance-metadata-defaults --http-tokens required",
        ),
        terraform: Some(
            "resource \"aws_launch_template\" \"web\" {\n  # ...\n  metadata_options {\n    http_endpoint = \"enabled\"\n    http_tokens   = \"required\"\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for InstanceMetadataV1Allowed {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for region in &account.regions {
                for instance in &region.instances {
                    judge(account, region, instance, out);
                }
            }
        }
    }
}

/// What the resource is, as the report names it.
fn kind(instance: &Instance) -> &'static str {
    match instance.state.as_str() {
        "launch-template" => "launch template",
        "launch-configuration" => "launch configuration",
        _ => "instance",
    }
}

fn judge(account: &Account, region: &Region, instance: &Instance, out: &mut Sink) {
    // A terminated instance runs nothing and is gone within the hour.
    if matches!(instance.state.as_str(), "terminated" | "shutting-down") {
        return;
    }
    let at = At::meta(&account.id, Some(&region.name), &instance.meta);
    let what = kind(instance);
    let name = &instance.meta.name;
    match instance.imdsv2_required {
        Some(true) => {
            out.pass(at, format!("{what} `{name}` requires IMDSv2"))
                .with("http_tokens", json!("required"));
        }
        Some(false) => {
            out.fail(
                at,
                format!(
                    "{what} `{name}` allows IMDSv1: HttpTokens is not `required`, so the \
                     instance role's credentials answer a plain GET"
                ),
            )
            .with("http_tokens", json!("optional"))
            .with("state", json!(instance.state))
            .launched_by(region, std::slice::from_ref(&instance.id));
        }
        None => {
            out.not_assessed(
                at,
                format!("not assessed: the metadata options of {what} `{name}` were not read"),
            );
        }
    }
}
