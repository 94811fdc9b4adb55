//! Resources that configure another one whose declaration is not in the input (issue 13: "never
//! a silent drop"). Each is either judged on its own settings, where they decide alone, or
//! reported as a `ParentNotDeclared` gap on what it configures, so every check that needs that
//! data says `not_assessed` for it.

mod common;

use std::path::{Path, PathBuf};

use rampart_collect_iac::map::PARENT_NOT_DECLARED;
use rampart_model::{Finding, Gap, Inventory, Status};

fn input(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inputs/orphans")
        .join(name)
}

/// The parent-not-declared gap on `data` for the resource whose identity ends with `resource`.
fn parent_gap<'a>(inv: &'a Inventory, data: &str, resource: &str) -> Option<&'a Gap> {
    inv.gaps.iter().find(|g| {
        g.code.as_deref() == Some(PARENT_NOT_DECLARED)
            && g.data == data
            && g.resource.as_deref().is_some_and(|r| r.ends_with(resource))
    })
}

/// The statuses check `code` gives the resource ending with `resource`.
fn statuses(results: &[Finding], code: &str, resource: &str) -> Vec<Status> {
    let mut v: Vec<Status> = results
        .iter()
        .filter(|f| f.check == code && f.resource.ends_with(resource))
        .map(|f| f.status)
        .collect();
    v.dedup();
    v
}

#[test]
fn terraform_children_of_undeclared_parents_are_each_reported() {
    let loaded = common::read(&input("tf"), &[]);
    let inv = &loaded.inventory;
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    // (data set, the resource the gap is on)
    let expected = [
        ("ec2.network_acls", "main.tf:aws_network_acl_rule.ssh"),
        ("ec2.network_acls", "main.tf:aws_network_acl_rule.from_var"),
        ("ec2.vpc.route_tables", "main.tf:aws_route.internet"),
        (
            "ec2.vpc.route_tables",
            "main.tf:aws_main_route_table_association.main",
        ),
        ("ec2.vpc", "main.tf:aws_internet_gateway_attachment.igw"),
        ("iam.users.mfa", "main.tf:aws_iam_user_login_profile.alice"),
        ("iam.users", "main.tf:aws_iam_user_group_membership.bob"),
        ("kms.keys", "main.tf:aws_kms_alias.data"),
        (
            "secretsmanager",
            "main.tf:aws_secretsmanager_secret_rotation.db",
        ),
        ("sns", "main.tf:aws_sns_topic_subscription.alerts"),
        ("sns", "main.tf:aws_sns_topic_policy.alerts"),
        (
            "backup.vaults.lock",
            "main.tf:aws_backup_vault_lock_configuration.vault",
        ),
        ("backup.plans", "main.tf:aws_backup_selection.all"),
        ("elb", "main.tf:aws_lb_listener.http"),
    ];
    let mut missing = Vec::new();
    for (data, resource) in expected {
        if parent_gap(inv, data, resource).is_none() {
            missing.push(format!("{data} on {resource}"));
        }
    }
    assert!(
        missing.is_empty(),
        "no parent gap: {missing:?}\n{:#?}",
        inv.gaps
    );

    let region = &inv.accounts[0].regions[0];
    // The two rules on `acl-0abc` and the association share one ACL standing for it; the rule
    // on a variable gets its own.
    let acl = region
        .network_acls
        .iter()
        .find(|a| a.id == "acl-0abc")
        .expect("an ACL standing for acl-0abc");
    assert_eq!(
        acl.entries
            .iter()
            .map(|e| e.rule_number)
            .collect::<Vec<_>>(),
        [100, 110]
    );
    assert_eq!(acl.subnet_ids.len(), 1);
    // The subnet is not served by its VPC's default ACL any more.
    let default = region
        .network_acls
        .iter()
        .find(|a| a.is_default)
        .expect("the VPC's default ACL");
    assert!(default.subnet_ids.is_empty(), "{:?}", default.subnet_ids);
    // The route and the association on `rtb-0pub` land on one table standing for it.
    let tables: Vec<_> = region
        .route_tables
        .iter()
        .filter(|t| !t.main && !t.routes.is_empty())
        .collect();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].subnet_ids.len(), 1);
    assert_eq!(tables[0].routes[0].destination, "0.0.0.0/0");

    let results = common::audit(inv);
    // The entries of an ACL outside the input decide nothing alone: not assessed, not failed.
    assert_eq!(
        statuses(&results, "VPC-003", "main.tf:aws_network_acl_rule.ssh"),
        [Status::NotAssessed]
    );
    // AdministratorAccess attached to a role of another stack is a finding on its own.
    let admin: Vec<&Finding> = results
        .iter()
        .filter(|f| {
            f.status == Status::Fail && f.resource.ends_with("aws_iam_role_policy_attachment.admin")
        })
        .collect();
    assert!(!admin.is_empty(), "no failure on the admin attachment");
    // The user of another stack given a console password: whether it has MFA is not known.
    assert!(
        results
            .iter()
            .filter(|f| f.resource.ends_with("aws_iam_user_login_profile.alice"))
            .all(|f| f.status != Status::Fail || !f.message.to_lowercase().contains("mfa")),
        "a false MFA failure on a user declared elsewhere"
    );
}

#[test]
fn cloudformation_children_of_undeclared_parents_are_each_reported() {
    let loaded = common::read(&input("cfn/template.yaml"), &[]);
    let inv = &loaded.inventory;
    let expected = [
        ("ec2.network_acls", "template.yaml:SshEntry"),
        ("ec2.vpc.route_tables", "template.yaml:InternetRoute"),
        ("ec2.vpc", "template.yaml:Attachment"),
        ("iam.users", "template.yaml:Key"),
        ("iam.users", "template.yaml:Membership"),
        ("kms.keys", "template.yaml:Alias"),
        ("secretsmanager", "template.yaml:Rotation"),
        ("sns", "template.yaml:Subscription"),
        ("sns", "template.yaml:TopicPolicy"),
        ("backup.plans", "template.yaml:Selection"),
        ("iam.policies", "template.yaml:ReadPolicy"),
    ];
    let mut missing = Vec::new();
    for (data, resource) in expected {
        if parent_gap(inv, data, resource).is_none() {
            missing.push(format!("{data} on {resource}"));
        }
    }
    assert!(
        missing.is_empty(),
        "no parent gap: {missing:?}\n{:#?}",
        inv.gaps
    );
    let region = &inv.accounts[0].regions[0];
    // The entry and the association name a parameter without a value: each gets an ACL
    // standing for the one it names (they may differ), and the subnet is served by that ACL,
    // not by the VPC's default one.
    let outside: Vec<_> = region
        .network_acls
        .iter()
        .filter(|a| !a.is_default)
        .collect();
    assert_eq!(outside.len(), 2, "{outside:#?}");
    assert_eq!(outside.iter().map(|a| a.entries.len()).sum::<usize>(), 1);
    assert_eq!(outside.iter().map(|a| a.subnet_ids.len()).sum::<usize>(), 1);
    assert!(
        region
            .network_acls
            .iter()
            .filter(|a| a.is_default)
            .all(|a| a.subnet_ids.is_empty())
    );
    for a in &outside {
        assert!(
            parent_gap(inv, "ec2.network_acls", &a.meta.arn).is_some(),
            "{}",
            a.meta.arn
        );
    }
    let tables: Vec<_> = region.route_tables.iter().filter(|t| !t.main).collect();
    assert_eq!(tables.len(), 2);
    assert_eq!(tables.iter().map(|t| t.subnet_ids.len()).sum::<usize>(), 1);
    assert_eq!(tables.iter().map(|t| t.routes.len()).sum::<usize>(), 1);
    // The declared role still gets the policy.
    let role = inv.accounts[0]
        .iam
        .roles
        .iter()
        .find(|r| r.meta.arn.ends_with("template.yaml:Role"))
        .expect("the role");
    assert_eq!(role.inline_policies.len(), 1);
    let results = common::audit(inv);
    assert_eq!(
        statuses(&results, "VPC-003", "template.yaml:SshEntry"),
        [Status::NotAssessed]
    );
}
