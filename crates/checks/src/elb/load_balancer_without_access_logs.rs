//! ELB-001 `load-balancer-without-access-logs`: requests through a load balancer leave no record.

use crate::prelude::*;

/// An application or classic load balancer (or network load balancer with TLS listeners) with
/// access logs off.
pub struct LoadBalancerWithoutAccessLogs;

static META: CheckMeta = CheckMeta {
    code: "ELB-001",
    name: "load-balancer-without-access-logs",
    title: "Load balancer access logs are disabled",
    severity: Severity::Low,
    controls: &["LOG-10"],
    inputs: Input::LSTC,
    compliance: &[fsbp("ELB.5")],
    needs: &[data::ELB, data::ELB_ATTRIBUTES],
    rationale: "The load balancer is the front door: its access logs record every request with \
                client address, path, status, TLS details and timing, before the application \
                has a chance to log (or fail to log) anything. They are the evidence for tracing \
                an attack, a scan or abuse of an API. Gateway load balancers have no access logs, \
                and network load balancers log only TLS connections: those without a TLS \
                listener are not judged.",
    remediation: RemediationText {
        text: "Enable access logs on the load balancer, delivering to an S3 bucket whose policy \
               allows the regional Elastic Load Balancing principal to write, with a lifecycle \
               rule.",
        cli: Some(
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <lb-arn> --attributes Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=<log-bucket> Key=access_logs.s3.prefix,Value=<lb-name>",
        ),
        terraform: Some(
            "resource \"aws_lb\" \"this\" {\n  # ...\n  access_logs {\n    bucket  = aws_s3_bucket.lb_logs.id\n    prefix  = \"storefront\"\n    enabled = true\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for LoadBalancerWithoutAccessLogs {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, lb) in ctx.each(|r| &r.load_balancers) {
            // Gateway load balancers have no access logs; network load balancers only log TLS
            // connections, so one without a TLS listener has nothing to log.
            let tls = lb
                .listeners
                .iter()
                .any(|l| l.protocol.eq_ignore_ascii_case("TLS"));
            if lb.kind == "gateway" || (lb.kind == "network" && !lb.listeners.is_empty() && !tls) {
                continue;
            }
            let at = At::meta(&account.id, Some(&region.name), &lb.meta);
            let name = &lb.meta.name;
            match lb.access_logs {
                Some(true) => {
                    out.pass(
                        at,
                        format!("{} load balancer `{name}` writes access logs", lb.kind),
                    );
                }
                Some(false) => {
                    let exposure = if lb.internet_facing {
                        "internet-facing"
                    } else {
                        "internal"
                    };
                    out.fail(
                        at,
                        format!(
                            "{exposure} {} load balancer `{name}` has access logs disabled",
                            lb.kind
                        ),
                    )
                    .with("access_logs", json!(false))
                    .with("internet_facing", json!(lb.internet_facing));
                }
                None => {
                    out.not_assessed(
                        at,
                        format!("the attributes of load balancer `{name}` were not read: access logging is unknown"),
                    );
                }
            }
        }
    }
}
