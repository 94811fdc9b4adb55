//! VPC-008 `database-publicly-accessible`: an RDS instance or Redshift cluster is publicly
//! accessible.

use crate::prelude::*;

/// "Publicly accessible" gives the database a public address; only the network rules then stand
/// between it and the internet.
pub struct DatabasePubliclyAccessible;

static META: CheckMeta = CheckMeta {
    code: "VPC-008",
    name: "database-publicly-accessible",
    title: "Database is publicly accessible",
    severity: Severity::High,
    controls: &["NET-3"],
    inputs: Input::LSTC,
    compliance: &[fsbp("RDS.2")],
    needs: &[data::RDS, data::REDSHIFT],
    rationale: "With `PubliclyAccessible` set, RDS and Redshift give the endpoint a public DNS name \
                and address. Whether it is reachable then depends only on the subnet's routes and the \
                security groups, so one broad rule added later exposes the data. Databases should be \
                reachable only from the application tier over private addresses; VPC-007 reports \
                whether a path from the internet exists today.",
    remediation: RemediationText {
        text: "Turn off public accessibility on the instance or cluster; connect administrators through \
               a bastion, VPN or Session Manager port forwarding.",
        cli: Some(
            "aws rds modify-db-instance --db-instance-identifier <db> --no-publicly-accessible --apply-immediately",
        ),
        terraform: Some(
            "resource \"aws_db_instance\" \"main\" {\n  publicly_accessible = false\n}",
        ),
    },
    manual: false,
};

impl Check for DatabasePubliclyAccessible {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, db) in ctx.each(|r| &r.db_instances) {
            let at = At::meta(&account.id, Some(&region.name), &db.meta);
            if db.publicly_accessible {
                out.fail(
                    at,
                    format!(
                        "DB instance `{}` ({}) is publicly accessible",
                        db.id, db.engine
                    ),
                )
                .with("security_groups", json!(db.security_groups))
                .with("subnets", json!(db.subnet_ids));
            } else {
                out.pass(
                    at,
                    format!("DB instance `{}` is not publicly accessible", db.id),
                );
            }
        }
        for (account, region, c) in ctx.each(|r| &r.redshift_clusters) {
            let at = At::meta(&account.id, Some(&region.name), &c.meta);
            if c.publicly_accessible {
                out.fail(
                    at,
                    format!("Redshift cluster `{}` is publicly accessible", c.id),
                )
                .with("security_groups", json!(c.security_groups));
            } else {
                out.pass(
                    at,
                    format!("Redshift cluster `{}` is not publicly accessible", c.id),
                );
            }
        }
    }
}
