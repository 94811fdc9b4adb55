//! Terraform: Instances, functions, containers and load balancers.

use rampart_model::compute::{
    ContainerDefinition, EcsTaskDefinition, Instance, LambdaFunction, Listener, LoadBalancer,
    VpcConfig,
};
use rampart_model::data;
use rampart_model::storage::Volume;

use super::{Index, b, i, known_bool, opt_str, parent, s, u32_of};
use crate::map::{Builder, file, nested_origin};
use crate::raw::Raw;
use crate::value::Value;

/// `aws_instance`.
pub(super) fn instance(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, None, a.get("tags"));
    let marn = meta.arn.clone();
    let user_data = user_data(
        bld,
        raw,
        &marn,
        a.get("user_data"),
        a.get("user_data_base64"),
    );
    let md = a.get("metadata_options").first();
    let inst = Instance {
        id: raw.id.clone(),
        state: "running".to_owned(),
        vpc_id: None,
        subnet_id: s(a, "subnet_id"),
        public_ip: b(a, "associate_public_ip_address")
            .filter(|x| *x)
            .map(|_| "(assigned on launch)".to_owned()),
        instance_profile: s(a, "iam_instance_profile"),
        security_groups: a
            .get("vpc_security_group_ids")
            .strings()
            .into_iter()
            .chain(a.get("security_groups").strings())
            .collect(),
        network_interfaces: Vec::new(),
        user_data,
        imdsv2_required: crate::map::imdsv2_required(bld, raw, md.get("http_tokens")),
        meta,
    };
    block_devices(bld, raw, &inline_devices(a), &raw.id);
    if a.get("root_block_device").items().is_empty() {
        implicit_root_volume(bld, raw);
    }
    bld.region().instances.push(inst);
}

/// The EBS volumes an instance or launch configuration declares inline: its
/// `root_block_device` and each `ebs_block_device`, keyed by block (and device name).
fn inline_devices(a: &Value) -> Vec<(String, &Value)> {
    let root = a
        .get("root_block_device")
        .items()
        .into_iter()
        .map(|v| ("root_block_device".to_owned(), v));
    let extra = a.get("ebs_block_device").items().into_iter().map(|v| {
        let dev = s(v, "device_name").unwrap_or_default();
        (format!("ebs_block_device{dev}"), v)
    });
    root.chain(extra).collect()
}

/// The root volume of an instance that declares no `root_block_device`: created from the AMI's
/// snapshot, encrypted when that snapshot is or when the account encrypts new volumes by
/// default, neither of which the configuration says: a gap for that volume.
fn implicit_root_volume(bld: &mut Builder, raw: &Raw) {
    let mut vm = bld.meta(
        raw,
        None,
        Some(format!("{} root volume", raw.address)),
        raw.attrs.get("tags"),
    );
    vm.arn = format!("{}#root_block_device", raw.iac_arn());
    let arn = vm.arn.clone();
    bld.gap(
        data::EC2_VOLUMES,
        &arn,
        &file(raw),
        format!(
            "`{}` declares no root_block_device: its root volume's encryption follows the AMI's snapshot and the account's EBS encryption by default, which this input does not declare",
            raw.address
        ),
    );
    bld.region().volumes.push(Volume {
        id: arn,
        encrypted: true,
        kms_key_id: None,
        size_gib: 0,
        attached_to: vec![raw.id.clone()],
        meta: vm,
    });
}

/// User data given as text or base64 (`user_data_base64`, a launch template's `user_data`);
/// unknown before apply: a gap.
fn user_data(
    bld: &mut Builder,
    raw: &Raw,
    arn: &str,
    text: &Value,
    base64: &Value,
) -> Option<String> {
    use base64::Engine as _;
    if text.has_unknown() || base64.has_unknown() {
        bld.gap(
            data::EC2_USER_DATA,
            arn,
            &file(raw),
            format!(
                "the user data of `{}` is not known before apply",
                raw.address
            ),
        );
        return None;
    }
    text.as_string().or_else(|| {
        base64.as_string().and_then(|b64| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
                .and_then(|x| String::from_utf8(x).ok())
        })
    })
}

/// EBS volumes declared inline (`root_block_device`, `ebs_block_device`, a launch template's
/// `block_device_mappings.ebs`), each a volume named `FILE:ADDRESS#KEY`. `encrypted` defaults to
/// false in the provider; unknown before apply: a gap for that volume.
fn block_devices(bld: &mut Builder, raw: &Raw, devices: &[(String, &Value)], attached: &str) {
    for (key, v) in devices {
        let mut vm = bld.meta(
            raw,
            None,
            Some(format!("{} {key}", raw.address)),
            raw.attrs.get("tags"),
        );
        vm.arn = format!("{}#{key}", raw.iac_arn());
        vm.origin = nested_origin(raw, v);
        let arn = vm.arn.clone();
        let encrypted =
            known_bool(bld, raw, &arn, v, "encrypted", data::EC2_VOLUMES, true).unwrap_or(false);
        bld.region().volumes.push(Volume {
            id: arn,
            encrypted,
            kms_key_id: s(v, "kms_key_id"),
            size_gib: u32_of(v, "volume_size").unwrap_or(0),
            attached_to: vec![attached.to_owned()],
            meta: vm,
        });
    }
}

/// `aws_launch_template`: what every instance launched from it gets (its profile, user data,
/// metadata options, volumes), judged as an instance in state `launch-template` with no address
/// of its own (reachability is judged on instances).
pub(super) fn launch_template(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
    let arn = meta.arn.clone();
    // The template's user_data is base64-encoded.
    let user_data = user_data(bld, raw, &arn, &Value::Null, a.get("user_data"));
    let profile = a.get("iam_instance_profile").first();
    let md = a.get("metadata_options").first();
    let public_ip = crate::map::launch_template_public_ip(
        bld,
        raw,
        a.get("network_interfaces"),
        "associate_public_ip_address",
    );
    let inst = Instance {
        id: raw.id.clone(),
        state: "launch-template".to_owned(),
        vpc_id: None,
        subnet_id: None,
        public_ip,
        instance_profile: s(profile, "arn").or_else(|| s(profile, "name")),
        security_groups: a
            .get("vpc_security_group_ids")
            .strings()
            .into_iter()
            .chain(a.get("security_group_names").strings())
            .chain(
                a.get("network_interfaces")
                    .items()
                    .into_iter()
                    .flat_map(|n| n.get("security_groups").strings()),
            )
            .collect(),
        network_interfaces: Vec::new(),
        user_data,
        imdsv2_required: crate::map::imdsv2_required(bld, raw, md.get("http_tokens")),
        meta,
    };
    let mappings: Vec<(String, &Value)> = a
        .get("block_device_mappings")
        .items()
        .into_iter()
        .filter_map(|m| {
            let ebs = m.get("ebs").first();
            (!ebs.is_null()).then(|| {
                (
                    format!(
                        "block_device_mappings{}",
                        s(m, "device_name").unwrap_or_default()
                    ),
                    ebs,
                )
            })
        })
        .collect();
    block_devices(bld, raw, &mappings, &raw.id);
    bld.region().instances.push(inst);
}

/// `aws_launch_configuration`: as a launch template (plain-text `user_data`, or
/// `user_data_base64`; `iam_instance_profile` a name or ARN; `associate_public_ip_address`).
pub(super) fn launch_configuration(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "name"), &Value::Null);
    let arn = meta.arn.clone();
    let user_data = user_data(
        bld,
        raw,
        &arn,
        a.get("user_data"),
        a.get("user_data_base64"),
    );
    let md = a.get("metadata_options").first();
    // `associate_public_ip_address` is an argument of the configuration itself (EC2.25's rule
    // for launch templates applies alike: it overrides the subnet's setting).
    let public_ip =
        crate::map::launch_template_public_ip(bld, raw, a, "associate_public_ip_address");
    let inst = Instance {
        id: raw.id.clone(),
        state: "launch-configuration".to_owned(),
        vpc_id: None,
        subnet_id: None,
        public_ip,
        instance_profile: s(a, "iam_instance_profile"),
        security_groups: a.get("security_groups").strings(),
        network_interfaces: Vec::new(),
        user_data,
        imdsv2_required: crate::map::imdsv2_required(bld, raw, md.get("http_tokens")),
        meta,
    };
    block_devices(bld, raw, &inline_devices(a), &raw.id);
    bld.region().instances.push(inst);
}

/// `aws_autoscaling_group` (AWS provider): `launch_configuration` (a name), `launch_template`
/// (`id` or `name`, `version`), `mixed_instances_policy.launch_template`'s
/// `launch_template_specification` and each `override`'s (`launch_template_id` or
/// `launch_template_name`, `version`), `vpc_zone_identifier`, `target_group_arns`,
/// `load_balancers`.
pub(super) fn autoscaling_group(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let mut sources: Vec<(&'static str, &Value, &Value)> = Vec::new();
    let lc = a.get("launch_configuration");
    if !lc.is_null() {
        sources.push(("launch-configuration", lc, &Value::Null));
    }
    let lt = a.get("launch_template").first();
    if !lt.is_null() {
        sources.push((
            "launch-template",
            id_or_name(lt, "id", "name"),
            lt.get("version"),
        ));
    }
    let mixed = a
        .get("mixed_instances_policy")
        .first()
        .get("launch_template")
        .first();
    let specs = std::iter::once(mixed.get("launch_template_specification").first()).chain(
        mixed
            .get("override")
            .items()
            .into_iter()
            .map(|o| o.get("launch_template_specification").first()),
    );
    for spec in specs.filter(|s| !s.is_null()) {
        sources.push((
            "launch-template",
            id_or_name(spec, "launch_template_id", "launch_template_name"),
            spec.get("version"),
        ));
    }
    crate::map::autoscaling_group(
        bld,
        raw,
        &crate::map::GroupDecl {
            name: s(a, "name"),
            tags: &Value::Null,
            sources,
            subnets: a.get("vpc_zone_identifier"),
            target_groups: a.get("target_group_arns"),
            load_balancers: a.get("load_balancers"),
            same_file: false,
        },
    );
}

/// A launch template reference: by id when given, else by name.
fn id_or_name<'v>(spec: &'v Value, id: &str, name: &str) -> &'v Value {
    match spec.get(id) {
        Value::Null => spec.get(name),
        v => v,
    }
}

/// `aws_lambda_function`.
pub(super) fn lambda_function(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "function_name"), a.get("tags"));
    let arn = meta.arn.clone();
    let env = a.get("environment").first().get("variables");
    if env.has_unknown() {
        bld.gap(
            data::LAMBDA,
            &arn,
            &file(raw),
            "some environment variables are not known before apply",
        );
    }
    let vpc = a.get("vpc_config").first();
    let f = LambdaFunction {
        runtime: s(a, "runtime"),
        role: s(a, "role").unwrap_or_default(),
        environment: match env {
            Value::Map(m) => m
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_string()?)))
                .collect(),
            _ => Default::default(),
        },
        kms_key_arn: opt_str(bld, raw, &arn, a, "kms_key_arn", data::LAMBDA),
        vpc: (!vpc.is_null()).then(|| VpcConfig {
            vpc_id: String::new(),
            subnet_ids: vpc.get("subnet_ids").strings(),
            security_group_ids: vpc.get("security_group_ids").strings(),
        }),
        policy: None,
        meta,
    };
    bld.region().lambda_functions.push(f);
}

/// `aws_ecs_task_definition`.
pub(super) fn ecs_task_definition(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "family"), a.get("tags"));
    let arn = meta.arn.clone();
    let defs = match a.get("container_definitions") {
        Value::String(t) => serde_json::from_str::<serde_json::Value>(t).ok(),
        Value::Unknown => {
            bld.gap(
                data::ECS,
                &arn,
                &file(raw),
                "the container definitions are not known before apply",
            );
            None
        }
        _ => None,
    };
    let containers = defs
        .as_ref()
        .and_then(|d| d.as_array())
        .map(|arr| arr.iter().map(container).collect())
        .unwrap_or_default();
    bld.region().ecs_task_definitions.push(EcsTaskDefinition {
        meta,
        task_role: s(a, "task_role_arn"),
        execution_role: s(a, "execution_role_arn"),
        network_mode: s(a, "network_mode").unwrap_or_else(|| "bridge".to_owned()),
        containers,
    });
}

/// `aws_lb`, `aws_alb`, `aws_elb`.
pub(super) fn lb(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, s(a, "name"), a.get("tags"));
    let classic = raw.kind == "aws_elb";
    let logs = a.get("access_logs").first();
    let lb = LoadBalancer {
        kind: if classic {
            "classic".to_owned()
        } else {
            s(a, "load_balancer_type").unwrap_or_else(|| "application".to_owned())
        },
        internet_facing: !b(a, "internal").unwrap_or(false),
        vpc_id: None,
        subnet_ids: a.get("subnets").strings(),
        security_groups: a.get("security_groups").strings(),
        access_logs: Some(!logs.is_null() && b(logs, "enabled").unwrap_or(classic)),
        listeners: a
            .get("listener")
            .items()
            .into_iter()
            .filter_map(|l| {
                Some(Listener {
                    port: u16::try_from(i(l, "lb_port")?).ok()?,
                    protocol: s(l, "lb_protocol")?.to_uppercase(),
                })
            })
            .collect(),
        meta,
    };
    ix.lbs
        .insert(raw.id.clone(), bld.region().load_balancers.len());
    bld.region().load_balancers.push(lb);
}

/// `aws_lb_listener`, `aws_alb_listener`.
pub(super) fn lb_listener(bld: &mut Builder, ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let Some(x) = parent(
        bld,
        raw,
        &ix.lbs,
        "load_balancer_arn",
        data::ELB,
        "load balancer",
    ) else {
        return;
    };
    // `port` is required on an Application or Network Load Balancer's listener; a Gateway
    // Load Balancer's listener has none (it forwards every port).
    let Some(port) = i(a, "port").and_then(|p| u16::try_from(p).ok()) else {
        if a.get("port").has_unknown() || a.get("protocol").has_unknown() {
            let arn = bld.region().load_balancers[x].meta.arn.clone();
            bld.gap(
                data::ELB,
                &arn,
                &file(raw),
                format!("the port of `{}` is not known before apply", raw.address),
            );
        }
        return;
    };
    let protocol = s(a, "protocol").unwrap_or_else(|| "HTTP".to_owned());
    bld.region().load_balancers[x]
        .listeners
        .push(Listener { port, protocol });
}

pub(super) fn container(c: &serde_json::Value) -> ContainerDefinition {
    let str_of = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    ContainerDefinition {
        name: str_of(c, "name"),
        image: str_of(c, "image"),
        environment: c
            .get("environment")
            .and_then(|e| e.as_array())
            .map(|a| {
                a.iter()
                    .map(|kv| {
                        (
                            str_of(kv, "name"),
                            kv.get("value")
                                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                                .unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        secrets: c
            .get("secrets")
            .and_then(|e| e.as_array())
            .map(|a| {
                a.iter()
                    .map(|kv| (str_of(kv, "name"), str_of(kv, "valueFrom")))
                    .collect()
            })
            .unwrap_or_default(),
        privileged: c
            .get("privileged")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
    }
}
