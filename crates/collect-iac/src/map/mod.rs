//! Resources as declared ([`Raw`]) into the Inventory, one mapper per IaC language.
//!
//! Unknown values follow one rule: the field gets the value under which no check fails, and the
//! resource gets a [`Gap`] on the data set, so the runner withdraws the pass and reports
//! `not_assessed` — never a pass, never a false failure. Whatever is known still fails.

pub mod cfn;
pub mod policy;
pub mod tf;

use rampart_model::iam::InlinePolicy;
use rampart_model::inventory::DeclaredDefault;
use rampart_model::network::{Peer, SgRule};
use rampart_model::storage::PublicAccessBlock;
use rampart_model::{Account, Gap, InlineWaiver, Meta, Origin, Region, Tags, data};

use crate::raw::Raw;
use crate::value::Value;

/// The code of a gap on a resource whose parent is declared outside the input (see
/// [`Builder::parent_gap`]).
pub const PARENT_NOT_DECLARED: &str = "ParentNotDeclared";

/// Builds one pseudo-account from the resources of one input.
#[derive(Debug)]
pub struct Builder {
    /// The account being filled.
    pub account: Account,
    /// The region resources go to.
    pub region: String,
    /// Gaps: unknowns, undeclared data.
    pub gaps: Vec<Gap>,
    /// Inline waivers found on resources.
    pub waivers: Vec<InlineWaiver>,
    /// The input's label for gaps (`main.tf`, `template.yaml`).
    pub operation: String,
    /// Launch templates (by `id`) whose network interfaces say whether to associate a public
    /// address: for the others, the subnet an Auto Scaling group launches into decides.
    pub public_ip_declared: std::collections::HashSet<String>,
}

impl Builder {
    /// An empty builder.
    #[must_use]
    pub fn new(region: &str, operation: &str) -> Self {
        Builder {
            account: Account::new(crate::ACCOUNT_ID),
            region: region.to_owned(),
            gaps: Vec::new(),
            waivers: Vec::new(),
            operation: operation.to_owned(),
            public_ip_declared: std::collections::HashSet::new(),
        }
    }

    /// The region every regional resource goes to.
    pub fn region(&mut self) -> &mut Region {
        let name = self.region.clone();
        self.account.region_mut(&name)
    }

    /// The `Meta` of a resource; records its waivers. A resource is identified by
    /// `FILE:ADDRESS` (see [`Raw::iac_arn`]), so two declarations never merge by name; `arn`,
    /// the cloud ARN when the declaration says it, is kept in the origin (and so in evidence).
    pub fn meta(
        &mut self,
        raw: &Raw,
        arn: Option<String>,
        name: Option<String>,
        tags: &Value,
    ) -> Meta {
        let cloud =
            arn.filter(|a| a.starts_with("arn:") && !a.contains(crate::map::policy::UNKNOWN_MARK));
        let arn = raw.iac_arn();
        for w in &raw.waivers {
            for check in &w.checks {
                let mut origin = raw.origin.clone();
                origin.line = Some(w.line);
                origin.column = Some(1);
                self.waivers.push(InlineWaiver {
                    check: check.clone(),
                    resource: arn.clone(),
                    reason: w.reason.clone(),
                    origin,
                });
            }
        }
        let mut origin = raw.origin.clone();
        origin.arn = cloud;
        Meta {
            arn,
            name: name.unwrap_or_else(|| raw.address.clone()),
            tags: tags_of(tags),
            origin,
        }
    }

    /// A gap on `data` for one resource.
    pub fn gap(&mut self, data: &str, resource: &str, file: &str, reason: impl Into<String>) {
        let g = Gap::new(data, file, reason)
            .in_account(crate::ACCOUNT_ID)
            .for_resource(resource)
            .with_code("UnknownBeforeApply");
        if !self.gaps.contains(&g) {
            self.gaps.push(g);
        }
    }

    /// A gap on `data` for one resource that this input knows only in part: a child (an ACL,
    /// a bucket policy, a NACL entry) whose parent is declared elsewhere, added as far as the
    /// child tells. Its other data is neither read nor declared here: the fields hold defaults,
    /// not facts. So the gap is of the `Unreadable` kind (code [`PARENT_NOT_DECLARED`]): every
    /// conclusion resting on that data set is `not_assessed`, while what the child itself
    /// declares is still judged. Not `OutsideInput` (code `NotDeclared`): that kind is for
    /// account-level data, and lets a declared resource's own verdict stand, which would turn
    /// these defaults into findings (a NACL entry judged without the entries before it, the
    /// versioning of another stack's bucket).
    pub fn parent_gap(
        &mut self,
        data: &str,
        resource: &str,
        file: &str,
        reason: impl Into<String>,
    ) {
        let g = Gap::new(data, file, reason)
            .in_account(crate::ACCOUNT_ID)
            .for_resource(resource)
            .with_code(PARENT_NOT_DECLARED);
        debug_assert_eq!(g.kind(), rampart_model::GapKind::Unreadable);
        if !self.gaps.contains(&g) {
            self.gaps.push(g);
        }
    }

    /// A resource that configures another one (an association, a route, an alias, a
    /// subscription, a lock, an attachment) whose target is not declared in this input: what it
    /// sets lands on a resource the input does not hold, so it is recorded on the resource
    /// itself as a gap of code [`PARENT_NOT_DECLARED`] on the data set it configures. Every
    /// check needing that data then says `not_assessed` for it, naming the target: never a
    /// silent drop. `what` names the target's kind (`route table`), `target` its id as the
    /// input gives it (`None`: known only after apply).
    pub fn orphan(&mut self, raw: &Raw, data: &str, what: &str, target: Option<&str>) {
        let label = target.unwrap_or("(known only after apply)");
        self.parent_gap(
            data,
            &raw.iac_arn(),
            &file(raw),
            format!(
                "`{}` configures the {what} `{label}`, which is not declared in this input; what it sets there is not judged",
                raw.address
            ),
        );
    }

    /// A gap on `data` for a Terraform resource whose instances are not known before apply
    /// (`why`): whether any of them exists is not known, so nothing the checks read of it is a
    /// fact — an `Unreadable` gap (code `InstancesUnknown`): its failures and passes on `data`
    /// are `not_assessed`, with why.
    pub fn instances_gap(&mut self, raw: &Raw, data: &str, why: &str) {
        let g = Gap::new(
            data,
            &file(raw),
            format!(
                "{why}: whether `{}` is created, and how many times, is decided on apply",
                raw.address
            ),
        )
        .in_account(crate::ACCOUNT_ID)
        .for_resource(&raw.iac_arn())
        .with_code("InstancesUnknown");
        if !self.gaps.contains(&g) {
            self.gaps.push(g);
        }
    }

    /// A gap on `data` for the whole account: IaC does not declare it.
    pub fn account_gap(&mut self, data: &str, reason: &str) {
        self.gaps.push(
            Gap::new(data, &self.operation, reason)
                .in_account(crate::ACCOUNT_ID)
                .with_code("NotDeclared"),
        );
    }

    /// Records a gap for each of `keys` of `attrs` whose value is (or holds) unknown.
    pub fn unknowns(
        &mut self,
        raw: &Raw,
        resource: &str,
        attrs: &Value,
        keys: &[&str],
        data: &str,
    ) -> bool {
        let file = raw.origin.file.clone().unwrap_or_default();
        let mut any = false;
        for k in keys {
            if attrs.get(k).has_unknown() {
                any = true;
                self.gap(
                    data,
                    resource,
                    &file,
                    format!("`{}` of `{}` is not known before apply", k, raw.address),
                );
            }
        }
        any
    }

    /// Account-level gaps for what IaC never declares, or did not declare here.
    pub fn finish(&mut self, declared_defaults: Vec<DeclaredDefault>) {
        self.account.declared_defaults.extend(declared_defaults);
        self.account_gap(
            data::IAM_ROOT,
            "the root user's credentials and MFA are not declared in infrastructure as code",
        );
        let iam = &self.account.iam;
        let none_declared: Vec<(&str, &str)> = [
            (iam.password_policy.is_none(), data::IAM_PASSWORD_POLICY, "no account password policy is declared in this input; it may be set elsewhere"),
            (self.account.aliases.is_empty(), data::IAM_ALIASES, "no account alias is declared in this input; it may be set elsewhere"),
            (self.account.s3_public_access_block.is_none(), data::S3_ACCOUNT_PUBLIC_ACCESS_BLOCK, "the account-level S3 Block Public Access is not declared in this input; it may be set elsewhere"),
        ]
        .into_iter()
        .filter(|(missing, _, _)| *missing)
        .map(|(_, d, r)| (d, r))
        .collect();
        for (d, r) in none_declared {
            self.account_gap(d, r);
        }
        let regions = &self.account.regions;
        let any = |f: &dyn Fn(&Region) -> bool| regions.iter().any(f);
        let mut more = Vec::new();
        if !any(&|r| r.ebs_encryption_by_default.is_some()) {
            more.push((
                data::EC2_EBS_DEFAULT_ENCRYPTION,
                "EBS encryption by default is not declared in this input; it may be set elsewhere",
            ));
        }
        if !any(&|r| !r.trails.is_empty()) {
            more.push((data::CLOUDTRAIL, "no CloudTrail trail is declared in this input; the account's trails may be managed elsewhere"));
        }
        if !any(&|r| !r.metric_filters.is_empty()) {
            more.push((
                data::LOGS_METRIC_FILTERS,
                "no metric filter is declared in this input; they may be managed elsewhere",
            ));
        }
        if !any(&|r| !r.alarms.is_empty()) {
            more.push((
                data::CLOUDWATCH_ALARMS,
                "no alarm is declared in this input; they may be managed elsewhere",
            ));
        }
        if !any(&|r| !r.backup_plans.is_empty()) {
            more.push((
                data::BACKUP_PLANS,
                "no AWS Backup plan is declared in this input; backups may be managed elsewhere",
            ));
        }
        for (d, r) in more {
            self.account_gap(d, r);
        }
        // Data only the live account has: access key usage.
        let users: Vec<String> = self
            .account
            .iam
            .users
            .iter()
            .filter(|u| !u.access_keys.is_empty())
            .map(|u| u.meta.arn.clone())
            .collect();
        for u in users {
            self.gap(
                data::IAM_ACCESS_KEYS,
                &u,
                &self.operation.clone(),
                "when access keys were last used is not known before apply",
            );
        }
    }
}

/// Every VPC has a default security group, created by AWS, that admits all traffic from its own
/// members and lets everything out. A configuration that declares a VPC without taking over its
/// default group (`aws_default_security_group`) leaves those rules in place: the group is added
/// as AWS creates it, at the VPC's declaration.
pub fn implicit_default_groups(bld: &mut Builder) {
    let region = bld.region.clone();
    let r = bld.account.region_mut(&region);
    let mut added = Vec::new();
    for vpc in r.vpcs.iter().filter(|v| !v.is_default) {
        let taken = r
            .security_groups
            .iter()
            .any(|g| g.is_default() && g.vpc_id.as_deref() == Some(vpc.id.as_str()));
        if taken {
            continue;
        }
        let id = format!("{}/default-security-group", vpc.id);
        let mut meta = vpc.meta.clone();
        meta.arn = format!("{}#default-security-group", vpc.meta.arn);
        meta.name = "default".to_owned();
        let origin = vpc.meta.origin.clone();
        added.push(rampart_model::network::SecurityGroup {
            meta,
            id: id.clone(),
            group_name: "default".to_owned(),
            description: "default VPC security group (created by AWS with the VPC)".to_owned(),
            vpc_id: Some(vpc.id.clone()),
            ingress: sg_rules("-1", None, None, &[], &[], &[], &[id], None, &origin),
            egress: allow_all_egress(&origin),
        });
    }
    r.security_groups.extend(added);
}

/// What AWS creates with every VPC besides its default security group, unless the input takes
/// it over: the default network ACL, which allows all traffic in and out (IPv4, and IPv6 when
/// the VPC has an IPv6 block) and serves every subnet not associated with another ACL; and the
/// main route table, with only the local route, which serves every subnet without an explicit
/// association. Added at the VPC's declaration; subnets are attached once every association of
/// the input is known.
pub fn implicit_network_defaults(bld: &mut Builder) {
    use rampart_model::network::{
        NaclEntry, NetworkAcl, Route, RouteTable, RouteTargetKind, RuleAction,
    };
    let region = bld.region.clone();
    let r = bld.account.region_mut(&region);
    let mut acls = Vec::new();
    let mut tables = Vec::new();
    for vpc in r.vpcs.iter().filter(|v| !v.is_default) {
        let has_acl = r
            .network_acls
            .iter()
            .any(|a| a.is_default && a.vpc_id == vpc.id);
        if !has_acl {
            let mut meta = vpc.meta.clone();
            meta.arn = format!("{}#default-network-acl", vpc.meta.arn);
            meta.name = "default network ACL".to_owned();
            meta.origin.arn = None;
            let mut entries = Vec::new();
            let v6 = !vpc.ipv6_cidr_blocks.is_empty();
            for egress in [false, true] {
                entries.push(NaclEntry {
                    rule_number: 100,
                    egress,
                    protocol: "-1".to_owned(),
                    action: RuleAction::Allow,
                    cidr: Some("0.0.0.0/0".to_owned()),
                    ipv6_cidr: None,
                    from_port: None,
                    to_port: None,
                    origin: Some(vpc.meta.origin.clone()),
                });
                if v6 {
                    entries.push(NaclEntry {
                        rule_number: 101,
                        egress,
                        protocol: "-1".to_owned(),
                        action: RuleAction::Allow,
                        cidr: None,
                        ipv6_cidr: Some("::/0".to_owned()),
                        from_port: None,
                        to_port: None,
                        origin: Some(vpc.meta.origin.clone()),
                    });
                }
            }
            acls.push(NetworkAcl {
                meta,
                id: format!("{}/default-network-acl", vpc.id),
                vpc_id: vpc.id.clone(),
                is_default: true,
                subnet_ids: Vec::new(),
                entries,
            });
        }
        let has_main = r.route_tables.iter().any(|t| t.main && t.vpc_id == vpc.id);
        if !has_main {
            let mut meta = vpc.meta.clone();
            meta.arn = format!("{}#main-route-table", vpc.meta.arn);
            meta.name = "main route table".to_owned();
            meta.origin.arn = None;
            tables.push(RouteTable {
                meta,
                id: format!("{}/main-route-table", vpc.id),
                vpc_id: vpc.id.clone(),
                main: true,
                subnet_ids: Vec::new(),
                routes: vpc
                    .cidr_blocks
                    .iter()
                    .chain(&vpc.ipv6_cidr_blocks)
                    .map(|c| Route {
                        destination: c.clone(),
                        target_kind: RouteTargetKind::Local,
                        target: "local".to_owned(),
                        blackhole: false,
                    })
                    .collect(),
            });
        }
    }
    r.network_acls.extend(acls);
    r.route_tables.extend(tables);
    // Subnets with no ACL of their own are served by their VPC's default ACL.
    let associated: std::collections::HashSet<String> = r
        .network_acls
        .iter()
        .filter(|a| !a.is_default)
        .flat_map(|a| a.subnet_ids.iter().cloned())
        .collect();
    let unassociated: Vec<(String, String)> = r
        .subnets
        .iter()
        .filter(|s| !associated.contains(&s.id))
        .map(|s| (s.id.clone(), s.vpc_id.clone()))
        .collect();
    for (subnet, vpc) in unassociated {
        if let Some(acl) = r
            .network_acls
            .iter_mut()
            .find(|a| a.is_default && a.vpc_id == vpc)
            && !acl.subnet_ids.contains(&subnet)
        {
            acl.subnet_ids.push(subnet);
        }
    }
}

/// The identity of a parent that `raw` configures but that is not declared in this input,
/// named `label` (its id as the input gives it, else `unknown`): a `Meta` identified by `raw`'s
/// address, and a [`Builder::parent_gap`] on `data` saying what of it is outside the input.
fn outside_parent(
    bld: &mut Builder,
    raw: &Raw,
    label: Option<String>,
    unknown: &str,
    data: &str,
    what: &str,
) -> (Meta, String) {
    let label = label.unwrap_or_else(|| unknown.to_owned());
    let meta = bld.meta(
        raw,
        None,
        Some(format!("{label} (not declared in this input)")),
        &Value::Null,
    );
    bld.parent_gap(
        data,
        &meta.arn,
        &file(raw),
        format!(
            "`{label}`, which `{}` configures, is not declared in this input: {what}",
            raw.address
        ),
    );
    (meta, label)
}

/// A network ACL that `raw` (an entry, an association) adds to but that is not declared in
/// this input, named `label` (its id as the input gives it): an ACL of its own, identified by
/// `raw`'s address, to which the caller adds what `raw` declares. An ACL's entries are read in
/// rule-number order, so what one entry does depends on the entries outside this input: the
/// ACL's entries are a [`Builder::parent_gap`], and a verdict on them is `not_assessed`.
/// Returns its position in the region's list.
pub fn outside_nacl(bld: &mut Builder, raw: &Raw, label: Option<String>) -> usize {
    use rampart_model::network::NetworkAcl;
    let (meta, id) = outside_parent(
        bld,
        raw,
        label,
        "(a network ACL known only after apply)",
        data::EC2_NETWORK_ACLS,
        "its other entries decide what this one does",
    );
    let r = bld.region();
    r.network_acls.push(NetworkAcl {
        id,
        vpc_id: String::new(),
        is_default: false,
        subnet_ids: Vec::new(),
        entries: Vec::new(),
        meta,
    });
    r.network_acls.len() - 1
}

/// A route table that `raw` (a route, a subnet association) adds to but that is not declared
/// in this input: a table of its own, identified by `raw`'s address, holding what `raw`
/// declares. A subnet associated with it is not served by its VPC's main table (which the
/// implicit defaults would otherwise assume); the table's other routes are outside this input,
/// a [`Builder::parent_gap`]. Returns its position in the region's list.
pub fn outside_route_table(bld: &mut Builder, raw: &Raw, label: Option<String>) -> usize {
    use rampart_model::network::RouteTable;
    let (meta, id) = outside_parent(
        bld,
        raw,
        label,
        "(a route table known only after apply)",
        data::EC2_ROUTE_TABLES,
        "its other routes are not known",
    );
    let r = bld.region();
    r.route_tables.push(RouteTable {
        id,
        vpc_id: String::new(),
        main: false,
        subnet_ids: Vec::new(),
        routes: Vec::new(),
        meta,
    });
    r.route_tables.len() - 1
}

/// One network ACL entry from declared values: the protocol as a number (as the API reports
/// it; `-1` for all), no ports for all protocols, `deny` in any case a deny.
#[allow(clippy::too_many_arguments)]
#[must_use]
pub fn nacl_entry(
    rule_number: Option<i64>,
    egress: bool,
    proto: &str,
    action: Option<&str>,
    cidr: Option<String>,
    ipv6_cidr: Option<String>,
    ports: (Option<i64>, Option<i64>),
    origin: Origin,
) -> rampart_model::network::NaclEntry {
    use rampart_model::network::{NaclEntry, RuleAction};
    let p = match protocol(proto).as_str() {
        "tcp" => "6".to_owned(),
        "udp" => "17".to_owned(),
        "icmp" => "1".to_owned(),
        "icmpv6" => "58".to_owned(),
        o => o.to_owned(),
    };
    let all = p == "-1";
    let port = |x: Option<i64>| {
        if all {
            None
        } else {
            x.and_then(|x| i32::try_from(x).ok())
        }
    };
    NaclEntry {
        rule_number: rule_number.and_then(|n| i32::try_from(n).ok()).unwrap_or(0),
        egress,
        protocol: p,
        action: if action.is_some_and(|x| x.eq_ignore_ascii_case("deny")) {
            RuleAction::Deny
        } else {
            RuleAction::Allow
        },
        cidr,
        ipv6_cidr,
        from_port: port(ports.0),
        to_port: port(ports.1),
        origin: Some(origin),
    }
}

/// The value of `k` as text.
pub(super) fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).as_string()
}
/// The value of `k` as a boolean.
pub(super) fn b(v: &Value, k: &str) -> Option<bool> {
    v.get(k).as_bool()
}
/// The value of `k` as an integer.
pub(super) fn i(v: &Value, k: &str) -> Option<i64> {
    v.get(k).as_i64()
}
/// The value of `k` as a non-negative 32-bit integer.
pub(super) fn u32_of(v: &Value, k: &str) -> Option<u32> {
    i(v, k).and_then(|x| u32::try_from(x).ok())
}

/// A boolean argument or property; unknown before apply: a gap on `data_set` for this resource
/// and the benign value.
pub(super) fn known_bool(
    bld: &mut Builder,
    raw: &Raw,
    arn: &str,
    a: &Value,
    key: &str,
    data_set: &str,
    benign: bool,
) -> Option<bool> {
    match a.get(key) {
        Value::Unknown => {
            bld.gap(
                data_set,
                arn,
                &file(raw),
                format!("`{key}` of `{}` is not known before apply", raw.address),
            );
            Some(benign)
        }
        v => v.as_bool(),
    }
}

/// The Block Public Access keys of a bucket, an account or an access point in Terraform, in the
/// order of [`PublicAccessBlock`]'s fields.
pub const TF_BLOCK_KEYS: [&str; 4] = [
    "block_public_acls",
    "ignore_public_acls",
    "block_public_policy",
    "restrict_public_buckets",
];

/// The same keys in CloudFormation.
pub const CFN_BLOCK_KEYS: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

/// A Block Public Access configuration (a bucket's, the account's, an access point's) read with
/// the language's key names `keys`: each setting as declared, `unset` when it is not declared
/// (off for a bucket's or the account's configuration block, on for an access point's); one
/// known only after apply is on (under which nothing fails), with a gap on `data_set` for
/// `resource`.
pub fn public_access_block(
    bld: &mut Builder,
    raw: &Raw,
    block: &Value,
    keys: [&str; 4],
    unset: bool,
    (data_set, resource): (&str, &str),
) -> PublicAccessBlock {
    let mut flags = [unset; 4];
    for (slot, k) in flags.iter_mut().zip(keys) {
        *slot = match block.get(k) {
            Value::Unknown => {
                bld.gap(
                    data_set,
                    resource,
                    &file(raw),
                    format!("`{k}` of `{}` is not known before apply", raw.address),
                );
                true
            }
            v => v.as_bool().unwrap_or(unset),
        };
    }
    PublicAccessBlock {
        block_public_acls: flags[0],
        ignore_public_acls: flags[1],
        block_public_policy: flags[2],
        restrict_public_buckets: flags[3],
    }
}

/// What an S3 access point declares, in either language's key names.
pub struct AccessPointDecl<'a> {
    /// The bucket's name as declared.
    pub bucket: &'a Value,
    /// The access point's name.
    pub name: Option<String>,
    /// The `public_access_block_configuration` / `PublicAccessBlockConfiguration` block.
    pub block: &'a Value,
    /// Its four keys, in the order of [`rampart_model::storage::PublicAccessBlock`]'s fields.
    pub block_keys: [&'a str; 4],
    /// The VPC of its `vpc_configuration` / `VpcConfiguration`.
    pub vpc: &'a Value,
    /// Its policy.
    pub policy: &'a Value,
}

/// An S3 access point (`aws_s3_access_point`, `AWS::S3::AccessPoint`). Each of its Block Public
/// Access settings is on unless the declaration turns it off (S3 User Guide: all are enabled by
/// default for access points); one known only after apply gets the value under which nothing
/// fails and a gap, as does a policy or VPC known only after apply. Returns its position in the
/// account's list.
pub fn access_point(bld: &mut Builder, raw: &Raw, d: &AccessPointDecl<'_>) -> usize {
    use rampart_model::storage::AccessPoint;
    let meta = bld.meta(raw, None, d.name.clone(), &Value::Null);
    let arn = meta.arn.clone();
    let fl = file(raw);
    let public_access_block = public_access_block(
        bld,
        raw,
        d.block,
        d.block_keys,
        true,
        (data::S3_ACCESS_POINTS, &arn),
    );
    if d.block.is_unknown() || d.vpc.has_unknown() || d.bucket.has_unknown() {
        bld.gap(
            data::S3_ACCESS_POINTS,
            &arn,
            &fl,
            format!(
                "the bucket, network origin or Block Public Access of `{}` is not known before apply",
                raw.address
            ),
        );
    }
    let policy = policy_or_gap(bld, raw, &arn, d.policy, data::S3_ACCESS_POINTS);
    let region = bld.region.clone();
    bld.account.s3_access_points.push(AccessPoint {
        meta,
        region,
        bucket: d.bucket.as_string().unwrap_or_default(),
        vpc_id: d.vpc.as_string().or_else(|| {
            // A VPC known only after apply is still a VPC origin.
            d.vpc.is_unknown().then(|| policy::UNKNOWN_MARK.to_owned())
        }),
        public_access_block,
        policy,
    });
    bld.account.s3_access_points.len() - 1
}

/// Whether an instance, launch template or launch configuration requires IMDSv2, from its
/// `http_tokens` / `HttpTokens` value: `required` only when it says so (EC2's default is
/// `optional`); a value known only after apply is a gap on the resource and the value under
/// which nothing fails.
pub fn imdsv2_required(bld: &mut Builder, raw: &Raw, http_tokens: &Value) -> Option<bool> {
    if http_tokens.has_unknown() {
        bld.gap(
            data::EC2_INSTANCES,
            &raw.iac_arn(),
            &file(raw),
            format!(
                "the metadata `http_tokens` of `{}` is not known before apply",
                raw.address
            ),
        );
        return Some(true);
    }
    Some(http_tokens.as_str() == Some("required"))
}

/// The public address a launch template gives the instances it launches: "(assigned on
/// launch)" when one of its network interfaces sets `associate_public_ip_address` /
/// `AssociatePublicIpAddress` (EC2.25), or a launch configuration sets it (`interfaces` is then
/// the configuration itself); `None` when none does (the subnet's
/// `map_public_ip_on_launch` then decides, where the instances are launched). A value known only
/// after apply is a gap on the template.
pub fn launch_template_public_ip(
    bld: &mut Builder,
    raw: &Raw,
    interfaces: &Value,
    key: &str,
) -> Option<String> {
    let mut public = false;
    for ni in interfaces.items() {
        let v = ni.get(key);
        if !v.is_null() {
            bld.public_ip_declared.insert(raw.id.clone());
        }
        if v.has_unknown() {
            bld.gap(
                data::EC2_INSTANCES,
                &raw.iac_arn(),
                &file(raw),
                format!("`{key}` of `{}` is not known before apply", raw.address),
            );
        } else if v.as_bool() == Some(true) {
            public = true;
        }
    }
    public.then(|| "(assigned on launch)".to_owned())
}

/// What an Auto Scaling group declares, read with either language's key names.
pub struct GroupDecl<'a> {
    /// Its name (`name`, `AutoScalingGroupName`).
    pub name: Option<String>,
    /// Its tags.
    pub tags: &'a Value,
    /// What it launches from: the kind (`launch-template`, `launch-configuration`,
    /// `instance`), the reference (an id or a name) and the version asked for.
    pub sources: Vec<(&'static str, &'a Value, &'a Value)>,
    /// `vpc_zone_identifier` / `VPCZoneIdentifier`.
    pub subnets: &'a Value,
    /// `target_group_arns` / `TargetGroupARNs`.
    pub target_groups: &'a Value,
    /// `load_balancers` / `LoadBalancerNames`.
    pub load_balancers: &'a Value,
    /// CloudFormation: a reference names a resource of the same template only.
    pub same_file: bool,
}

/// The launch template or launch configuration of `region` that `reference` names (its `id`
/// or name), declared in `file` when `same_file`: its position in the region's instances.
fn launch_source_at(
    region: &Region,
    kind: &str,
    reference: &str,
    file: Option<&str>,
) -> Option<usize> {
    region.instances.iter().position(|i| {
        (i.state == kind || (kind == "instance" && i.state == "running"))
            && (i.id == reference || i.meta.name == reference)
            && file.is_none_or(|f| i.meta.origin.file.as_deref() == Some(f))
    })
}

/// An Auto Scaling group (`aws_autoscaling_group`, `AWS::AutoScaling::AutoScalingGroup`),
/// mapped once every launch template and launch configuration is known. What its instances get
/// is judged on what it launches from, which names the group in evidence. A source not
/// declared in this input (or known only after apply, or an instance to copy) leaves what the
/// group launches unknown: a gap on the group for the instances' data, so that every check of
/// them says `not_assessed` for it, naming the source. A launch template that leaves public
/// addresses to the subnet (no `associate_public_ip_address` on its interfaces) gives one to
/// every instance the group launches into a subnet that maps public addresses on launch (EC2
/// User Guide, "Amazon EC2 instance IP addressing"): the template then assigns them.
pub fn autoscaling_group(bld: &mut Builder, raw: &Raw, d: &GroupDecl<'_>) {
    use rampart_model::compute::{AutoScalingGroup, LaunchSource};
    let meta = bld.meta(raw, None, d.name.clone(), d.tags);
    let arn = meta.arn.clone();
    let fl = file(raw);
    let same_file = d.same_file.then(|| fl.clone());
    let mut launches = Vec::new();
    let mut found = Vec::new();
    for (kind, reference, version) in &d.sources {
        let label = reference.as_string();
        let at = label
            .as_deref()
            .and_then(|r| launch_source_at(bld.region(), kind, r, same_file.as_deref()));
        let what = match *kind {
            "launch-template" => "launch template",
            "launch-configuration" => "launch configuration",
            _ => "instance",
        };
        let label = label.unwrap_or_else(|| "(known only after apply)".to_owned());
        match at {
            Some(x) => {
                found.push(x);
                launches.push(LaunchSource {
                    kind: (*kind).to_owned(),
                    id: bld.region().instances[x].id.clone(),
                    version: version.as_string().or_else(|| {
                        version
                            .has_unknown()
                            .then(|| "(known only after apply)".to_owned())
                    }),
                });
            }
            None => {
                bld.parent_gap(
                    data::EC2_INSTANCES,
                    &arn,
                    &fl,
                    format!(
                        "`{}` launches its instances from the {what} `{label}`, which is not declared in this input: what they get is not judged",
                        raw.address
                    ),
                );
                launches.push(LaunchSource {
                    kind: (*kind).to_owned(),
                    id: label,
                    version: version.as_string(),
                });
            }
        }
    }
    if d.sources.is_empty() {
        bld.parent_gap(
            data::EC2_INSTANCES,
            &arn,
            &fl,
            format!(
                "`{}` names no launch template or launch configuration this input can read",
                raw.address
            ),
        );
    }
    let subnet_ids = d.subnets.strings();
    if d.subnets.has_unknown() {
        bld.gap(
            data::EC2_INSTANCES,
            &arn,
            &fl,
            format!(
                "the subnets of `{}` are not known before apply",
                raw.address
            ),
        );
    }
    let name = bld.region.clone();
    let region = bld.account.region_mut(&name);
    let public = public_subnets(region);
    let public_here: Vec<&String> = subnet_ids.iter().filter(|s| public.contains(*s)).collect();
    if let Some(subnet) = public_here.first() {
        for x in found {
            let lt = &region.instances[x];
            if matches!(
                lt.state.as_str(),
                "launch-template" | "launch-configuration"
            ) && lt.public_ip.is_none()
                && !bld.public_ip_declared.contains(&lt.id)
            {
                region.instances[x].public_ip = Some(format!(
                    "(assigned on launch: subnet `{subnet}` of `{}` maps public addresses)",
                    raw.address
                ));
            }
        }
    }
    region.autoscaling_groups.push(AutoScalingGroup {
        meta,
        launches,
        subnet_ids,
        target_group_arns: d.target_groups.strings(),
        load_balancer_names: d.load_balancers.strings(),
    });
}

/// The subnets of `region` that give instances a public address on launch
/// (`map_public_ip_on_launch` / `MapPublicIpOnLaunch`).
#[must_use]
pub fn public_subnets(region: &Region) -> std::collections::HashSet<String> {
    region
        .subnets
        .iter()
        .filter(|s| s.map_public_ip_on_launch)
        .map(|s| s.id.clone())
        .collect()
}

/// A VPC endpoint (`aws_vpc_endpoint`, `AWS::EC2::VPCEndpoint`), read with the language's key
/// names for its tags, VPC, service, type (`Gateway` unless declared), policy, route tables and
/// subnets.
pub fn vpc_endpoint(bld: &mut Builder, raw: &Raw, keys: [&str; 7]) {
    let [tags, vpc, service, kind, policy_key, tables, subnets] = keys;
    let a = &raw.attrs;
    let meta = bld.meta(raw, None, None, a.get(tags));
    let e = rampart_model::network::VpcEndpoint {
        id: raw.id.clone(),
        vpc_id: s(a, vpc).unwrap_or_default(),
        service_name: s(a, service).unwrap_or_default(),
        endpoint_type: s(a, kind).unwrap_or_else(|| "Gateway".to_owned()),
        policy: policy::parse(a.get(policy_key))
            .ok()
            .flatten()
            .map(Into::into),
        route_table_ids: a.get(tables).strings(),
        subnet_ids: a.get(subnets).strings(),
        meta,
    };
    bld.region().vpc_endpoints.push(e);
}

/// A bucket's default encryption from its rules, each given with the block holding its
/// defaults, read with either language's key names (`algorithm`, `kms_key`, `bucket_key`): the
/// last rule that names an algorithm; an algorithm known only after apply is a gap on the bucket
/// (`arn`) and SSE-KMS, under which no check fails. `None` when no rule names one.
pub fn bucket_encryption<'v>(
    bld: &mut Builder,
    arn: &str,
    fl: &str,
    rules: impl IntoIterator<Item = (&'v Value, &'v Value)>,
    [algorithm, kms_key, bucket_key]: [&str; 3],
) -> Option<rampart_model::storage::BucketEncryption> {
    let mut out = None;
    for (rule, d) in rules {
        let algorithm = match d.get(algorithm) {
            Value::Unknown => {
                bld.gap(
                    data::S3_BUCKET_ENCRYPTION,
                    arn,
                    fl,
                    "the encryption algorithm is not known before apply",
                );
                "aws:kms".to_owned()
            }
            v => match v.as_string() {
                Some(a) => a,
                None => continue,
            },
        };
        out = Some(rampart_model::storage::BucketEncryption {
            algorithm,
            kms_key_id: s(d, kms_key),
            bucket_key_enabled: b(rule, bucket_key).unwrap_or(false),
        });
    }
    out
}

/// Tags from a map value (known string values only).
#[must_use]
pub fn tags_of(v: &Value) -> Tags {
    match v {
        Value::Map(m) => m
            .iter()
            .filter(|(k, _)| !k.starts_with('@'))
            .filter_map(|(k, v)| v.as_string().map(|s| (k.clone(), s)))
            .collect(),
        Value::List(l) => l
            .iter()
            .filter_map(|t| Some((t.get("Key").as_string()?, t.get("Value").as_string()?)))
            .collect(),
        _ => Tags::new(),
    }
}

/// An origin for a nested block or mapping of `raw` (its recorded line), else `raw`'s own.
#[must_use]
pub fn nested_origin(raw: &Raw, v: &Value) -> Origin {
    let mut o = raw.origin.clone();
    if let Some(l) = v.line() {
        o.line = Some(l);
        o.column = v.column().or(Some(1));
    }
    o
}

/// Normalizes a protocol name as the API reports it (`tcp`, `udp`, `icmp`, `-1`).
#[must_use]
pub fn protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" | "" => "-1".to_owned(),
        "6" => "tcp".to_owned(),
        "17" => "udp".to_owned(),
        "1" => "icmp".to_owned(),
        "58" => "icmpv6".to_owned(),
        other => other.to_owned(),
    }
}

/// Security group rules for each peer of one declared rule (CIDRs, IPv6 CIDRs, prefix lists,
/// groups, self).
#[allow(clippy::too_many_arguments)]
#[must_use]
pub fn sg_rules(
    proto: &str,
    from: Option<i64>,
    to: Option<i64>,
    cidrs: &[String],
    cidrs6: &[String],
    prefix_lists: &[String],
    groups: &[String],
    description: Option<String>,
    origin: &Origin,
) -> Vec<SgRule> {
    let proto = protocol(proto);
    let all = proto == "-1";
    let port = |p: Option<i64>| {
        if all {
            None
        } else {
            p.and_then(|x| i32::try_from(x).ok())
        }
    };
    let peers = cidrs
        .iter()
        .map(|c| Peer::Cidr4(c.clone()))
        .chain(cidrs6.iter().map(|c| Peer::Cidr6(c.clone())))
        .chain(prefix_lists.iter().map(|c| Peer::PrefixList(c.clone())))
        .chain(groups.iter().map(|c| Peer::SecurityGroup(c.clone())));
    peers
        .map(|peer| SgRule {
            protocol: proto.clone(),
            from_port: port(from),
            to_port: port(to),
            peer,
            description: description.clone(),
            origin: Some(origin.clone()),
        })
        .collect()
}

/// The egress rule AWS gives a security group created without any: all traffic to
/// `0.0.0.0/0` (a VPC's default group, a CloudFormation group declaring no
/// `SecurityGroupEgress`; Terraform removes it).
#[must_use]
pub fn allow_all_egress(origin: &Origin) -> Vec<SgRule> {
    sg_rules(
        "-1",
        None,
        None,
        &["0.0.0.0/0".to_owned()],
        &[],
        &[],
        &[],
        None,
        origin,
    )
}

/// Whether any of `keys` of the security group rule `r` is known only after apply: then a gap
/// on the group `sg_arn`, whose rules are not all known.
pub fn sg_rule_unknown(
    bld: &mut Builder,
    raw: &Raw,
    sg_arn: &str,
    r: &Value,
    keys: &[&str],
) -> bool {
    if !keys.iter().any(|k| r.get(k).has_unknown()) {
        return false;
    }
    bld.gap(
        data::EC2_SECURITY_GROUPS,
        sg_arn,
        &file(raw),
        format!("a rule of `{}` is not known before apply", raw.address),
    );
    true
}

/// An IAM user as declared before its keys, groups, policies and login profile are read.
#[must_use]
pub fn bare_user(meta: Meta, permissions_boundary: Option<String>) -> rampart_model::iam::User {
    rampart_model::iam::User {
        meta,
        created: None,
        console_password: false,
        password_last_used: None,
        mfa_devices: Vec::new(),
        access_keys: Vec::new(),
        groups: Vec::new(),
        attached_policies: Vec::new(),
        inline_policies: Vec::new(),
        permissions_boundary,
    }
}

/// An inline policy with its origin.
#[must_use]
pub fn inline(
    name: &str,
    document: rampart_model::PolicyDocument,
    origin: &Origin,
) -> InlinePolicy {
    InlinePolicy {
        name: name.to_owned(),
        document,
        origin: origin.clone(),
    }
}

/// The file a raw resource was declared in.
pub(super) fn file(raw: &Raw) -> String {
    raw.origin.file.clone().unwrap_or_default()
}

/// A policy document from an IaC value: parts unknown before apply become a gap on `data_set`
/// for this resource, so checks say `not_assessed` rather than judge a placeholder.
pub(super) fn policy_or_gap(
    bld: &mut Builder,
    raw: &Raw,
    arn: &str,
    v: &Value,
    data_set: &str,
) -> Option<rampart_model::PolicyDocument> {
    match policy::parse(v) {
        Ok(Some(doc)) => {
            if policy::has_unknown(&doc) {
                bld.gap(
                    data_set,
                    arn,
                    &file(raw),
                    format!(
                        "parts of a policy of `{}` are not known before apply",
                        raw.address
                    ),
                );
            }
            Some(doc.into())
        }
        Ok(None) => None,
        Err(policy::NotKnown) => {
            bld.gap(
                data_set,
                arn,
                &file(raw),
                format!("a policy of `{}` is not known before apply", raw.address),
            );
            None
        }
    }
}
