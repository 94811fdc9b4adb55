//! EC2 and VPC: networks, rules, instances, interfaces, volumes, EBS defaults.

use aws_config::SdkConfig;
use aws_sdk_ec2::types::{InstanceAttributeName, IpPermission, RouteState};
use rampart_model::compute::{Instance, NetworkInterface};
use rampart_model::network::{
    FlowLog, InternetGateway, NaclEntry, NatGateway, NetworkAcl, Peer, Route, RouteTable,
    RouteTargetKind, RuleAction, SecurityGroup, SgRule, Subnet, Vpc, VpcEndpoint,
};
use rampart_model::storage::Volume;
use rampart_model::{Meta, Region, data};

use crate::ctx::{CallError, Ctx, origin, policy_doc};
use crate::svc::autoscaling::TemplateFacts;
use crate::svc::{client, name_of, tags, u32_of};

const EC2: &str = "EC2";

fn ec2_tags(t: &[aws_sdk_ec2::types::Tag]) -> rampart_model::Tags {
    tags(t.iter().map(|t| (t.key(), t.value())))
}

fn meta(ctx: &Ctx, kind: &str, id: &str, t: &[aws_sdk_ec2::types::Tag], op: &str) -> Meta {
    let tags = ec2_tags(t);
    Meta {
        arn: ctx.arn("ec2", &format!("{kind}/{id}")),
        name: name_of(&tags, id),
        tags,
        origin: origin(EC2, op),
    }
}

/// The regions known to the account, each with whether it is enabled.
pub(crate) async fn regions(
    ctx: &Ctx,
    config: &SdkConfig,
) -> Result<Vec<(String, bool)>, CallError> {
    let c = client!(aws_sdk_ec2, ctx, config);
    let out = ctx
        .call(
            EC2,
            "DescribeRegions",
            c.describe_regions().all_regions(true).send(),
        )
        .await?;
    let mut list: Vec<(String, bool)> = out
        .regions()
        .iter()
        .filter_map(|r| {
            let name = r.region_name()?.to_owned();
            let enabled = r.opt_in_status().is_none_or(|s| s != "not-opted-in");
            Some((name, enabled))
        })
        .collect();
    list.sort();
    Ok(list)
}

type Client = aws_sdk_ec2::Client;

/// Reads the EC2/VPC data of one region: every resource type is listed concurrently, each by its
/// own function; a listing that fails is a gap on its data set (through [`Ctx::list`]).
pub(crate) async fn collect(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_ec2, ctx, &config);
    let ctx = &ctx;
    let c = &c;
    let mut region = Region::new(ctx.region_name());
    let (
        vpcs,
        subnets,
        route_tables,
        igws,
        eigws,
        nats,
        endpoints,
        flows,
        sgs,
        nacls,
        instances,
        enis,
        volumes,
        (ebs_default, ebs_key),
        (templates, template_volumes, template_facts),
        scaling,
    ) = tokio::join!(
        vpcs(ctx, c),
        subnets(ctx, c),
        route_tables(ctx, c),
        internet_gateways(ctx, c),
        egress_only_gateways(ctx, c),
        nat_gateways(ctx, c),
        vpc_endpoints(ctx, c),
        flow_logs(ctx, c),
        security_groups(ctx, c),
        network_acls(ctx, c),
        instances(ctx, c),
        network_interfaces(ctx, c),
        volumes(ctx, c),
        ebs_defaults(ctx, c),
        launch_templates(ctx, c),
        super::autoscaling::read(ctx, &config),
    );
    region.vpcs = vpcs;
    let subnets_read = subnets.is_some();
    region.subnets = subnets.unwrap_or_default();
    region.route_tables = route_tables;
    region.internet_gateways = igws;
    region.internet_gateways.extend(eigws);
    region.nat_gateways = nats;
    region.vpc_endpoints = endpoints;
    region.flow_logs = flows;
    region.security_groups = sgs;
    region.network_acls = nacls;
    region.instances = instances;
    region.instances.extend(templates);
    region.network_interfaces = enis;
    region.volumes = volumes;
    region.volumes.extend(
        template_volumes
            .into_iter()
            .map(|v| v.resolve(ctx, ebs_default)),
    );
    region.ebs_encryption_by_default = ebs_default;
    region.ebs_default_kms_key = ebs_key;
    super::autoscaling::apply(
        ctx,
        &mut region,
        scaling,
        &template_facts,
        ebs_default,
        subnets_read,
    );
    region
}

async fn vpcs(ctx: &Ctx, c: &Client) -> Vec<Vpc> {
    let list = ctx
        .list(
            data::EC2_VPC,
            EC2,
            "DescribeVpcs",
            |t| c.describe_vpcs().set_next_token(t).send(),
            |o| (o.vpcs.unwrap_or_default(), o.next_token),
        )
        .await;
    list.unwrap_or_default()
        .iter()
        .map(|v| {
            let id = v.vpc_id().unwrap_or_default();
            let mut cidr_blocks: Vec<String> = v
                .cidr_block_association_set()
                .iter()
                .filter_map(|a| a.cidr_block().map(str::to_owned))
                .collect();
            if cidr_blocks.is_empty() {
                cidr_blocks.extend(v.cidr_block().map(str::to_owned));
            }
            Vpc {
                meta: meta(ctx, "vpc", id, v.tags(), "DescribeVpcs"),
                id: id.to_owned(),
                cidr_blocks,
                ipv6_cidr_blocks: v
                    .ipv6_cidr_block_association_set()
                    .iter()
                    .filter_map(|a| a.ipv6_cidr_block().map(str::to_owned))
                    .collect(),
                is_default: v.is_default().unwrap_or(false),
            }
        })
        .collect()
}

/// The region's subnets; `None` when they could not be listed (a gap, through [`Ctx::list`]).
async fn subnets(ctx: &Ctx, c: &Client) -> Option<Vec<Subnet>> {
    let list = ctx
        .list(
            data::EC2_VPC,
            EC2,
            "DescribeSubnets",
            |t| c.describe_subnets().set_next_token(t).send(),
            |o| (o.subnets.unwrap_or_default(), o.next_token),
        )
        .await;
    let list = list?;
    Some(
        list.iter()
            .map(|s| {
                let id = s.subnet_id().unwrap_or_default();
                Subnet {
                    meta: meta(ctx, "subnet", id, s.tags(), "DescribeSubnets"),
                    id: id.to_owned(),
                    vpc_id: s.vpc_id().unwrap_or_default().to_owned(),
                    cidr: s.cidr_block().map(str::to_owned),
                    ipv6_cidr: s
                        .ipv6_cidr_block_association_set()
                        .iter()
                        .find_map(|a| a.ipv6_cidr_block().map(str::to_owned)),
                    availability_zone: s.availability_zone().map(str::to_owned),
                    map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
                }
            })
            .collect(),
    )
}

async fn route_tables(ctx: &Ctx, c: &Client) -> Vec<RouteTable> {
    let list = ctx
        .list(
            data::EC2_ROUTE_TABLES,
            EC2,
            "DescribeRouteTables",
            |t| c.describe_route_tables().set_next_token(t).send(),
            |o| (o.route_tables.unwrap_or_default(), o.next_token),
        )
        .await;
    list.unwrap_or_default()
        .iter()
        .map(|t| {
            let id = t.route_table_id().unwrap_or_default();
            RouteTable {
                meta: meta(ctx, "route-table", id, t.tags(), "DescribeRouteTables"),
                id: id.to_owned(),
                vpc_id: t.vpc_id().unwrap_or_default().to_owned(),
                main: t.associations().iter().any(|a| a.main().unwrap_or(false)),
                subnet_ids: t
                    .associations()
                    .iter()
                    .filter_map(|a| a.subnet_id().map(str::to_owned))
                    .collect(),
                routes: t.routes().iter().map(route).collect(),
            }
        })
        .collect()
}

async fn internet_gateways(ctx: &Ctx, c: &Client) -> Vec<InternetGateway> {
    let list = ctx
        .list(
            data::EC2_VPC,
            EC2,
            "DescribeInternetGateways",
            |t| c.describe_internet_gateways().set_next_token(t).send(),
            |o| (o.internet_gateways.unwrap_or_default(), o.next_token),
        )
        .await;
    list.unwrap_or_default()
        .iter()
        .map(|g| {
            let id = g.internet_gateway_id().unwrap_or_default();
            InternetGateway {
                meta: meta(
                    ctx,
                    "internet-gateway",
                    id,
                    g.tags(),
                    "DescribeInternetGateways",
                ),
                id: id.to_owned(),
                vpc_ids: g
                    .attachments()
                    .iter()
                    .filter_map(|a| a.vpc_id().map(str::to_owned))
                    .collect(),
                egress_only: false,
            }
        })
        .collect()
}

async fn egress_only_gateways(ctx: &Ctx, c: &Client) -> Vec<InternetGateway> {
    let list = ctx
        .list(
            data::EC2_VPC,
            EC2,
            "DescribeEgressOnlyInternetGateways",
            |t| {
                c.describe_egress_only_internet_gateways()
                    .set_next_token(t)
                    .send()
            },
            |o| {
                (
                    o.egress_only_internet_gateways.unwrap_or_default(),
                    o.next_token,
                )
            },
        )
        .await;
    list.unwrap_or_default()
        .iter()
        .map(|g| {
            let id = g.egress_only_internet_gateway_id().unwrap_or_default();
            InternetGateway {
                meta: meta(
                    ctx,
                    "egress-only-internet-gateway",
                    id,
                    g.tags(),
                    "DescribeEgressOnlyInternetGateways",
                ),
                id: id.to_owned(),
                vpc_ids: g
                    .attachments()
                    .iter()
                    .filter_map(|a| a.vpc_id().map(str::to_owned))
                    .collect(),
                egress_only: true,
            }
        })
        .collect()
}

async fn nat_gateways(ctx: &Ctx, c: &Client) -> Vec<NatGateway> {
    let list = ctx
        .list(
            data::EC2_VPC,
            EC2,
            "DescribeNatGateways",
            |t| c.describe_nat_gateways().set_next_token(t).send(),
            |o| (o.nat_gateways.unwrap_or_default(), o.next_token),
        )
        .await;
    list.unwrap_or_default()
        .iter()
        .filter(|n| n.state().is_none_or(|s| s.as_str() != "deleted"))
        .map(|n| {
            let id = n.nat_gateway_id().unwrap_or_default();
            NatGateway {
                meta: meta(ctx, "natgateway", id, n.tags(), "DescribeNatGateways"),
                id: id.to_owned(),
                vpc_id: n.vpc_id().unwrap_or_default().to_owned(),
                subnet_id: n.subnet_id().unwrap_or_default().to_owned(),
                public: n
                    .connectivity_type()
                    .is_none_or(|c| c.as_str() != "private"),
            }
        })
        .collect()
}

async fn vpc_endpoints(ctx: &Ctx, c: &Client) -> Vec<VpcEndpoint> {
    let list = ctx
        .list(
            data::EC2_VPC,
            EC2,
            "DescribeVpcEndpoints",
            |t| c.describe_vpc_endpoints().set_next_token(t).send(),
            |o| (o.vpc_endpoints.unwrap_or_default(), o.next_token),
        )
        .await;
    list.unwrap_or_default()
        .iter()
        .map(|v| {
            let id = v.vpc_endpoint_id().unwrap_or_default();
            VpcEndpoint {
                meta: meta(ctx, "vpc-endpoint", id, v.tags(), "DescribeVpcEndpoints"),
                id: id.to_owned(),
                vpc_id: v.vpc_id().unwrap_or_default().to_owned(),
                service_name: v.service_name().unwrap_or_default().to_owned(),
                endpoint_type: v
                    .vpc_endpoint_type()
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default(),
                policy: v.policy_document().map(policy_doc),
                route_table_ids: v.route_table_ids().to_vec(),
                subnet_ids: v.subnet_ids().to_vec(),
            }
        })
        .collect()
}

async fn flow_logs(ctx: &Ctx, c: &Client) -> Vec<FlowLog> {
    let list = ctx
        .list(
            data::EC2_FLOW_LOGS,
            EC2,
            "DescribeFlowLogs",
            |t| c.describe_flow_logs().set_next_token(t).send(),
            |o| (o.flow_logs.unwrap_or_default(), o.next_token),
        )
        .await;
    list.unwrap_or_default()
        .iter()
        .map(|f| {
            let id = f.flow_log_id().unwrap_or_default();
            FlowLog {
                meta: meta(ctx, "vpc-flow-log", id, f.tags(), "DescribeFlowLogs"),
                id: id.to_owned(),
                resource_id: f.resource_id().unwrap_or_default().to_owned(),
                traffic_type: f
                    .traffic_type()
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_else(|| "ALL".into()),
                destination_type: f.log_destination_type().map(|t| t.as_str().to_owned()),
                active: f.flow_log_status().is_none_or(|s| s == "ACTIVE")
                    && f.deliver_logs_status().is_none_or(|s| s != "FAILED"),
            }
        })
        .collect()
}

async fn security_groups(ctx: &Ctx, c: &Client) -> Vec<SecurityGroup> {
    let list = ctx
        .list(
            data::EC2_SECURITY_GROUPS,
            EC2,
            "DescribeSecurityGroups",
            |t| c.describe_security_groups().set_next_token(t).send(),
            |o| (o.security_groups.unwrap_or_default(), o.next_token),
        )
        .await;
    list.unwrap_or_default()
        .iter()
        .map(|g| {
            let id = g.group_id().unwrap_or_default();
            SecurityGroup {
                meta: meta(
                    ctx,
                    "security-group",
                    id,
                    g.tags(),
                    "DescribeSecurityGroups",
                ),
                id: id.to_owned(),
                group_name: g.group_name().unwrap_or_default().to_owned(),
                description: g.description().unwrap_or_default().to_owned(),
                vpc_id: g.vpc_id().map(str::to_owned),
                ingress: g
                    .ip_permissions()
                    .iter()
                    .flat_map(|p| sg_rules(p, &ctx.account))
                    .collect(),
                egress: g
                    .ip_permissions_egress()
                    .iter()
                    .flat_map(|p| sg_rules(p, &ctx.account))
                    .collect(),
            }
        })
        .collect()
}

async fn network_acls(ctx: &Ctx, c: &Client) -> Vec<NetworkAcl> {
    let list = ctx
        .list(
            data::EC2_NETWORK_ACLS,
            EC2,
            "DescribeNetworkAcls",
            |t| c.describe_network_acls().set_next_token(t).send(),
            |o| (o.network_acls.unwrap_or_default(), o.next_token),
        )
        .await;
    list.unwrap_or_default()
        .iter()
        .map(|n| {
            let id = n.network_acl_id().unwrap_or_default();
            NetworkAcl {
                meta: meta(ctx, "network-acl", id, n.tags(), "DescribeNetworkAcls"),
                id: id.to_owned(),
                vpc_id: n.vpc_id().unwrap_or_default().to_owned(),
                is_default: n.is_default().unwrap_or(false),
                subnet_ids: n
                    .associations()
                    .iter()
                    .filter_map(|a| a.subnet_id().map(str::to_owned))
                    .collect(),
                entries: n.entries().iter().map(nacl_entry).collect(),
            }
        })
        .collect()
}

fn nacl_entry(e: &aws_sdk_ec2::types::NetworkAclEntry) -> NaclEntry {
    NaclEntry {
        rule_number: e.rule_number().unwrap_or(32767),
        egress: e.egress().unwrap_or(false),
        protocol: e.protocol().unwrap_or("-1").to_owned(),
        action: if e.rule_action().is_some_and(|a| a.as_str() == "allow") {
            RuleAction::Allow
        } else {
            RuleAction::Deny
        },
        cidr: e.cidr_block().map(str::to_owned),
        ipv6_cidr: e.ipv6_cidr_block().map(str::to_owned),
        from_port: e.port_range().and_then(|p| p.from()),
        to_port: e.port_range().and_then(|p| p.to()),
        origin: None,
    }
}

async fn instances(ctx: &Ctx, c: &Client) -> Vec<Instance> {
    let list = ctx
        .list(
            data::EC2_INSTANCES,
            EC2,
            "DescribeInstances",
            |t| c.describe_instances().set_next_token(t).send(),
            |o| {
                (
                    o.reservations
                        .unwrap_or_default()
                        .into_iter()
                        .flat_map(|r| r.instances.unwrap_or_default())
                        .collect(),
                    o.next_token,
                )
            },
        )
        .await
        .unwrap_or_default();
    let ids: Vec<String> = list
        .iter()
        .filter_map(|i| i.instance_id().map(str::to_owned))
        .collect();
    let user_data = ctx
        .map(ids, |id| {
            let (c, ctx) = (c.clone(), ctx.clone());
            async move { user_data(&ctx, &c, &id).await }
        })
        .await;
    list.iter()
        .zip(user_data)
        .map(|(i, ud)| {
            let id = i.instance_id().unwrap_or_default();
            Instance {
                meta: meta(ctx, "instance", id, i.tags(), "DescribeInstances"),
                id: id.to_owned(),
                state: i
                    .state()
                    .and_then(|s| s.name())
                    .map(|n| n.as_str().to_owned())
                    .unwrap_or_default(),
                vpc_id: i.vpc_id().map(str::to_owned),
                subnet_id: i.subnet_id().map(str::to_owned),
                public_ip: i.public_ip_address().map(str::to_owned),
                instance_profile: i
                    .iam_instance_profile()
                    .and_then(|p| p.arn())
                    .map(str::to_owned),
                security_groups: i
                    .security_groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_owned))
                    .collect(),
                network_interfaces: i
                    .network_interfaces()
                    .iter()
                    .filter_map(|n| n.network_interface_id().map(str::to_owned))
                    .collect(),
                user_data: ud,
                imdsv2_required: i
                    .metadata_options()
                    .and_then(|m| m.http_tokens())
                    .map(|t| t.as_str() == "required"),
            }
        })
        .collect()
}

/// A volume that a launch template's or launch configuration's block device mapping creates on
/// every launch, before its encryption is resolved against the region's EBS encryption by
/// default.
pub(crate) struct TemplateVolume {
    volume: Volume,
    /// `Encrypted` as the mapping sets it (`None`: not set).
    declared: Option<bool>,
    /// The mapping creates the volume from a snapshot (whose encryption it then follows).
    from_snapshot: bool,
    /// What declares the mapping (`launch template`, `launch configuration`), and the SDK
    /// service and operation that read it, for the gap when its encryption cannot be known.
    declared_by: (&'static str, &'static str, &'static str),
}

impl TemplateVolume {
    /// The volume a mapping of device `device` creates for the template or configuration
    /// `owner` (instance id `owner_id`): `OWNER_ARN#block_device_mappings/dev/xvda`, the key
    /// the Terraform and CloudFormation readers give it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        owner: &Meta,
        owner_id: &str,
        device: Option<&str>,
        size_gib: Option<i32>,
        kms_key_id: Option<&str>,
        declared: Option<bool>,
        from_snapshot: bool,
        declared_by: (&'static str, &'static str, &'static str),
    ) -> Self {
        let key = format!("block_device_mappings{}", device.unwrap_or_default());
        let mut vm = owner.clone();
        vm.arn = format!("{}#{key}", owner.arn);
        vm.name = format!("{} {key}", owner.name);
        TemplateVolume {
            volume: Volume {
                meta: vm.clone(),
                id: vm.arn,
                encrypted: false,
                kms_key_id: kms_key_id.map(str::to_owned),
                size_gib: u32_of(size_gib.unwrap_or(0)),
                attached_to: vec![owner_id.to_owned()],
            },
            declared,
            from_snapshot,
            declared_by,
        }
    }

    /// The volume as it is created. EC2 encrypts a new volume when the mapping asks for it, when
    /// its snapshot is encrypted, or when the region encrypts new volumes by default (which
    /// cannot be overridden to create an unencrypted one) — EC2 User Guide, "Amazon EBS
    /// encryption" and `LaunchTemplateEbsBlockDeviceRequest.Encrypted`. What the collector cannot
    /// know (the default unread, or a snapshot's encryption) is a gap on this volume.
    pub(crate) fn resolve(mut self, ctx: &Ctx, ebs_default: Option<bool>) -> Volume {
        let known = match (self.declared, ebs_default) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (_, None) => None,
            (Some(false), Some(false)) => Some(false),
            (None, Some(false)) => (!self.from_snapshot).then_some(false),
        };
        match known {
            Some(encrypted) => self.volume.encrypted = encrypted,
            None => {
                let why = if ebs_default.is_none() {
                    "the region's EBS encryption by default was not read"
                } else {
                    "the volume is created from a snapshot whose encryption it follows"
                };
                let (what, service, op) = self.declared_by;
                ctx.unknown_for(
                    data::EC2_VOLUMES,
                    service,
                    op,
                    &self.volume.meta.arn,
                    format!(
                        "whether `{}` is encrypted is not known: the {what} does not set `Encrypted` and {why}",
                        self.volume.meta.name
                    ),
                    "Unknown",
                );
            }
        }
        self.volume
    }
}

/// Launch templates, each judged on its default version — what a launch that names no version
/// gets (EC2 User Guide, "Launch an instance from a launch template"): its instance profile,
/// user data, metadata options and whether its network interfaces take a public IPv4 address,
/// as an [`Instance`] in state `launch-template` (the same shape the Terraform and
/// CloudFormation readers give), and the volumes its block device mappings create.
async fn launch_templates(
    ctx: &Ctx,
    c: &Client,
) -> (Vec<Instance>, Vec<TemplateVolume>, Vec<TemplateFacts>) {
    let list = ctx
        .list(
            data::EC2_INSTANCES,
            EC2,
            "DescribeLaunchTemplates",
            |t| c.describe_launch_templates().set_next_token(t).send(),
            |o| (o.launch_templates.unwrap_or_default(), o.next_token),
        )
        .await
        .unwrap_or_default();
    let versions = ctx
        .map(list.clone(), |t| {
            let (c, ctx) = (c.clone(), ctx.clone());
            async move {
                let id = t.launch_template_id().unwrap_or_default().to_owned();
                let arn = ctx.arn("ec2", &format!("launch-template/{id}"));
                ctx.get_for(
                    data::EC2_INSTANCES,
                    EC2,
                    "DescribeLaunchTemplateVersions",
                    &arn,
                    c.describe_launch_template_versions()
                        .launch_template_id(id)
                        .versions("$Default")
                        .send(),
                )
                .await
            }
        })
        .await;
    let mut templates = Vec::new();
    let mut volumes = Vec::new();
    let mut facts = Vec::new();
    for (t, version) in list.iter().zip(versions) {
        let id = t.launch_template_id().unwrap_or_default();
        let op = "DescribeLaunchTemplateVersions";
        let mut m = meta(ctx, "launch-template", id, t.tags(), op);
        if let Some(name) = t.launch_template_name() {
            name.clone_into(&mut m.name);
        }
        let mut fact = TemplateFacts {
            id: id.to_owned(),
            name: m.name.clone(),
            default_version: t.default_version_number(),
            latest_version: t.latest_version_number(),
            public_ip_left_to_subnet: false,
        };
        let blank = Instance {
            meta: m.clone(),
            id: id.to_owned(),
            state: "launch-template".to_owned(),
            vpc_id: None,
            subnet_id: None,
            public_ip: None,
            instance_profile: None,
            security_groups: Vec::new(),
            network_interfaces: Vec::new(),
            user_data: None,
            imdsv2_required: None,
        };
        // The version could not be read: a gap on the template says so (`Ctx::get_for`), and
        // its settings are unknown rather than absent.
        let Some(version) = version else {
            templates.push(blank);
            facts.push(fact);
            continue;
        };
        let Some(d) = version
            .launch_template_versions()
            .iter()
            .find_map(|v| v.launch_template_data())
        else {
            // A version that sets nothing: every launch takes the defaults.
            templates.push(Instance {
                imdsv2_required: Some(false),
                ..blank
            });
            fact.public_ip_left_to_subnet = true;
            facts.push(fact);
            continue;
        };
        for b in d.block_device_mappings() {
            let Some(ebs) = b.ebs() else { continue };
            volumes.push(TemplateVolume::new(
                &m,
                id,
                b.device_name(),
                ebs.volume_size(),
                ebs.kms_key_id(),
                ebs.encrypted(),
                ebs.snapshot_id().is_some(),
                ("launch template", EC2, "DescribeLaunchTemplateVersions"),
            ));
        }
        let interfaces = d.network_interfaces();
        fact.public_ip_left_to_subnet = interfaces
            .iter()
            .all(|n| n.associate_public_ip_address().is_none());
        facts.push(fact);
        templates.push(Instance {
            // An interface that asks for a public IPv4 address gives one to every instance
            // launched; without it, the subnet's `MapPublicIpOnLaunch` decides at launch.
            public_ip: interfaces
                .iter()
                .any(|n| n.associate_public_ip_address() == Some(true))
                .then(|| "(assigned on launch)".to_owned()),
            instance_profile: d
                .iam_instance_profile()
                .and_then(|p| p.arn().or(p.name()))
                .map(str::to_owned),
            security_groups: d
                .security_group_ids()
                .iter()
                .chain(d.security_groups())
                .chain(interfaces.iter().flat_map(|n| n.groups()))
                .cloned()
                .collect(),
            user_data: user_data_text(ctx, &m.arn, EC2, op, d.user_data()),
            // `HttpTokens` unset: the instance takes the AMI's or the account's default, which
            // is `optional` unless one of them requires IMDSv2 — read as the Terraform and
            // CloudFormation readers read an unset value.
            imdsv2_required: Some(
                d.metadata_options()
                    .and_then(|o| o.http_tokens())
                    .is_some_and(|t| t.as_str() == "required"),
            ),
            ..blank
        });
    }
    (templates, volumes, facts)
}

/// An instance's user data, decoded; a failed read is a gap on the instance.
async fn user_data(ctx: &Ctx, c: &Client, id: &str) -> Option<String> {
    let arn = ctx.arn("ec2", &format!("instance/{id}"));
    let out = ctx
        .get_for(
            data::EC2_USER_DATA,
            EC2,
            "DescribeInstanceAttribute",
            &arn,
            c.describe_instance_attribute()
                .instance_id(id)
                .attribute(InstanceAttributeName::UserData)
                .send(),
        )
        .await?;
    let b64 = out.user_data().and_then(|v| v.value());
    user_data_text(ctx, &arn, EC2, "DescribeInstanceAttribute", b64)
}

async fn network_interfaces(ctx: &Ctx, c: &Client) -> Vec<NetworkInterface> {
    let list = ctx
        .list(
            data::EC2_NETWORK_INTERFACES,
            EC2,
            "DescribeNetworkInterfaces",
            |t| c.describe_network_interfaces().set_next_token(t).send(),
            |o| (o.network_interfaces.unwrap_or_default(), o.next_token),
        )
        .await;
    list.unwrap_or_default()
        .iter()
        .map(|n| {
            let id = n.network_interface_id().unwrap_or_default();
            NetworkInterface {
                meta: meta(
                    ctx,
                    "network-interface",
                    id,
                    n.tag_set(),
                    "DescribeNetworkInterfaces",
                ),
                id: id.to_owned(),
                subnet_id: n.subnet_id().unwrap_or_default().to_owned(),
                vpc_id: n.vpc_id().unwrap_or_default().to_owned(),
                security_groups: n
                    .groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_owned))
                    .collect(),
                public_ip: n
                    .association()
                    .and_then(|a| a.public_ip())
                    .map(str::to_owned),
                ipv6_addresses: n
                    .ipv6_addresses()
                    .iter()
                    .filter_map(|a| a.ipv6_address().map(str::to_owned))
                    .collect(),
                private_ips: n
                    .private_ip_addresses()
                    .iter()
                    .filter_map(|a| a.private_ip_address().map(str::to_owned))
                    .collect(),
                instance_id: n
                    .attachment()
                    .and_then(|a| a.instance_id())
                    .map(str::to_owned),
                interface_type: n
                    .interface_type()
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default(),
                description: n.description().unwrap_or_default().to_owned(),
            }
        })
        .collect()
}

async fn volumes(ctx: &Ctx, c: &Client) -> Vec<Volume> {
    let list = ctx
        .list(
            data::EC2_VOLUMES,
            EC2,
            "DescribeVolumes",
            |t| c.describe_volumes().set_next_token(t).send(),
            |o| (o.volumes.unwrap_or_default(), o.next_token),
        )
        .await;
    list.unwrap_or_default()
        .iter()
        .map(|v| {
            let id = v.volume_id().unwrap_or_default();
            Volume {
                meta: meta(ctx, "volume", id, v.tags(), "DescribeVolumes"),
                id: id.to_owned(),
                encrypted: v.encrypted().unwrap_or(false),
                kms_key_id: v.kms_key_id().map(str::to_owned),
                size_gib: u32_of(v.size().unwrap_or(0)),
                attached_to: v
                    .attachments()
                    .iter()
                    .filter_map(|a| a.instance_id().map(str::to_owned))
                    .collect(),
            }
        })
        .collect()
}

/// EBS encryption by default, and its default key: two data sets, so that not knowing the key
/// does not hide whether encryption by default is on.
async fn ebs_defaults(ctx: &Ctx, c: &Client) -> (Option<bool>, Option<String>) {
    let (enabled, key) = tokio::join!(
        ctx.get(
            data::EC2_EBS_DEFAULT_ENCRYPTION,
            EC2,
            "GetEbsEncryptionByDefault",
            c.get_ebs_encryption_by_default().send(),
        ),
        ctx.get(
            data::EC2_EBS_DEFAULT_KMS_KEY,
            EC2,
            "GetEbsDefaultKmsKeyId",
            c.get_ebs_default_kms_key_id().send(),
        ),
    );
    (
        enabled.map(|o| o.ebs_encryption_by_default().unwrap_or(false)),
        key.and_then(|o| o.kms_key_id().map(str::to_owned)),
    )
}

pub(crate) fn decode_user_data(b64: &str) -> Result<String, &'static str> {
    let bytes =
        aws_smithy_types::base64::decode(b64.trim()).map_err(|_| "it is not valid base64")?;
    // cloud-init reads gzip-compressed user data as well as plain text (its magic bytes
    // first): inflate it, so that what it runs is scanned too.
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        gunzip(&bytes).ok_or("it is gzip data that does not inflate")?
    } else {
        bytes
    };
    String::from_utf8(bytes).map_err(|_| "it is not text (UTF-8, or gzip of UTF-8)")
}

/// User data is at most 16 KB before base64; its inflated text is read up to this bound, so
/// that a hostile archive cannot take the collector's memory.
const MAX_INFLATED_USER_DATA: u64 = 4 << 20;

fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_INFLATED_USER_DATA)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// User data of the resource `arn` as text; user data that is not text is a gap on its user
/// data (`ec2.instances.user_data`), so that the checks reading it say `not_assessed` for it
/// rather than pass.
pub(crate) fn user_data_text(
    ctx: &Ctx,
    arn: &str,
    service: &'static str,
    op: &'static str,
    b64: Option<&str>,
) -> Option<String> {
    match decode_user_data(b64?) {
        Ok(text) => Some(text),
        Err(why) => {
            ctx.unknown_for(
                data::EC2_USER_DATA,
                service,
                op,
                arn,
                format!("the user data cannot be read: {why}"),
                "Unreadable",
            );
            None
        }
    }
}

fn route(r: &aws_sdk_ec2::types::Route) -> Route {
    let destination = r
        .destination_cidr_block()
        .or(r.destination_ipv6_cidr_block())
        .or(r.destination_prefix_list_id())
        .unwrap_or_default()
        .to_owned();
    let (kind, target) = if let Some(g) = r.gateway_id() {
        let kind = if g == "local" {
            RouteTargetKind::Local
        } else if g.starts_with("igw-") {
            RouteTargetKind::InternetGateway
        } else if g.starts_with("vpce-") {
            RouteTargetKind::VpcEndpoint
        } else if g.starts_with("vgw-") {
            RouteTargetKind::VirtualPrivateGateway
        } else {
            RouteTargetKind::Other
        };
        (kind, g)
    } else if let Some(t) = r.nat_gateway_id() {
        (RouteTargetKind::NatGateway, t)
    } else if let Some(t) = r.egress_only_internet_gateway_id() {
        (RouteTargetKind::EgressOnlyInternetGateway, t)
    } else if let Some(t) = r.vpc_peering_connection_id() {
        (RouteTargetKind::VpcPeering, t)
    } else if let Some(t) = r.transit_gateway_id() {
        (RouteTargetKind::TransitGateway, t)
    } else if let Some(t) = r.network_interface_id().or(r.instance_id()) {
        (RouteTargetKind::NetworkInterface, t)
    } else {
        (RouteTargetKind::Other, "")
    };
    Route {
        destination,
        target_kind: kind,
        target: target.to_owned(),
        blackhole: r.state().is_some_and(|s| *s == RouteState::Blackhole),
    }
}

/// Splits one permission into one rule per peer, as the `SecurityGroupRule` API does.
fn sg_rules(p: &IpPermission, own_account: &str) -> Vec<SgRule> {
    let protocol = p.ip_protocol().unwrap_or("-1").to_owned();
    let rule = |peer: Peer, description: Option<&str>| SgRule {
        protocol: protocol.clone(),
        from_port: p.from_port(),
        to_port: p.to_port(),
        peer,
        description: description.map(str::to_owned),
        origin: None,
    };
    let mut out = Vec::new();
    for r in p.ip_ranges() {
        if let Some(c) = r.cidr_ip() {
            out.push(rule(Peer::Cidr4(c.to_owned()), r.description()));
        }
    }
    for r in p.ipv6_ranges() {
        if let Some(c) = r.cidr_ipv6() {
            out.push(rule(Peer::Cidr6(c.to_owned()), r.description()));
        }
    }
    for r in p.prefix_list_ids() {
        if let Some(c) = r.prefix_list_id() {
            out.push(rule(Peer::PrefixList(c.to_owned()), r.description()));
        }
    }
    for r in p.user_id_group_pairs() {
        if let Some(g) = r.group_id() {
            let peer = match r.user_id() {
                Some(u) if !u.is_empty() && u != own_account => format!("{u}/{g}"),
                _ => g.to_owned(),
            };
            out.push(rule(Peer::SecurityGroup(peer), r.description()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn b64(bytes: &[u8]) -> String {
        aws_smithy_types::base64::encode(bytes)
    }

    #[test]
    fn user_data_is_read_plain_or_gzip_compressed() {
        let script = "#!/bin/bash\nexport AWS_SECRET_ACCESS_KEY=x\n";
        assert_eq!(
            decode_user_data(&b64(script.as_bytes())).as_deref(),
            Ok(script)
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(script.as_bytes()).expect("gzip");
        let packed = gz.finish().expect("gzip");
        assert_eq!(packed[..2], [0x1f, 0x8b]);
        assert_eq!(decode_user_data(&b64(&packed)).as_deref(), Ok(script));
        // Not text, a broken archive, not base64: errors (a gap for the resource), never
        // "no user data".
        assert!(decode_user_data(&b64(&[0xff, 0xfe, 0x00])).is_err());
        assert!(decode_user_data(&b64(&packed[..8])).is_err());
        assert!(decode_user_data("%%%").is_err());
    }
}
