//! Compute: EC2 instances and interfaces, Lambda, ECS task definitions, load balancers.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::inventory::Meta;

/// An EC2 instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `i-…`.
    pub id: String,
    /// `running`, `stopped`…
    #[serde(default)]
    pub state: String,
    /// Its VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Its subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    /// Public IPv4 address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    /// The instance profile ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_profile: Option<String>,
    /// Security groups.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// Network interfaces.
    #[serde(default)]
    pub network_interfaces: Vec<String>,
    /// User data, decoded from base64 when it is text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// IMDSv2 required (`http_tokens = required`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imdsv2_required: Option<bool>,
}

impl Instance {
    /// The state of an [`Instance`] that stands for a launch template (what every instance
    /// launched from it gets), not for a running machine.
    pub const LAUNCH_TEMPLATE: &'static str = "launch-template";

    /// The state of an [`Instance`] that stands for an Auto Scaling launch configuration.
    pub const LAUNCH_CONFIGURATION: &'static str = "launch-configuration";

    /// It stands for a launch template or a launch configuration (a blueprint of instances)
    /// rather than an instance.
    #[must_use]
    pub fn is_launch_template(&self) -> bool {
        self.state == Self::LAUNCH_TEMPLATE || self.state == Self::LAUNCH_CONFIGURATION
    }
}

/// `volume` exists only as a launch template's block device mapping: every instance attached to
/// it is a launch template or launch configuration. It is a blueprint — the volumes launched from it are resources of
/// their own — so what is judged on existing volumes (backup selection, tags) does not apply.
#[must_use]
pub fn is_template_volume(volume: &crate::storage::Volume, instances: &[Instance]) -> bool {
    !volume.attached_to.is_empty()
        && volume.attached_to.iter().all(|id| {
            instances
                .iter()
                .any(|i| &i.id == id && i.is_launch_template())
        })
}

/// An EC2 Auto Scaling group: what its instances are launched from, and where.
///
/// Its instances get what their launch template or launch configuration says (profile, user
/// data, metadata options, volumes, public addresses): checks judge those on the template
/// (an entry of `instances` in state `launch-template` or `launch-configuration`) and name the
/// groups that launch it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingGroup {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// What it launches from: its launch template or launch configuration, and the templates
    /// of its mixed instances policy (with their overrides).
    #[serde(default)]
    pub launches: Vec<LaunchSource>,
    /// The subnets it launches into (`VPCZoneIdentifier`).
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// The target groups it registers its instances with.
    #[serde(default)]
    pub target_group_arns: Vec<String>,
    /// The Classic Load Balancers it registers its instances with.
    #[serde(default)]
    pub load_balancer_names: Vec<String>,
}

/// A launch template or launch configuration an Auto Scaling group launches from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LaunchSource {
    /// `launch-template` or `launch-configuration`.
    pub kind: String,
    /// The `id` of its entry in the region's `instances` when it is known there; else the id,
    /// name or ARN by which the group names it.
    pub id: String,
    /// The template version the group asks for (`$Latest`, `$Default`, a number); `None` for
    /// a launch configuration, or when not set (`$Default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// An elastic network interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkInterface {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `eni-…`.
    pub id: String,
    /// Its subnet.
    pub subnet_id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// Security groups.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// Public IPv4 address (including an Elastic IP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    /// IPv6 addresses (reachable from the internet when routed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_addresses: Vec<String>,
    /// Private IPv4 addresses.
    #[serde(default)]
    pub private_ips: Vec<String>,
    /// The instance it is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// `interface`, `lambda`, `nat_gateway`, `network_load_balancer`…
    #[serde(default)]
    pub interface_type: String,
    /// The owner description (`ELB app/…`, `RDSNetworkInterface`, `AWS Lambda VPC ENI-…`).
    #[serde(default)]
    pub description: String,
}

/// Lambda VPC configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcConfig {
    /// VPC.
    pub vpc_id: String,
    /// Subnets.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// Security groups.
    #[serde(default)]
    pub security_group_ids: Vec<String>,
}

/// A Lambda function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LambdaFunction {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// Runtime (`python3.12`); `None` for container images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// Execution role ARN.
    #[serde(default)]
    pub role: String,
    /// Environment variables.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// KMS key for the environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
    /// VPC configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<VpcConfig>,
    /// The resource-based policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<crate::PolicyDocument>,
}

/// A container of an ECS task definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainerDefinition {
    /// Name.
    pub name: String,
    /// Image.
    #[serde(default)]
    pub image: String,
    /// Plain environment variables.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// Secrets injected from Secrets Manager / SSM: (name, valueFrom ARN).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<(String, String)>,
    /// Privileged.
    #[serde(default)]
    pub privileged: bool,
}

/// An ECS task definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EcsTaskDefinition {
    /// ARN, name (`family:revision`), tags, origin.
    pub meta: Meta,
    /// Task role ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_role: Option<String>,
    /// Execution role ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_role: Option<String>,
    /// `awsvpc`, `bridge`, `host`.
    #[serde(default)]
    pub network_mode: String,
    /// Containers.
    #[serde(default)]
    pub containers: Vec<ContainerDefinition>,
}

/// A listener.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    /// Port.
    pub port: u16,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`…
    pub protocol: String,
}

/// A load balancer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    /// ARN, name, tags, origin.
    pub meta: Meta,
    /// `application`, `network`, `gateway`, `classic`.
    pub kind: String,
    /// Internet-facing (true) or internal.
    pub internet_facing: bool,
    /// Its VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Subnets.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// Security groups.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// Access logs enabled (`None`: attributes not read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logs: Option<bool>,
    /// Listeners.
    #[serde(default)]
    pub listeners: Vec<Listener>,
}
