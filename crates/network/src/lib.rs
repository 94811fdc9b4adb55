//! Network semantics for rampart: security groups, network ACLs, routes, and reachability from
//! the internet.
//!
//! Everything here works on the model's Inventory types and does no I/O. The core idea is one
//! packet space (family × peer address × protocol × port, see [`space`]) in which every rule is a
//! box; set operations on boxes give exact answers where scanners usually pattern-match one rule
//! at a time:
//! - [`nacl`]: ordered, first-match, stateless ACLs — the effective policy per direction, shadowed
//!   and redundant entries;
//! - [`sg`]: allow-only, stateful security groups as the union of their rules — "open to the
//!   internet" means the union covers every public address, however many rules that takes;
//! - [`routes`]: the route table a subnet uses and which addresses it sends to an internet
//!   gateway (longest prefix match);
//! - [`reach`]: for each instance, interface, load balancer, DB instance and Lambda function, the
//!   exact (sources, protocol, ports) that reach it from the internet, with the route, NACL
//!   entries and security group rule of every path.

pub mod addr;
pub mod nacl;
pub mod reach;
pub mod routes;
pub mod rules;
pub mod sg;
pub mod space;

pub use addr::{Cidr, Family};
pub use nacl::{Decision, Direction, DirectionPolicy, NaclPolicy};
pub use reach::{Exposure, RegionNetwork, Target, TargetExposure, TargetKind};
pub use sg::{SgPolicy, SgSpaces};
pub use space::{Packet, Space};

/// Why a rule could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    /// A malformed CIDR block.
    #[error("malformed CIDR block `{0}`")]
    Cidr(String),
    /// A CIDR block of the wrong family (an IPv6 block in an IPv4 field).
    #[error("CIDR block `{0}` is of the wrong address family")]
    Family(String),
    /// An unknown protocol.
    #[error("unknown protocol `{0}`")]
    Protocol(String),
    /// Malformed ports.
    #[error("malformed port range {0}")]
    Ports(String),
    /// A network ACL entry with no CIDR block, or both.
    #[error("network ACL entry {0} must have exactly one of an IPv4 and an IPv6 CIDR block")]
    EntryCidr(i32),
}
