//! EC2-055 `launch-template-assigns-public-ip`: a launch template (or a launch configuration,
//! `AssociatePublicIpAddress`) gives the instances it launches a public IPv4 address.

use super::LaunchedBy;
use crate::prelude::*;

/// A template that asks for public addresses puts every instance an Auto Scaling group launches
/// from it on the internet, whatever subnet it lands in.
pub struct LaunchTemplateAssignsPublicIp;

static META: CheckMeta = CheckMeta {
    code: "EC2-055",
    name: "launch-template-assigns-public-ip",
    title: "An EC2 launch template or launch configuration assigns public IP addresses",
    severity: Severity::Medium,
    controls: &["NET-9"],
    inputs: Input::LSTC,
    compliance: &[fsbp("EC2.25")],
    needs: &[data::EC2_INSTANCES],
    rationale: "A network interface of a launch template that sets AssociatePublicIpAddress (or \
                a launch configuration that sets it) gives each instance launched from it a \
                public IPv4 address, even in a subnet that does \
                not map public addresses on launch: every instance an Auto Scaling group starts \
                is then one security group mistake away from the internet. Application \
                instances belong behind a load balancer, with private addresses only.",
    remediation: RemediationText {
        text: "Create a new version of the launch template whose network interfaces do not \
               associate a public IP address, make it the default, and roll the Auto Scaling \
               group to it; expose the service through a load balancer.",
        cli: Some(
            "aws ec2 create-launch-template-version --launch-template-id <lt-…> --source-version 1 --launch-template-data '{\"NetworkInterfaces\":[{\"DeviceIndex\":0,\"AssociatePublicIpAddress\":false}]}'",
        ),
        terraform: Some(
            "resource \"aws_launch_template\" \"web\" {\n  # ...\n  network_interfaces {\n    associate_public_ip_address = false\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for LaunchTemplateAssignsPublicIp {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            for region in &account.regions {
                for lt in region.instances.iter().filter(|i| {
                    matches!(i.state.as_str(), "launch-template" | "launch-configuration")
                }) {
                    let at = At::meta(&account.id, Some(&region.name), &lt.meta);
                    let name = &lt.meta.name;
                    // A launch configuration's `AssociatePublicIpAddress` has the same effect.
                    let what = if lt.state == "launch-template" {
                        "launch template"
                    } else {
                        "launch configuration"
                    };
                    match &lt.public_ip {
                        Some(ip) => {
                            out.fail(
                                at,
                                format!(
                                    "{what} `{name}` gives the instances it launches a public IP address"
                                ),
                            )
                            .with("public_ip", json!(ip))
                            .launched_by(region, std::slice::from_ref(&lt.id));
                        }
                        None => {
                            out.pass(at, format!("{what} `{name}` assigns no public IP address"));
                        }
                    }
                }
            }
        }
    }
}
