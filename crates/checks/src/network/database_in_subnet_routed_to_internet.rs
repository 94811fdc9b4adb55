//! VPC-004 `database-in-subnet-routed-to-internet`: a database sits in a subnet whose route table
//! has a route to an internet gateway.

use rampart_network::Family;
use rampart_network::routes::{InternetRoutes, table_for};

use crate::prelude::*;

/// The data tier belongs in subnets with no road to the internet at all.
pub struct DatabaseInSubnetRoutedToInternet;

static META: CheckMeta = CheckMeta {
    code: "VPC-004",
    name: "database-in-subnet-routed-to-internet",
    title: "Database in a subnet with a route to an internet gateway",
    severity: Severity::High,
    controls: &["NET-9"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[
        data::RDS,
        data::EC2_VPC,
        data::EC2_ROUTE_TABLES,
        data::EC2_NETWORK_INTERFACES,
    ],
    rationale: "A DB subnet group that includes public subnets (their route table sends traffic to \
                an internet gateway) is one flag away from exposure: setting the instance publicly \
                accessible, or restoring a snapshot with the default settings, gives it a public \
                address that the route table then makes reachable. Databases should live only in \
                subnets whose routes stay inside the VPC (or leave through a NAT gateway).",
    remediation: RemediationText {
        text: "Create a DB subnet group made only of private subnets (no internet gateway route) and \
               move the instance to it.",
        cli: Some(
            "aws rds create-db-subnet-group --db-subnet-group-name db-private --db-subnet-group-description private --subnet-ids <private-subnet-a> <private-subnet-b>",
        ),
        terraform: Some(
            "resource \"aws_db_subnet_group\" \"private\" {\n  name       = \"db-private\"\n  subnet_ids = [aws_subnet.db_a.id, aws_subnet.db_b.id]\n}",
        ),
    },
    manual: false,
};

impl Check for DatabaseInSubnetRoutedToInternet {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, db) in ctx.each(|r| &r.db_instances) {
            if db.subnet_ids.is_empty() {
                continue;
            }
            let at = At::meta(&account.id, Some(&region.name), &db.meta);
            let vpc = db.vpc_id.as_deref().unwrap_or_default();
            judge(
                out,
                at,
                region,
                &format!("DB instance `{}`", db.id),
                &db.subnet_ids,
                vpc,
                db.publicly_accessible,
            );
        }
        // The interfaces a database service places in the VPC say where the data tier really is,
        // even when the database's own record carries no subnet list.
        for (account, region, eni) in ctx.each(|r| &r.network_interfaces) {
            let Some(service) = database_service(&eni.description) else {
                continue;
            };
            let at = At::meta(&account.id, Some(&region.name), &eni.meta);
            let subnets = std::slice::from_ref(&eni.subnet_id);
            let what = format!("{service} interface `{}`", eni.id);
            judge(
                out,
                at,
                region,
                &what,
                subnets,
                &eni.vpc_id,
                eni.public_ip.is_some(),
            );
        }
    }
}

/// The database service that owns an interface, from its description.
fn database_service(description: &str) -> Option<&'static str> {
    let d = description.to_ascii_lowercase();
    if d.starts_with("rdsnetworkinterface") {
        Some("RDS")
    } else if d.starts_with("redshiftnetworkinterface") {
        Some("Redshift")
    } else if d.starts_with("elasticache") {
        Some("ElastiCache")
    } else {
        None
    }
}

fn judge(
    out: &mut Sink,
    at: At<'_>,
    region: &rampart_model::Region,
    what: &str,
    subnets: &[String],
    vpc: &str,
    public: bool,
) {
    let mut routed = Vec::new();
    let mut unknown = Vec::new();
    for s in subnets {
        let vpc = region
            .subnets
            .iter()
            .find(|x| &x.id == s)
            .map_or(vpc, |x| x.vpc_id.as_str());
        match table_for(&region.route_tables, s, vpc) {
            Some(t) => {
                let r = InternetRoutes::of(t);
                if r.any(Family::V4) || r.any(Family::V6) {
                    let via: Vec<String> = r
                        .pieces
                        .iter()
                        .map(|p| &t.routes[p.2])
                        .map(|x| format!("{} → {}", x.destination, x.target))
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect();
                    routed.push(format!("{s} (route table {}: {})", t.id, via.join(", ")));
                }
            }
            None => unknown.push(s.clone()),
        }
    }
    if !routed.is_empty() {
        out.fail(
            at,
            format!(
                "{what} sits in subnets routed to the internet: {}",
                routed.join("; ")
            ),
        )
        .with("subnets", json!(routed))
        .with("public_address", json!(public));
    } else if !unknown.is_empty() {
        out.not_assessed(
            at,
            format!("{what}: no route table is known for subnets {unknown:?}"),
        );
    } else {
        out.pass(
            at,
            format!("{what} sits only in subnets without an internet gateway route"),
        );
    }
}
