//! compute

use super::{Cx, b, s, u};
use crate::map::{file, inline, nested_origin, policy};
use crate::raw::Raw;
use crate::value::Value;
use rampart_model::compute::{
    ContainerDefinition, EcsTaskDefinition, Instance, LambdaFunction, LoadBalancer, VpcConfig,
};
use rampart_model::data;
use rampart_model::iam::Role;
use rampart_model::storage::Volume;

/// User data as the instance receives it: `Fn::Base64` of a script evaluates to the script; a
/// literal already in base64 is decoded when it is UTF-8 text. Unknown: a gap on the user data.
fn user_data(cx: &mut Cx<'_>, raw: &Raw, arn: &str, v: &Value) -> Option<String> {
    use base64::Engine as _;
    match v {
        Value::Unknown => {
            cx.bld.gap(
                data::EC2_USER_DATA,
                arn,
                &file(raw),
                "the user data is not known before apply",
            );
            None
        }
        v => v.as_string().map(|t| {
            let compact: String = t.split_whitespace().collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact.as_bytes())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .filter(|_| !compact.is_empty() && !t.contains("#!"))
                .unwrap_or(t)
        }),
    }
}

/// The EBS volumes of `BlockDeviceMappings` (an instance's, a launch template's or a launch
/// configuration's), each named `FILE:LogicalId#DeviceName`.
fn block_devices(cx: &mut Cx<'_>, raw: &Raw, mappings: &Value, tags: &Value) {
    for bd in mappings.items() {
        let ebs = bd.get("Ebs");
        if ebs.is_null() {
            continue;
        }
        let device = s(bd, "DeviceName").unwrap_or_default();
        let mut vm = cx
            .bld
            .meta(raw, None, Some(format!("{} {device}", raw.address)), tags);
        vm.arn = format!("{}#{device}", raw.iac_arn());
        vm.origin = nested_origin(raw, bd);
        let encrypted = super::ebs_encrypted(cx, raw, &vm.arn, ebs);
        cx.bld.region().volumes.push(Volume {
            id: vm.arn.clone(),
            encrypted,
            kms_key_id: s(ebs, "KmsKeyId"),
            size_gib: u(ebs, "VolumeSize").unwrap_or(0),
            attached_to: vec![raw.id.clone()],
            meta: vm,
        });
    }
}

/// `AWS::EC2::Instance`.
pub(super) fn instance(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, None, tags);
    let marn = meta.arn.clone();
    let user_data = user_data(cx, raw, &marn, p.get("UserData"));
    let mut sgs = p.get("SecurityGroupIds").strings();
    sgs.extend(p.get("SecurityGroups").strings());
    for ni in p.get("NetworkInterfaces").items() {
        sgs.extend(ni.get("GroupSet").strings());
    }
    block_devices(cx, raw, p.get("BlockDeviceMappings"), tags);
    let inst = Instance {
        id: raw.id.clone(),
        state: "running".to_owned(),
        vpc_id: None,
        subnet_id: s(p, "SubnetId"),
        public_ip: None,
        instance_profile: s(p, "IamInstanceProfile"),
        security_groups: sgs,
        network_interfaces: Vec::new(),
        user_data,
        imdsv2_required: crate::map::imdsv2_required(
            cx.bld,
            raw,
            p.get("MetadataOptions").get("HttpTokens"),
        ),
        meta,
    };
    cx.bld.region().instances.push(inst);
}

/// `AWS::EC2::LaunchTemplate`: what every instance launched from it gets
/// (`LaunchTemplateData`: `IamInstanceProfile` by `Arn` or `Name`, `UserData`, `MetadataOptions`,
/// security groups, `BlockDeviceMappings`), judged as an instance in state `launch-template`
/// with no address of its own (as lane i13 does for `aws_launch_template`).
pub(super) fn launch_template(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let d = p.get("LaunchTemplateData");
    let meta = cx
        .bld
        .meta(raw, None, s(p, "LaunchTemplateName"), &Value::Null);
    let marn = meta.arn.clone();
    if d.is_unknown() {
        cx.bld.gap(
            data::EC2_INSTANCES,
            &marn,
            &file(raw),
            "the launch template data is not known before apply",
        );
    }
    let user_data = user_data(cx, raw, &marn, d.get("UserData"));
    let profile = d.get("IamInstanceProfile");
    let security_groups = d
        .get("SecurityGroupIds")
        .strings()
        .into_iter()
        .chain(d.get("SecurityGroups").strings())
        .chain(
            d.get("NetworkInterfaces")
                .items()
                .into_iter()
                .flat_map(|n| n.get("Groups").strings()),
        )
        .collect();
    block_devices(cx, raw, d.get("BlockDeviceMappings"), &Value::Null);
    let imdsv2 =
        crate::map::imdsv2_required(cx.bld, raw, d.get("MetadataOptions").get("HttpTokens"));
    let public_ip = crate::map::launch_template_public_ip(
        cx.bld,
        raw,
        d.get("NetworkInterfaces"),
        "AssociatePublicIpAddress",
    );
    cx.bld.region().instances.push(Instance {
        id: raw.id.clone(),
        state: "launch-template".to_owned(),
        vpc_id: None,
        subnet_id: None,
        public_ip,
        instance_profile: s(profile, "Arn").or_else(|| s(profile, "Name")),
        security_groups,
        network_interfaces: Vec::new(),
        user_data,
        imdsv2_required: imdsv2,
        meta,
    });
}

/// `AWS::AutoScaling::LaunchConfiguration`: as a launch template (`IamInstanceProfile` a name or
/// ARN, `UserData`, `MetadataOptions`, `SecurityGroups`, `BlockDeviceMappings`,
/// `AssociatePublicIpAddress`).
pub(super) fn launch_configuration(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let meta = cx
        .bld
        .meta(raw, None, s(p, "LaunchConfigurationName"), &Value::Null);
    let marn = meta.arn.clone();
    let user_data = user_data(cx, raw, &marn, p.get("UserData"));
    block_devices(cx, raw, p.get("BlockDeviceMappings"), &Value::Null);
    let imdsv2 =
        crate::map::imdsv2_required(cx.bld, raw, p.get("MetadataOptions").get("HttpTokens"));
    // `AssociatePublicIpAddress` (AWS::AutoScaling::LaunchConfiguration): judged as a launch
    // template's network interface setting (EC2.25).
    let public_ip =
        crate::map::launch_template_public_ip(cx.bld, raw, p, "AssociatePublicIpAddress");
    cx.bld.region().instances.push(Instance {
        id: raw.id.clone(),
        state: "launch-configuration".to_owned(),
        vpc_id: None,
        subnet_id: None,
        public_ip,
        instance_profile: s(p, "IamInstanceProfile"),
        security_groups: p.get("SecurityGroups").strings(),
        network_interfaces: Vec::new(),
        user_data,
        imdsv2_required: imdsv2,
        meta,
    });
}

/// `AWS::AutoScaling::AutoScalingGroup`: `LaunchConfigurationName`, `LaunchTemplate`
/// (`LaunchTemplateId` or `LaunchTemplateName`, `Version`), `MixedInstancesPolicy.LaunchTemplate`'s
/// `LaunchTemplateSpecification` and each of its `Overrides`', `InstanceId` (a group copying a
/// running instance), `VPCZoneIdentifier`, `TargetGroupARNs`, `LoadBalancerNames`.
pub(super) fn autoscaling_group(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let mut sources: Vec<(&'static str, &Value, &Value)> = Vec::new();
    let lc = p.get("LaunchConfigurationName");
    if !lc.is_null() {
        sources.push(("launch-configuration", lc, &Value::Null));
    }
    let instance = p.get("InstanceId");
    if !instance.is_null() {
        sources.push(("instance", instance, &Value::Null));
    }
    let mixed = p.path(&["MixedInstancesPolicy", "LaunchTemplate"]);
    let specs = [
        p.get("LaunchTemplate"),
        mixed.get("LaunchTemplateSpecification"),
    ]
    .into_iter()
    .chain(
        mixed
            .get("Overrides")
            .items()
            .into_iter()
            .map(|o| o.get("LaunchTemplateSpecification")),
    );
    for spec in specs.filter(|s| !s.is_null()) {
        let reference = match spec.get("LaunchTemplateId") {
            Value::Null => spec.get("LaunchTemplateName"),
            v => v,
        };
        sources.push(("launch-template", reference, spec.get("Version")));
    }
    crate::map::autoscaling_group(
        cx.bld,
        raw,
        &crate::map::GroupDecl {
            name: s(p, "AutoScalingGroupName"),
            tags: p.get("Tags"),
            sources,
            subnets: p.get("VPCZoneIdentifier"),
            target_groups: p.get("TargetGroupARNs"),
            load_balancers: p.get("LoadBalancerNames"),
            same_file: true,
        },
    );
}

/// `AWS::Lambda::Function | AWS::Serverless::Function`.
pub(super) fn function(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(raw, None, s(p, "FunctionName"), tags);
    let marn = meta.arn.clone();
    let env = p.path(&["Environment", "Variables"]);
    if env.has_unknown() {
        cx.bld.gap(
            data::LAMBDA,
            &marn,
            &file(raw),
            "some environment variables are not known before apply",
        );
    }
    let vpc = p.get("VpcConfig");
    let mut role = s(p, "Role").unwrap_or_default();
    if raw.kind == "AWS::Serverless::Function" && role.is_empty() {
        role = sam_role(cx.bld, raw, &marn, p);
    }
    cx.bld.region().lambda_functions.push(LambdaFunction {
        runtime: s(p, "Runtime"),
        role,
        environment: match env {
            Value::Map(m) => m
                .iter()
                .filter(|(k, _)| !k.starts_with('@'))
                .filter_map(|(k, v)| Some((k.clone(), v.as_string()?)))
                .collect(),
            _ => Default::default(),
        },
        kms_key_arn: s(p, "KmsKeyArn"),
        vpc: (!vpc.is_null()).then(|| VpcConfig {
            vpc_id: String::new(),
            subnet_ids: vpc.get("SubnetIds").strings(),
            security_group_ids: vpc.get("SecurityGroupIds").strings(),
        }),
        policy: None,
        meta,
    });
}

/// `AWS::ElasticLoadBalancingV2::LoadBalancer | AWS::ElasticLoadBalancing::LoadBalancer`.
pub(super) fn load_balancer(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let tags = p.get("Tags");
    let meta = cx.bld.meta(
        raw,
        None,
        s(p, "Name").or_else(|| s(p, "LoadBalancerName")),
        tags,
    );
    let classic = raw.kind.contains("Balancing::");
    let logs = if classic {
        b(p.get("AccessLoggingPolicy"), "Enabled").unwrap_or(false)
    } else {
        p.get("LoadBalancerAttributes")
            .items()
            .into_iter()
            .any(|a| {
                s(a, "Key").as_deref() == Some("access_logs.s3.enabled")
                    && s(a, "Value").as_deref() == Some("true")
            })
    };
    cx.bld.region().load_balancers.push(LoadBalancer {
        kind: if classic {
            "classic".to_owned()
        } else {
            s(p, "Type").unwrap_or_else(|| "application".to_owned())
        },
        internet_facing: s(p, "Scheme").as_deref() != Some("internal"),
        vpc_id: None,
        subnet_ids: p.get("Subnets").strings(),
        security_groups: p.get("SecurityGroups").strings(),
        access_logs: Some(logs),
        listeners: Vec::new(),
        meta,
    });
}

/// A SAM function without `Role` gets one made by SAM: its `Policies` become that role's
/// policies (documents inline, names as AWS managed policies; SAM policy templates are
/// expanded by SAM and are not judged here).
fn sam_role(bld: &mut crate::map::Builder, raw: &Raw, fn_arn: &str, p: &Value) -> String {
    let name = format!("{}Role", raw.address);
    let mut meta = bld.meta(raw, None, Some(name.clone()), &Value::Null);
    meta.arn = format!("{}Role", raw.iac_arn());
    let arn = format!("arn:aws:iam::{}:role/{name}", crate::ACCOUNT_ID);
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let mut role = Role {
        meta,
        assume_role_policy: trust.into(),
        attached_policies: vec![
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole".to_owned(),
        ],
        inline_policies: Vec::new(),
        permissions_boundary: s(p, "PermissionsBoundary"),
        last_used: None,
        service_linked: false,
    };
    let pols = p.get("Policies");
    if pols.is_unknown() {
        bld.gap(
            data::IAM_ROLES,
            &role.meta.arn,
            &file(raw),
            "the function's policies are not known before apply",
        );
    }
    for (n, pol) in pols.items().into_iter().enumerate() {
        match pol {
            Value::String(managed) => role.attached_policies.push(if managed.starts_with("arn:") {
                managed.clone()
            } else {
                format!("arn:aws:iam::aws:policy/{managed}")
            }),
            Value::Map(_) if !pol.get("Statement").is_null() => {
                role.inline_policies.push(inline(
                    &format!("{}Policy{n}", raw.address),
                    policy::to_json_marked(pol).into(),
                    &nested_origin(raw, pol),
                ));
            }
            _ => {}
        }
    }
    let _ = fn_arn;
    bld.account.iam.roles.push(role);
    arn
}

/// `AWS::ECS::TaskDefinition` ("AWS::ECS::TaskDefinition" and "ContainerDefinition" in the
/// CloudFormation resource reference): roles, network mode (default `bridge` on EC2), and per
/// container its image, plain `Environment` (`Name`/`Value`), `Secrets` (`Name`/`ValueFrom`)
/// and `Privileged`.
pub(super) fn task_definition(cx: &mut Cx<'_>, raw: &Raw) {
    let p = &raw.attrs;
    let meta = cx.bld.meta(raw, None, s(p, "Family"), p.get("Tags"));
    let marn = meta.arn.clone();
    let defs = p.get("ContainerDefinitions");
    if defs.is_unknown() {
        cx.bld.gap(
            data::ECS,
            &marn,
            &file(raw),
            "the container definitions are not known before apply",
        );
    }
    let mut containers = Vec::new();
    for c in defs.items() {
        let env = c.get("Environment");
        if env.has_unknown() {
            cx.bld.gap(
                data::ECS,
                &marn,
                &file(raw),
                format!(
                    "environment variables of container `{}` are not known before apply",
                    s(c, "Name").unwrap_or_default()
                ),
            );
        }
        containers.push(ContainerDefinition {
            name: s(c, "Name").unwrap_or_default(),
            image: s(c, "Image").unwrap_or_default(),
            environment: env
                .items()
                .into_iter()
                .filter_map(|e| Some((s(e, "Name")?, s(e, "Value")?)))
                .collect(),
            secrets: c
                .get("Secrets")
                .items()
                .into_iter()
                .filter_map(|e| Some((s(e, "Name")?, s(e, "ValueFrom")?)))
                .collect(),
            privileged: b(c, "Privileged").unwrap_or(false),
        });
    }
    let task_role = s(p, "TaskRoleArn");
    if task_role.is_none() && p.get("TaskRoleArn").is_unknown() {
        cx.bld.gap(
            data::ECS,
            &marn,
            &file(raw),
            "the task role is not known before apply",
        );
    }
    cx.bld
        .region()
        .ecs_task_definitions
        .push(EcsTaskDefinition {
            meta,
            task_role: task_role.or_else(|| {
                p.get("TaskRoleArn")
                    .is_unknown()
                    .then(|| "(not known before apply)".to_owned())
            }),
            execution_role: s(p, "ExecutionRoleArn"),
            network_mode: s(p, "NetworkMode").unwrap_or_else(|| "bridge".to_owned()),
            containers,
        });
}
