//! EC2-004 `sg-database-port-open-to-internet`: a database or cache port is open to the whole
//! internet.

use super::common::check_ports_open_to_internet;
use crate::prelude::*;

/// Databases and caches (MySQL, PostgreSQL, SQL Server, Oracle, Redshift, MongoDB, Redis,
/// Memcached, Elasticsearch, …) must only be reachable from the application tier.
pub struct SgDatabasePortOpenToInternet;

static META: CheckMeta = CheckMeta {
    code: "EC2-004",
    name: "sg-database-port-open-to-internet",
    title: "Security group admits a database or cache port from the internet",
    severity: Severity::Critical,
    controls: &["NET-3"],
    inputs: Input::LSTC,
    compliance: &[fsbp("EC2.19")],
    needs: &[data::EC2_SECURITY_GROUPS],
    rationale: "Data stores are where the customer data is. A database or cache port \
                (`ports.database`) open to 0.0.0.0/0 or ::/0 leaves authentication as the only \
                barrier, and several of these engines (Redis, Memcached, Elasticsearch) ship without \
                any by default; exposed instances are found and wiped or ransomed routinely. Only \
                the application tier's security group should be allowed in.",
    remediation: RemediationText {
        text: "Remove the rule admitting the database port from anywhere and allow the port only from \
               the application tier's security group.",
        cli: Some(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port 5432 --cidr 0.0.0.0/0",
        ),
        terraform: Some(
            "resource \"aws_vpc_security_group_ingress_rule\" \"db_from_app\" {\n  security_group_id            = aws_security_group.db.id\n  ip_protocol                  = \"tcp\"\n  from_port                    = 5432\n  to_port                      = 5432\n  referenced_security_group_id = aws_security_group.app.id\n}",
        ),
    },
    manual: false,
};

impl Check for SgDatabasePortOpenToInternet {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        check_ports_open_to_internet(ctx, out, &ctx.config.ports.database, "database or cache");
    }
}
