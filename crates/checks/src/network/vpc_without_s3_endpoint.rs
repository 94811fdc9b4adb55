//! VPC-010 `vpc-without-s3-endpoint`: a VPC reaches S3 over the internet path (no S3 endpoint).

use crate::prelude::*;

/// Without an endpoint, S3 traffic from private subnets goes through the NAT gateway to S3's
/// public addresses, and bucket policies cannot pin access to the VPC.
pub struct VpcWithoutS3Endpoint;

static META: CheckMeta = CheckMeta {
    code: "VPC-010",
    name: "vpc-without-s3-endpoint",
    title: "VPC has no S3 endpoint",
    severity: Severity::Low,
    controls: &["NET-12"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::EC2_VPC],
    rationale: "A gateway endpoint for S3 keeps bucket traffic on the AWS network, costs nothing, and \
                gives bucket policies an `aws:SourceVpce` value to insist on. Without one, instances \
                in private subnets reach S3 through the NAT gateway and the internet-facing S3 \
                endpoints, and a bucket cannot be locked to the VPC.",
    remediation: RemediationText {
        text: "Create a gateway VPC endpoint for S3 and associate it with the private route tables; \
               then restrict the private buckets to it (VPC-009).",
        cli: Some(
            "aws ec2 create-vpc-endpoint --vpc-id <vpc-id> --service-name com.amazonaws.<region>.s3 --vpc-endpoint-type Gateway --route-table-ids <rtb-id>",
        ),
        terraform: Some(
            "resource \"aws_vpc_endpoint\" \"s3\" {\n  vpc_id            = aws_vpc.main.id\n  service_name      = \"com.amazonaws.${var.region}.s3\"\n  vpc_endpoint_type = \"Gateway\"\n  route_table_ids   = [aws_route_table.private.id]\n}",
        ),
    },
    manual: false,
};

impl Check for VpcWithoutS3Endpoint {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, vpc) in ctx.each(|r| &r.vpcs) {
            let at = At::meta(&account.id, Some(&region.name), &vpc.meta);
            let endpoint = region
                .vpc_endpoints
                .iter()
                .find(|e| e.vpc_id == vpc.id && e.service_name.rsplit('.').next() == Some("s3"));
            match endpoint {
                Some(e) => {
                    out.pass(
                        at,
                        format!(
                            "VPC `{}` has an S3 {} endpoint `{}`",
                            vpc.id, e.endpoint_type, e.id
                        ),
                    );
                }
                // "No endpoint" is concluded from the absence of one: with the Region's VPC data
                // (DescribeVpcEndpoints records its gaps there) unread it is a guess.
                None if crate::root::unseen(
                    ctx,
                    data::EC2_VPC,
                    &account.id,
                    Some(&region.name),
                    &vpc.meta.arn,
                ) => {}
                None => {
                    out.fail(
                        at,
                        format!("VPC `{}` ({}) has no S3 endpoint", vpc.id, vpc.meta.name),
                    )
                    .with("vpc", json!(vpc.id));
                }
            }
        }
    }
}
