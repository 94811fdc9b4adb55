//! Terraform: Instances, functions, containers and load balancers.

use rampart_model::compute::{
    ContainerDefinition, EcsTaskDefinition, Instance, LambdaFunction, Listener, LoadBalancer,
    VpcConfig,
};
use rampart_model::data;
use rampart_model::storage::Volume;

use super::{Index, b, i, s, u32_of};
use crate::map::{Builder, file, nested_origin};
use crate::raw::Raw;
use crate::value::Value;

/// `aws_instance`.
pub(super) fn instance(bld: &mut Builder, _ix: &mut Index, raw: &Raw) {
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, None, a.get("tags"));
    let marn = meta.arn.clone();
    let user_data = match a.get("user_data") {
        Value::Unknown => {
            bld.gap(
                data::EC2_USER_DATA,
                &marn,
                &file(raw),
                "the instance's user data is not known before apply",
            );
            None
        }
        v => v.as_string().or_else(|| {
            s(a, "user_data_base64").and_then(|b64| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .decode(b64.trim())
                    .ok()
                    .and_then(|x| String::from_utf8(x).ok())
            })
        }),
    };
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
        imdsv2_required: Some(s(md, "http_tokens").as_deref() == Some("required")),
        meta,
    };
    // Root and extra EBS volumes declared inline.
    for (k, is_root) in [("root_block_device", true), ("ebs_block_device", false)] {
        for v in a.get(k).items() {
            let mut vm = bld.meta(
                raw,
                None,
                Some(format!("{} {k}", raw.address)),
                a.get("tags"),
            );
            vm.arn = format!(
                "{}#{k}{}",
                raw.iac_arn(),
                if is_root {
                    String::new()
                } else {
                    s(v, "device_name").unwrap_or_default()
                }
            );
            vm.origin = nested_origin(raw, v);
            bld.region().volumes.push(Volume {
                id: vm.arn.clone(),
                encrypted: b(v, "encrypted").unwrap_or(false),
                kms_key_id: s(v, "kms_key_id"),
                size_gib: u32_of(v, "volume_size").unwrap_or(0),
                attached_to: vec![raw.id.clone()],
                meta: vm,
            });
        }
    }
    bld.region().instances.push(inst);
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
        kms_key_arn: s(a, "kms_key_arn"),
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
    if let Some(&x) = s(a, "load_balancer_arn").and_then(|k| ix.lbs.get(&k))
        && let Some(port) = i(a, "port").and_then(|p| u16::try_from(p).ok())
    {
        let protocol = s(a, "protocol").unwrap_or_else(|| "HTTP".to_owned());
        bld.region().load_balancers[x]
            .listeners
            .push(Listener { port, protocol });
    }
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
