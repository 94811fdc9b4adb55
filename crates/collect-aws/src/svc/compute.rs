//! Compute: Lambda functions, ECS task definitions, Elastic Load Balancing v2.

use aws_config::SdkConfig;
use aws_sdk_ecs::types::{TaskDefinitionField, TaskDefinitionStatus};
use rampart_model::compute::{
    ContainerDefinition, EcsTaskDefinition, LambdaFunction, Listener, LoadBalancer, VpcConfig,
};
use rampart_model::{Meta, Region, data};

use crate::ctx::{Ctx, origin, policy_doc};
use crate::svc::{client, tags};

const LAMBDA: &str = "Lambda";
const ECS: &str = "ECS";
const ELB: &str = "Elastic Load Balancing v2";

/// Lambda functions with their resource policy and tags.
pub(crate) async fn lambda(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_lambda, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let Some(functions) = ctx
        .list(
            data::LAMBDA,
            LAMBDA,
            "ListFunctions",
            |m| c.list_functions().set_marker(m).send(),
            |o| (o.functions.unwrap_or_default(), o.next_marker),
        )
        .await
    else {
        return region;
    };
    let ctx2 = ctx.clone();
    region.lambda_functions = ctx
        .map(functions, move |f| {
            let (ctx, c) = (ctx2.clone(), c.clone());
            async move {
                let name = f.function_name().unwrap_or_default().to_owned();
                let arn = f.function_arn().map_or_else(
                    || ctx.arn("lambda", &format!("function:{name}")),
                    str::to_owned,
                );
                let (policy, tag_out) = tokio::join!(
                    // No resource policy: `ResourceNotFoundException`, an answer.
                    ctx.get_setting(
                        data::LAMBDA,
                        LAMBDA,
                        "GetPolicy",
                        &arn,
                        &["ResourceNotFoundException"],
                        c.get_policy().function_name(&name).send()
                    ),
                    ctx.get_for(
                        data::LAMBDA,
                        LAMBDA,
                        "ListTags",
                        &arn,
                        c.list_tags().resource(&arn).send()
                    ),
                );
                let policy = policy.flatten().and_then(|o| o.policy().map(policy_doc));
                let tags = tag_out
                    .map(|o| o.tags.unwrap_or_default().into_iter().collect())
                    .unwrap_or_default();
                LambdaFunction {
                    meta: Meta {
                        arn,
                        name,
                        tags,
                        origin: origin(LAMBDA, "ListFunctions"),
                    },
                    runtime: f.runtime().map(|r| r.as_str().to_owned()),
                    role: f.role().unwrap_or_default().to_owned(),
                    environment: f
                        .environment()
                        .and_then(|e| e.variables())
                        .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                        .unwrap_or_default(),
                    kms_key_arn: f.kms_key_arn().map(str::to_owned),
                    vpc: f.vpc_config().and_then(|v| {
                        let vpc_id = v.vpc_id().filter(|id| !id.is_empty())?;
                        Some(VpcConfig {
                            vpc_id: vpc_id.to_owned(),
                            subnet_ids: v.subnet_ids().to_vec(),
                            security_group_ids: v.security_group_ids().to_vec(),
                        })
                    }),
                    policy,
                }
            }
        })
        .await;
    region
}

/// Active ECS task definitions.
pub(crate) async fn ecs(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_ecs, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let Some(arns) = ctx
        .list(
            data::ECS,
            ECS,
            "ListTaskDefinitions",
            |t| {
                c.list_task_definitions()
                    .status(TaskDefinitionStatus::Active)
                    .set_next_token(t)
                    .send()
            },
            |o| (o.task_definition_arns.unwrap_or_default(), o.next_token),
        )
        .await
    else {
        return region;
    };
    let ctx2 = ctx.clone();
    region.ecs_task_definitions = ctx
        .map(arns, move |arn: String| {
            let (ctx, c) = (ctx2.clone(), c.clone());
            async move {
                let out = ctx
                    .get_for(
                        data::ECS,
                        ECS,
                        "DescribeTaskDefinition",
                        &arn,
                        c.describe_task_definition()
                            .task_definition(&arn)
                            .include(TaskDefinitionField::Tags)
                            .send(),
                    )
                    .await?;
                let td = out.task_definition()?;
                Some(EcsTaskDefinition {
                    meta: Meta {
                        arn: td.task_definition_arn().unwrap_or(&arn).to_owned(),
                        name: format!("{}:{}", td.family().unwrap_or_default(), td.revision()),
                        tags: tags(out.tags().iter().map(|t| (t.key(), t.value()))),
                        origin: origin(ECS, "DescribeTaskDefinition"),
                    },
                    task_role: td.task_role_arn().map(str::to_owned),
                    execution_role: td.execution_role_arn().map(str::to_owned),
                    network_mode: td
                        .network_mode()
                        .map_or_else(|| "bridge".to_owned(), |m| m.as_str().to_owned()),
                    containers: td
                        .container_definitions()
                        .iter()
                        .map(|cd| ContainerDefinition {
                            name: cd.name().unwrap_or_default().to_owned(),
                            image: cd.image().unwrap_or_default().to_owned(),
                            environment: cd
                                .environment()
                                .iter()
                                .filter_map(|kv| {
                                    Some((
                                        kv.name()?.to_owned(),
                                        kv.value().unwrap_or_default().to_owned(),
                                    ))
                                })
                                .collect(),
                            secrets: cd
                                .secrets()
                                .iter()
                                .map(|s| (s.name().to_owned(), s.value_from().to_owned()))
                                .collect(),
                            privileged: cd.privileged().unwrap_or(false),
                        })
                        .collect(),
                })
            }
        })
        .await
        .into_iter()
        .flatten()
        .collect();
    region
}

/// Application, network and gateway load balancers, with listeners, access-log attribute and tags.
pub(crate) async fn elb(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_elasticloadbalancingv2, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let Some(lbs) = ctx
        .list(
            data::ELB,
            ELB,
            "DescribeLoadBalancers",
            |m| c.describe_load_balancers().set_marker(m).send(),
            |o| (o.load_balancers.unwrap_or_default(), o.next_marker),
        )
        .await
    else {
        return region;
    };
    let ctx2 = ctx.clone();
    region.load_balancers = ctx
        .map(lbs, move |lb| {
            let (ctx, c) = (ctx2.clone(), c.clone());
            async move {
                let arn = lb.load_balancer_arn().unwrap_or_default().to_owned();
                let (listeners, attrs, tag_out) = tokio::join!(
                    ctx.list_for(
                        data::ELB,
                        &arn,
                        ELB,
                        "DescribeListeners",
                        |m| c
                            .describe_listeners()
                            .load_balancer_arn(&arn)
                            .set_marker(m)
                            .send(),
                        |o| (o.listeners.unwrap_or_default(), o.next_marker)
                    ),
                    ctx.get_for(
                        data::ELB_ATTRIBUTES,
                        ELB,
                        "DescribeLoadBalancerAttributes",
                        &arn,
                        c.describe_load_balancer_attributes()
                            .load_balancer_arn(&arn)
                            .send()
                    ),
                    ctx.get_for(
                        data::ELB,
                        ELB,
                        "DescribeTags",
                        &arn,
                        c.describe_tags().resource_arns(&arn).send()
                    ),
                );
                let mut out = LoadBalancer {
                    meta: Meta::new(
                        &arn,
                        lb.load_balancer_name().unwrap_or_default(),
                        origin(ELB, "DescribeLoadBalancers"),
                    ),
                    kind: lb
                        .r#type()
                        .map_or_else(|| "application".to_owned(), |t| t.as_str().to_owned()),
                    internet_facing: lb.scheme().is_some_and(|s| s.as_str() == "internet-facing"),
                    vpc_id: lb.vpc_id().map(str::to_owned),
                    subnet_ids: lb
                        .availability_zones()
                        .iter()
                        .filter_map(|z| z.subnet_id().map(str::to_owned))
                        .collect(),
                    security_groups: lb.security_groups().to_vec(),
                    access_logs: None,
                    listeners: Vec::new(),
                };
                if let Some(list) = listeners {
                    out.listeners = list
                        .iter()
                        .map(|l| Listener {
                            port: l.port().and_then(|p| u16::try_from(p).ok()).unwrap_or(0),
                            protocol: l
                                .protocol()
                                .map(|p| p.as_str().to_owned())
                                .unwrap_or_default(),
                        })
                        .collect();
                }
                if let Some(o) = attrs {
                    out.access_logs = Some(o.attributes().iter().any(|a| {
                        a.key() == Some("access_logs.s3.enabled") && a.value() == Some("true")
                    }));
                }
                if let Some(o) = tag_out {
                    out.meta.tags = tags(
                        o.tag_descriptions()
                            .iter()
                            .flat_map(|d| d.tags().iter())
                            .map(|t| (t.key(), t.value())),
                    );
                }
                out
            }
        })
        .await;
    region
}

const CLASSIC: &str = "Elastic Load Balancing";

/// Classic load balancers, with listeners, the access-log attribute and tags.
pub(crate) async fn elb_classic(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_elasticloadbalancing, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let Some(lbs) = ctx
        .list(
            data::ELB,
            CLASSIC,
            "DescribeLoadBalancers",
            |m| c.describe_load_balancers().set_marker(m).send(),
            |o| {
                (
                    o.load_balancer_descriptions.unwrap_or_default(),
                    o.next_marker,
                )
            },
        )
        .await
    else {
        return region;
    };
    let ctx2 = ctx.clone();
    region.load_balancers = ctx
        .map(lbs, move |lb| {
            let (ctx, c) = (ctx2.clone(), c.clone());
            async move {
                let name = lb.load_balancer_name().unwrap_or_default().to_owned();
                let arn = ctx.arn("elasticloadbalancing", &format!("loadbalancer/{name}"));
                let (attrs, tag_out) = tokio::join!(
                    ctx.get_for(
                        data::ELB_ATTRIBUTES,
                        CLASSIC,
                        "DescribeLoadBalancerAttributes",
                        &arn,
                        c.describe_load_balancer_attributes()
                            .load_balancer_name(&name)
                            .send()
                    ),
                    ctx.get_for(
                        data::ELB,
                        CLASSIC,
                        "DescribeTags",
                        &arn,
                        c.describe_tags().load_balancer_names(&name).send()
                    ),
                );
                let mut out = LoadBalancer {
                    meta: Meta::new(&arn, &name, origin(CLASSIC, "DescribeLoadBalancers")),
                    kind: "classic".to_owned(),
                    internet_facing: lb.scheme() == Some("internet-facing"),
                    vpc_id: lb.vpc_id().map(str::to_owned),
                    subnet_ids: lb.subnets().to_vec(),
                    security_groups: lb.security_groups().to_vec(),
                    access_logs: None,
                    listeners: lb
                        .listener_descriptions()
                        .iter()
                        .filter_map(|d| d.listener())
                        .map(|l| Listener {
                            port: u16::try_from(l.load_balancer_port()).unwrap_or(0),
                            protocol: l.protocol().to_owned(),
                        })
                        .collect(),
                };
                if let Some(o) = attrs {
                    out.access_logs = Some(
                        o.load_balancer_attributes()
                            .and_then(|a| a.access_log())
                            .is_some_and(|l| l.enabled()),
                    );
                }
                if let Some(o) = tag_out {
                    out.meta.tags = tags(
                        o.tag_descriptions()
                            .iter()
                            .flat_map(|d| d.tags().iter())
                            .map(|t| (Some(t.key()), t.value())),
                    );
                }
                out
            }
        })
        .await;
    region
}
