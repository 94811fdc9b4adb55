//! TAG-002 `security-group-missing-required-tags`: a security group lacks tags the tagging
//! policy requires.

use super::missing_tags;
use crate::prelude::*;

/// A security group nobody owns is a firewall rule nobody dares to tighten or remove.
pub struct SecurityGroupMissingRequiredTags;

static META: CheckMeta = CheckMeta {
    code: "TAG-002",
    name: "security-group-missing-required-tags",
    title: "A security group is missing tags required by the tagging policy",
    severity: Severity::Medium,
    controls: &["GOV-1"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::EC2_SECURITY_GROUPS],
    rationale: "Security groups are the firewall: reviewing them means asking, for every open \
                port, which tier and service needs it and who approved it. Without environment, \
                service and owner tags that question has no answer, so over-broad rules are kept \
                \"in case something uses them\" and groups of decommissioned services stay \
                attached. This is why the tagging policy matters more for security groups than \
                for other resources, and why this check is of higher severity than TAG-001.",
    remediation: RemediationText {
        text: "Tag every security group with the required keys (naming the tier and owning \
               team), and delete the groups that no one claims and no interface uses.",
        cli: Some(
            "aws ec2 create-tags --resources <sg-…> --tags Key=environment,Value=prod Key=service,Value=shop-api Key=owner,Value=platform",
        ),
        terraform: Some(
            "resource \"aws_security_group\" \"api\" {\n  # ...\n  tags = {\n    environment = \"prod\"\n    service     = \"shop-api\"\n    owner       = \"platform\"\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for SecurityGroupMissingRequiredTags {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let required = &ctx.config.tagging.required;
        if required.is_empty() {
            return;
        }
        for (account, region, sg) in ctx.each(|r| &r.security_groups) {
            let at = At::meta(&account.id, Some(&region.name), &sg.meta);
            let missing = missing_tags(&sg.meta.tags, required);
            if missing.is_empty() {
                out.pass(
                    at,
                    format!(
                        "security group `{}` carries every required tag",
                        sg.meta.name
                    ),
                );
            } else {
                out.fail(
                    at,
                    format!(
                        "security group `{}` is missing required tag(s) {}",
                        sg.meta.name,
                        missing.join(", ")
                    ),
                )
                .with("group_id", json!(sg.id))
                .with("missing", json!(missing))
                .with("tags", json!(sg.meta.tags.keys().collect::<Vec<_>>()));
            }
        }
    }
}
