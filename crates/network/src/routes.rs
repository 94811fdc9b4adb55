//! Route tables: which table a subnet uses, and which addresses it routes to an internet gateway.
//!
//! A subnet uses the table it is explicitly associated with, else its VPC's main table. A packet
//! to address A takes the most specific route whose destination contains A (longest prefix
//! match); a blackhole route drops it. Routes to prefix lists name no address block in the
//! Inventory, so they are left out of the match (and reported as an assumption where it matters).

use rampart_model::network::{RouteTable, RouteTargetKind};

use crate::addr::{Cidr, Family, normalize, subtract};

/// The addresses a route table sends to an internet gateway, with the route responsible.
#[derive(Debug, Clone, Default)]
pub struct InternetRoutes {
    /// (family, address interval, index of the route in the table).
    pub pieces: Vec<(Family, (u128, u128), usize)>,
    /// Whether some route's destination is a prefix list (not resolved here).
    pub has_prefix_list_routes: bool,
}

impl InternetRoutes {
    /// Computes the addresses whose longest-prefix-match route in `table` is a working internet
    /// gateway route (`igw-…`, not blackholed). Egress-only gateways carry no inbound traffic and
    /// are left out.
    #[must_use]
    pub fn of(table: &RouteTable) -> InternetRoutes {
        let mut out = InternetRoutes::default();
        let mut parsed: Vec<(Cidr, usize)> = Vec::new();
        for (i, r) in table.routes.iter().enumerate() {
            match Cidr::parse(&r.destination) {
                Ok(c) => parsed.push((c, i)),
                Err(_) => out.has_prefix_list_routes = true,
            }
        }
        // Most specific first; among equals, AWS keeps one route per destination.
        parsed.sort_by_key(|c| std::cmp::Reverse(c.0.prefix));
        for family in Family::ALL {
            let mut covered: Vec<(u128, u128)> = Vec::new();
            for (c, i) in parsed.iter().filter(|(c, _)| c.family == family) {
                let route = &table.routes[*i];
                let part = subtract(&[(c.lo, c.hi)], &covered);
                if route.target_kind == RouteTargetKind::InternetGateway && !route.blackhole {
                    out.pieces
                        .extend(part.into_iter().map(|iv| (family, iv, *i)));
                }
                covered.push((c.lo, c.hi));
                covered = normalize(covered);
            }
        }
        out
    }

    /// The route that carries `addr` to an internet gateway, if any.
    #[must_use]
    pub fn route_for(&self, family: Family, addr: u128) -> Option<usize> {
        self.pieces
            .iter()
            .find(|(f, iv, _)| *f == family && iv.0 <= addr && addr <= iv.1)
            .map(|p| p.2)
    }

    /// Whether any address of `family` is routed to the internet.
    #[must_use]
    pub fn any(&self, family: Family) -> bool {
        self.pieces.iter().any(|p| p.0 == family)
    }
}

/// The route table a subnet uses: its explicit association, else the VPC's main table.
#[must_use]
pub fn table_for<'a>(
    tables: &'a [RouteTable],
    subnet_id: &str,
    vpc_id: &str,
) -> Option<&'a RouteTable> {
    tables
        .iter()
        .find(|t| t.subnet_ids.iter().any(|s| s == subnet_id))
        .or_else(|| tables.iter().find(|t| t.main && t.vpc_id == vpc_id))
}

/// The longest-prefix-match route for an address, by brute force over the routes (the reference
/// the tests compare [`InternetRoutes`] against).
#[must_use]
pub fn lookup(table: &RouteTable, family: Family, addr: u128) -> Option<usize> {
    table
        .routes
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Cidr::parse(&r.destination).ok().map(|c| (i, c)))
        .filter(|(_, c)| c.family == family && c.lo <= addr && addr <= c.hi)
        .max_by_key(|(i, c)| (c.prefix, std::cmp::Reverse(*i)))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::Meta;
    use rampart_model::network::Route;

    fn route(dest: &str, kind: RouteTargetKind, target: &str) -> Route {
        Route {
            destination: dest.into(),
            target_kind: kind,
            target: target.into(),
            blackhole: false,
        }
    }

    #[test]
    fn longest_prefix_wins() {
        let t = RouteTable {
            meta: Meta::default(),
            id: "rtb-1".into(),
            vpc_id: "vpc-1".into(),
            main: false,
            subnet_ids: vec![],
            routes: vec![
                route("10.0.0.0/16", RouteTargetKind::Local, "local"),
                route("0.0.0.0/0", RouteTargetKind::InternetGateway, "igw-1"),
                route("198.51.100.0/24", RouteTargetKind::NatGateway, "nat-1"),
                route("pl-123", RouteTargetKind::VpcEndpoint, "vpce-1"),
            ],
        };
        let r = InternetRoutes::of(&t);
        assert!(r.has_prefix_list_routes);
        let a = |s: &str| Cidr::parse(s).expect("addr").lo;
        assert_eq!(r.route_for(Family::V4, a("8.8.8.8")), Some(1));
        assert_eq!(r.route_for(Family::V4, a("198.51.100.7")), None);
        assert_eq!(r.route_for(Family::V4, a("10.0.3.4")), None);
        assert!(!r.any(Family::V6));
        assert_eq!(lookup(&t, Family::V4, a("198.51.100.7")), Some(2));
    }
}
