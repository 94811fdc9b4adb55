//! EC2 Auto Scaling: groups (`DescribeAutoScalingGroups`) and launch configurations
//! (`DescribeLaunchConfigurations`), in the shapes the Terraform and CloudFormation readers
//! give them. They are read with the region's EC2 data (`ec2::collect`), since what a group's
//! instances get depends on its launch template's versions and on its subnets.
//!
//! - A launch configuration is an [`Instance`] in state `launch-configuration` whose id is its
//!   name (what a group names it by): its instance profile, base64 user data (decoded like an
//!   instance's), metadata options (`HttpTokens` unset is `optional`, the API's default), a
//!   public address when `AssociatePublicIpAddress` is true, and one volume per EBS block device
//!   mapping (`ARN#block_device_mappings/dev/xvda`), encrypted as a launch template's are.
//! - A group is an [`AutoScalingGroup`] naming what it launches from (`LaunchTemplate`,
//!   `LaunchConfigurationName`, the mixed instances policy's template and overrides), its
//!   subnets (`VPCZoneIdentifier`), target groups, Classic Load Balancers and tags.

use std::collections::BTreeSet;

use aws_config::SdkConfig;
use rampart_model::compute::{AutoScalingGroup, Instance, LaunchSource};
use rampart_model::{Meta, Region, data};

use crate::ctx::{Ctx, origin};
use crate::svc::ec2::{TemplateVolume, user_data_text};
use crate::svc::{client, tags};

const AUTOSCALING: &str = "Auto Scaling";

/// What the region's launch templates say, for linking groups to them.
pub(crate) struct TemplateFacts {
    /// `lt-…`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The version read (what a launch naming no version, or `$Default`, gets).
    pub default_version: Option<i64>,
    /// The latest version (what `$Latest` gets).
    pub latest_version: Option<i64>,
    /// Its default version sets no `AssociatePublicIpAddress` on any network interface: the
    /// subnet an instance is launched into decides.
    pub public_ip_left_to_subnet: bool,
}

/// What the Auto Scaling API gave for one region.
pub(crate) struct Scaling {
    /// The groups; `None` when they could not be listed (a gap says so).
    groups: Option<Vec<(AutoScalingGroup, Vec<Wanted>)>>,
    /// Launch configurations, as instances in state `launch-configuration`; `None` when they
    /// could not be listed.
    configurations: Option<Vec<Instance>>,
    /// Their volumes, before encryption is resolved.
    volumes: Vec<TemplateVolume>,
    /// The configurations that leave the public address to the subnet.
    left_to_subnet: BTreeSet<String>,
}

/// A launch source as a group names it, before it is matched with what the region holds.
struct Wanted {
    kind: &'static str,
    /// Id (templates), or name.
    id: Option<String>,
    name: Option<String>,
    version: Option<String>,
}

/// Reads the groups and launch configurations of one region.
pub(crate) async fn read(ctx: &Ctx, config: &SdkConfig) -> Scaling {
    let c = client!(aws_sdk_autoscaling, ctx, config);
    let (groups, configurations) = tokio::join!(
        ctx.list(
            data::AUTOSCALING_GROUPS,
            AUTOSCALING,
            "DescribeAutoScalingGroups",
            |t| c.describe_auto_scaling_groups().set_next_token(t).send(),
            |o| (o.auto_scaling_groups.unwrap_or_default(), o.next_token),
        ),
        ctx.paged(
            AUTOSCALING,
            "DescribeLaunchConfigurations",
            |t| c.describe_launch_configurations().set_next_token(t).send(),
            |o| (o.launch_configurations.unwrap_or_default(), o.next_token),
        ),
    );
    let mut out = Scaling {
        groups: groups.map(|list| list.iter().map(group).collect()),
        configurations: None,
        volumes: Vec::new(),
        left_to_subnet: BTreeSet::new(),
    };
    match configurations {
        Ok(list) => {
            let mut instances = Vec::new();
            for lc in &list {
                instances.push(configuration(ctx, lc, &mut out));
            }
            out.configurations = Some(instances);
        }
        Err(e) => {
            // What the configurations launch is unknown: their instances' settings and the
            // volumes their mappings create.
            for d in [data::EC2_INSTANCES, data::EC2_VOLUMES] {
                ctx.gap(d, AUTOSCALING, "DescribeLaunchConfigurations", &e);
            }
        }
    }
    out
}

/// One launch configuration.
fn configuration(
    ctx: &Ctx,
    lc: &aws_sdk_autoscaling::types::LaunchConfiguration,
    out: &mut Scaling,
) -> Instance {
    let name = lc.launch_configuration_name().unwrap_or_default();
    let arn = lc.launch_configuration_arn().map_or_else(
        || {
            ctx.arn(
                "autoscaling",
                &format!("launchConfiguration:*:launchConfigurationName/{name}"),
            )
        },
        str::to_owned,
    );
    let meta = Meta {
        arn: arn.clone(),
        name: name.to_owned(),
        // The Auto Scaling API keeps no tags on a launch configuration.
        tags: rampart_model::Tags::default(),
        origin: origin(AUTOSCALING, "DescribeLaunchConfigurations"),
    };
    for b in lc.block_device_mappings() {
        let Some(ebs) = b.ebs() else { continue };
        out.volumes.push(TemplateVolume::new(
            &meta,
            name,
            b.device_name(),
            ebs.volume_size(),
            // A launch configuration cannot name a KMS key: the region's default key is used.
            None,
            ebs.encrypted(),
            ebs.snapshot_id().is_some(),
            (
                "launch configuration",
                AUTOSCALING,
                "DescribeLaunchConfigurations",
            ),
        ));
    }
    // `AssociatePublicIpAddress` unset: the subnet's `MapPublicIpOnLaunch` decides at launch
    // (Auto Scaling API Reference, `LaunchConfiguration`).
    if lc.associate_public_ip_address().is_none() {
        out.left_to_subnet.insert(name.to_owned());
    }
    Instance {
        meta,
        id: name.to_owned(),
        state: Instance::LAUNCH_CONFIGURATION.to_owned(),
        vpc_id: None,
        subnet_id: None,
        public_ip: (lc.associate_public_ip_address() == Some(true))
            .then(|| "(assigned on launch)".to_owned()),
        instance_profile: lc.iam_instance_profile().map(str::to_owned),
        security_groups: lc.security_groups().to_vec(),
        network_interfaces: Vec::new(),
        user_data: user_data_text(
            ctx,
            &arn,
            AUTOSCALING,
            "DescribeLaunchConfigurations",
            lc.user_data(),
        ),
        // `HttpTokens` unset is `optional` (the API's default for launch configurations).
        imdsv2_required: Some(
            lc.metadata_options()
                .and_then(|m| m.http_tokens())
                .is_some_and(|t| t.as_str() == "required"),
        ),
    }
}

/// One group, and the launch sources it names (matched later).
fn group(g: &aws_sdk_autoscaling::types::AutoScalingGroup) -> (AutoScalingGroup, Vec<Wanted>) {
    let name = g.auto_scaling_group_name().unwrap_or_default();
    let mut wanted = Vec::new();
    if let Some(lc) = g.launch_configuration_name() {
        wanted.push(Wanted {
            kind: Instance::LAUNCH_CONFIGURATION,
            id: None,
            name: Some(lc.to_owned()),
            version: None,
        });
    }
    let spec = |s: &aws_sdk_autoscaling::types::LaunchTemplateSpecification| Wanted {
        kind: Instance::LAUNCH_TEMPLATE,
        id: s.launch_template_id().map(str::to_owned),
        name: s.launch_template_name().map(str::to_owned),
        version: s.version().map(str::to_owned),
    };
    wanted.extend(g.launch_template().map(spec));
    if let Some(lt) = g.mixed_instances_policy().and_then(|m| m.launch_template()) {
        wanted.extend(lt.launch_template_specification().map(spec));
        wanted.extend(
            lt.overrides()
                .iter()
                .filter_map(|o| o.launch_template_specification())
                .map(spec),
        );
    }
    let group = AutoScalingGroup {
        meta: Meta {
            arn: g.auto_scaling_group_arn().unwrap_or_default().to_owned(),
            name: name.to_owned(),
            tags: tags(g.tags().iter().map(|t| (t.key(), t.value()))),
            origin: origin(AUTOSCALING, "DescribeAutoScalingGroups"),
        },
        launches: Vec::new(),
        subnet_ids: g
            .vpc_zone_identifier()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        target_group_arns: g.target_group_arns().to_vec(),
        load_balancer_names: g.load_balancer_names().to_vec(),
    };
    (group, wanted)
}

/// Puts what was read into `region` (whose EC2 data, launch templates and subnets included,
/// is already there): launch configurations and their volumes (encryption resolved against
/// `ebs_default`), and each group linked to the templates and configurations it launches.
///
/// - A group's template is judged at its default version; a group asking for another one
///   (`$Latest` when it is not the default, or another number) launches what rampart did not
///   read: a gap on the group, so that the checks of its instances say `not_assessed` for it.
///   So does a source that is not in the region's lists.
/// - A template or configuration that leaves the public address to the subnet gives one to
///   every instance a group launches into a subnet that maps public addresses on launch (EC2
///   User Guide, "Amazon EC2 instance IP addressing"): it then assigns public addresses. When
///   the groups could not be read, that is unknown: a gap on each such template or
///   configuration for `ec2.instances.public_ip`. So it is, for those a group launches, when
///   the region's subnets (`subnets_read` false) could not be.
pub(crate) fn apply(
    ctx: &Ctx,
    region: &mut Region,
    scaling: Scaling,
    templates: &[TemplateFacts],
    ebs_default: Option<bool>,
    subnets_read: bool,
) {
    let Scaling {
        groups,
        configurations,
        volumes,
        left_to_subnet,
    } = scaling;
    let configurations_read = configurations.is_some();
    region.instances.extend(configurations.unwrap_or_default());
    region
        .volumes
        .extend(volumes.into_iter().map(|v| v.resolve(ctx, ebs_default)));
    let open: BTreeSet<&str> = templates
        .iter()
        .filter(|t| t.public_ip_left_to_subnet)
        .map(|t| t.id.as_str())
        .chain(left_to_subnet.iter().map(String::as_str))
        .collect();
    let Some(groups) = groups else {
        for i in &region.instances {
            if i.is_launch_template() && i.public_ip.is_none() && open.contains(i.id.as_str()) {
                ctx.unknown_for(
                    data::EC2_LAUNCH_PUBLIC_IP,
                    AUTOSCALING,
                    "DescribeAutoScalingGroups",
                    &i.meta.arn,
                    format!(
                        "`{}` leaves public addresses to the subnet, and the subnets of the Auto Scaling groups that launch it could not be read",
                        i.meta.name
                    ),
                    "Unknown",
                );
            }
        }
        return;
    };
    let public_subnets: BTreeSet<&str> = region
        .subnets
        .iter()
        .filter(|s| s.map_public_ip_on_launch)
        .map(|s| s.id.as_str())
        .collect();
    let mut assigned: Vec<(String, String)> = Vec::new();
    // Templates and configurations left to the subnets of groups whose subnets are unknown.
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    for (mut g, wanted) in groups {
        let public_subnet = g
            .subnet_ids
            .iter()
            .find(|s| public_subnets.contains(s.as_str()))
            .cloned();
        for w in wanted {
            let label = w.id.clone().or_else(|| w.name.clone()).unwrap_or_default();
            let (id, problem) = if w.kind == Instance::LAUNCH_CONFIGURATION {
                let found = region
                    .instances
                    .iter()
                    .any(|i| i.state == w.kind && Some(&i.id) == w.name.as_ref());
                let problem = (!found && configurations_read).then(|| {
                    (
                        "NotFound",
                        format!("its launch configuration `{label}` is not among the region's"),
                    )
                });
                (label.clone(), problem)
            } else {
                match templates.iter().find(|t| {
                    Some(&t.id) == w.id.as_ref()
                        || (w.id.is_none() && Some(&t.name) == w.name.as_ref())
                }) {
                    Some(t) => {
                        let judged = match w.version.as_deref() {
                            None | Some("$Default") => true,
                            Some("$Latest") => t.latest_version == t.default_version,
                            Some(n) => n.parse::<i64>().ok() == t.default_version,
                        };
                        let problem = (!judged).then(|| {
                            ("NotCollected", format!(
                                "it launches version `{}` of launch template `{}`, and rampart reads the default version{}",
                                w.version.as_deref().unwrap_or_default(),
                                t.name,
                                t.default_version.map(|v| format!(" ({v})")).unwrap_or_default()
                            ))
                        });
                        (t.id.clone(), problem)
                    }
                    None => (
                        label.clone(),
                        Some((
                            "NotFound",
                            format!("its launch template `{label}` is not among the region's"),
                        )),
                    ),
                }
            };
            match problem {
                Some((code, why)) => ctx.unknown_for(
                    data::EC2_INSTANCES,
                    AUTOSCALING,
                    "DescribeAutoScalingGroups",
                    &g.meta.arn,
                    format!(
                        "what Auto Scaling group `{}` launches is not judged: {why}",
                        g.meta.name
                    ),
                    code,
                ),
                None if !open.contains(id.as_str()) => {}
                None => match &public_subnet {
                    Some(subnet) => assigned.push((id.clone(), format!(
                        "(assigned on launch: subnet `{subnet}` of Auto Scaling group `{}` maps public addresses)",
                        g.meta.name
                    ))),
                    None if !subnets_read => {
                        unknown.insert(id.clone());
                    }
                    None => {}
                },
            }
            g.launches.push(LaunchSource {
                kind: w.kind.to_owned(),
                id,
                version: w.version,
            });
        }
        region.autoscaling_groups.push(g);
    }
    for (id, why) in assigned {
        if let Some(i) = region
            .instances
            .iter_mut()
            .find(|i| i.is_launch_template() && i.id == id && i.public_ip.is_none())
        {
            i.public_ip = Some(why);
        }
    }
    for i in &region.instances {
        if i.is_launch_template() && i.public_ip.is_none() && unknown.contains(&i.id) {
            ctx.unknown_for(
                data::EC2_LAUNCH_PUBLIC_IP,
                "EC2",
                "DescribeSubnets",
                &i.meta.arn,
                format!(
                    "`{}` leaves public addresses to the subnet, and the subnets of the Auto Scaling groups that launch it could not be read",
                    i.meta.name
                ),
                "Unknown",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rampart_model::network::Subnet;

    use super::*;
    use crate::ctx::{Limiter, Shared};

    fn ctx() -> Ctx {
        let shared = Arc::new(Shared {
            stats: Arc::new(crate::stats::Stats::default()),
            limiter: Limiter::new(0.0),
            progress: Arc::new(crate::progress::Silent),
            fan_out: 1,
        });
        Ctx::new(shared, "111122223333", "aws").in_region("us-east-1")
    }

    fn instance(id: &str, state: &str, public_ip: Option<&str>) -> Instance {
        Instance {
            meta: Meta::new(
                format!("arn:aws:ec2:us-east-1:111122223333:{id}"),
                id,
                origin(AUTOSCALING, "DescribeLaunchConfigurations"),
            ),
            id: id.to_owned(),
            state: state.to_owned(),
            vpc_id: None,
            subnet_id: None,
            public_ip: public_ip.map(str::to_owned),
            instance_profile: None,
            security_groups: Vec::new(),
            network_interfaces: Vec::new(),
            user_data: None,
            imdsv2_required: Some(true),
        }
    }

    fn facts(id: &str, default: i64, latest: i64, open: bool) -> TemplateFacts {
        TemplateFacts {
            id: id.to_owned(),
            name: format!("{id}-name"),
            default_version: Some(default),
            latest_version: Some(latest),
            public_ip_left_to_subnet: open,
        }
    }

    fn group(name: &str, subnet: &str, wanted: Vec<Wanted>) -> (AutoScalingGroup, Vec<Wanted>) {
        let g = AutoScalingGroup {
            meta: Meta::new(
                format!(
                    "arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:x:autoScalingGroupName/{name}"
                ),
                name,
                origin(AUTOSCALING, "DescribeAutoScalingGroups"),
            ),
            launches: Vec::new(),
            subnet_ids: vec![subnet.to_owned()],
            target_group_arns: Vec::new(),
            load_balancer_names: Vec::new(),
        };
        (g, wanted)
    }

    fn template(id: Option<&str>, name: Option<&str>, version: Option<&str>) -> Wanted {
        Wanted {
            kind: Instance::LAUNCH_TEMPLATE,
            id: id.map(str::to_owned),
            name: name.map(str::to_owned),
            version: version.map(str::to_owned),
        }
    }

    fn region() -> Region {
        let mut r = Region::new("us-east-1");
        for (id, public) in [("subnet-pub", true), ("subnet-priv", false)] {
            r.subnets.push(Subnet {
                meta: Meta::new(id, id, origin("EC2", "DescribeSubnets")),
                id: id.to_owned(),
                vpc_id: "vpc-1".to_owned(),
                cidr: Some("10.0.0.0/24".to_owned()),
                ipv6_cidr: None,
                availability_zone: None,
                map_public_ip_on_launch: public,
            });
        }
        r.instances
            .push(instance("lt-open", Instance::LAUNCH_TEMPLATE, None));
        r.instances
            .push(instance("lt-closed", Instance::LAUNCH_TEMPLATE, None));
        r.instances
            .push(instance("lt-versioned", Instance::LAUNCH_TEMPLATE, None));
        r
    }

    fn scaling(groups: Option<Vec<(AutoScalingGroup, Vec<Wanted>)>>) -> Scaling {
        Scaling {
            groups,
            configurations: Some(vec![instance(
                "web-lc",
                Instance::LAUNCH_CONFIGURATION,
                None,
            )]),
            volumes: Vec::new(),
            left_to_subnet: ["web-lc".to_owned()].into(),
        }
    }

    fn templates() -> Vec<TemplateFacts> {
        vec![
            facts("lt-open", 1, 1, true),
            facts("lt-closed", 1, 1, false),
            facts("lt-versioned", 2, 3, true),
        ]
    }

    fn public_ip<'a>(r: &'a Region, id: &str) -> Option<&'a str> {
        r.instances
            .iter()
            .find(|i| i.id == id)
            .and_then(|i| i.public_ip.as_deref())
    }

    /// EC2 User Guide, "Amazon EC2 instance IP addressing": an instance launched into a subnet
    /// whose `MapPublicIpOnLaunch` is true gets a public IPv4 address unless its network
    /// interface says otherwise.
    #[test]
    fn a_template_leaving_the_address_to_a_public_subnet_assigns_one() {
        let c = ctx();
        let mut r = region();
        let lc = Wanted {
            kind: Instance::LAUNCH_CONFIGURATION,
            id: None,
            name: Some("web-lc".to_owned()),
            version: None,
        };
        let groups = vec![group(
            "pub",
            "subnet-pub",
            vec![
                template(Some("lt-open"), None, Some("$Default")),
                template(None, Some("lt-closed-name"), None),
                lc,
            ],
        )];
        apply(
            &c,
            &mut r,
            scaling(Some(groups)),
            &templates(),
            Some(false),
            true,
        );
        assert!(
            public_ip(&r, "lt-open").is_some_and(|p| p.contains("subnet-pub")),
            "{:?}",
            public_ip(&r, "lt-open")
        );
        assert_eq!(public_ip(&r, "lt-closed"), None, "its interface decides");
        assert!(public_ip(&r, "web-lc").is_some_and(|p| p.contains("`pub`")));
        let g = &r.autoscaling_groups[0];
        let ids: Vec<&str> = g.launches.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(
            ids,
            ["lt-open", "lt-closed", "web-lc"],
            "a name resolves to the id"
        );
        assert!(c.take_gaps().is_empty());
    }

    #[test]
    fn a_private_subnet_assigns_nothing() {
        let c = ctx();
        let mut r = region();
        let groups = vec![group(
            "priv",
            "subnet-priv",
            vec![template(Some("lt-open"), None, None)],
        )];
        apply(
            &c,
            &mut r,
            scaling(Some(groups)),
            &templates(),
            Some(false),
            true,
        );
        assert_eq!(public_ip(&r, "lt-open"), None);
        assert!(c.take_gaps().is_empty());
    }

    /// Auto Scaling API Reference, `LaunchTemplateSpecification.Version`: `$Latest`,
    /// `$Default` or a number; rampart reads the default version only.
    #[test]
    fn a_version_other_than_the_default_is_a_gap_on_the_group() {
        let c = ctx();
        let mut r = region();
        let groups = vec![
            group(
                "latest",
                "subnet-pub",
                vec![template(Some("lt-versioned"), None, Some("$Latest"))],
            ),
            group(
                "two",
                "subnet-pub",
                vec![template(Some("lt-versioned"), None, Some("2"))],
            ),
            group(
                "same",
                "subnet-priv",
                vec![template(Some("lt-open"), None, Some("$Latest"))],
            ),
            group(
                "gone",
                "subnet-priv",
                vec![template(Some("lt-deleted"), None, None)],
            ),
        ];
        apply(
            &c,
            &mut r,
            scaling(Some(groups)),
            &templates(),
            Some(false),
            true,
        );
        let gaps = c.take_gaps();
        let on: Vec<&str> = gaps
            .iter()
            .filter_map(|g| g.resource.as_deref())
            .map(|r| r.rsplit('/').next().unwrap_or(r))
            .collect();
        assert_eq!(on, ["latest", "gone"], "{gaps:#?}");
        assert!(gaps.iter().all(|g| g.data == data::EC2_INSTANCES));
        // Version 2 is the default: judged, and its public subnet assigns addresses.
        assert!(public_ip(&r, "lt-versioned").is_some_and(|p| p.contains("`two`")));
    }

    #[test]
    fn unread_groups_leave_open_templates_unknown() {
        let c = ctx();
        let mut r = region();
        apply(&c, &mut r, scaling(None), &templates(), Some(false), true);
        let gaps = c.take_gaps();
        let mut on: Vec<&str> = gaps
            .iter()
            .filter(|g| g.data == data::EC2_LAUNCH_PUBLIC_IP)
            .filter_map(|g| g.resource.as_deref())
            .map(|r| r.rsplit(':').next().unwrap_or(r))
            .collect();
        on.sort_unstable();
        assert_eq!(on, ["lt-open", "lt-versioned", "web-lc"]);
        assert!(r.autoscaling_groups.is_empty());
    }

    /// Groups read, subnets not: whether a subnet maps public addresses is unknown, so each open
    /// template or configuration a group launches is a gap, never a pass.
    #[test]
    fn unread_subnets_leave_launched_open_templates_unknown() {
        let c = ctx();
        let mut r = region();
        r.subnets.clear();
        let lc = Wanted {
            kind: Instance::LAUNCH_CONFIGURATION,
            id: None,
            name: Some("web-lc".to_owned()),
            version: None,
        };
        let groups = vec![group(
            "pub",
            "subnet-pub",
            vec![
                template(Some("lt-open"), None, None),
                template(Some("lt-closed"), None, None),
                lc,
            ],
        )];
        apply(
            &c,
            &mut r,
            scaling(Some(groups)),
            &templates(),
            Some(false),
            false,
        );
        let gaps = c.take_gaps();
        let mut on: Vec<&str> = gaps
            .iter()
            .filter(|g| g.data == data::EC2_LAUNCH_PUBLIC_IP)
            .filter_map(|g| g.resource.as_deref())
            .map(|r| r.rsplit(':').next().unwrap_or(r))
            .collect();
        on.sort_unstable();
        // lt-closed sets its interface; lt-versioned is launched by no group.
        assert_eq!(on, ["lt-open", "web-lc"], "{gaps:#?}");
        assert_eq!(public_ip(&r, "lt-open"), None);
        assert_eq!(r.autoscaling_groups.len(), 1);
    }
}
