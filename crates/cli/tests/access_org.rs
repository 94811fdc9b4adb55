//! `rampart access who-can` applies the organization's SCPs, level by level, as the live collector
//! reads them (`org_policies`), following "Service control policies" in the AWS Organizations
//! User Guide: every level from the root to the account must allow, a Deny at any level wins, and
//! SCPs do not restrict the management account. Fixture: `tests/fixtures/org/accounts.json`, four
//! accounts each with an `admin` (`*` on `*`) and a `dev` (`s3:*`):
//! - 111111111111, the management account, whose OU path holds `deny-iam-users`;
//! - 222222222222, a member under the same OU (FullAWSAccess at every level + the Deny);
//! - 333333333333, whose organization policies were not read;
//! - 444444444444, a member whose OU level holds the Deny but no Allow.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn who_can(action: &str, resource: &str) -> (Vec<String>, Value) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/org");
    let o = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .current_dir(&dir)
        .args([
            "access",
            "who-can",
            "--action",
            action,
            "--resource",
            resource,
        ])
        .args(["accounts.json", "--format", "json"])
        .output()
        .expect("rampart runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let mut principals: Vec<String> = v["principals"]
        .as_array()
        .expect("principals")
        .iter()
        .filter_map(|p| p["principal"].as_str().map(str::to_owned))
        .collect();
    principals.sort();
    (principals, v)
}

#[test]
fn an_scp_deny_on_the_ou_blocks_a_member_admin() {
    let (who, _) = who_can("iam:CreateUser", "arn:aws:iam::222222222222:user/new");
    assert!(who.is_empty(), "{who:?}");
}

#[test]
fn what_the_scps_allow_stays_allowed() {
    let (who, _) = who_can("s3:GetObject", "arn:aws:s3:::bucket-222222222222/key");
    // The bucket's account is not named in an S3 ARN: each account's principals are judged in
    // their own account; 444444444444's OU allows nothing.
    for acct in ["111111111111", "222222222222", "333333333333"] {
        for user in ["admin", "dev"] {
            assert!(
                who.contains(&format!("arn:aws:iam::{acct}:user/{user}")),
                "{acct} {user}: {who:?}"
            );
        }
    }
    assert!(
        !who.iter().any(|p| p.contains("444444444444")),
        "a level without an Allow blocks everything: {who:?}"
    );
}

#[test]
fn scps_do_not_restrict_the_management_account() {
    let (who, _) = who_can("iam:CreateUser", "arn:aws:iam::111111111111:user/new");
    assert_eq!(who, ["arn:aws:iam::111111111111:user/admin"]);
}

#[test]
fn unknown_scps_are_said_not_assumed_away() {
    let (who, v) = who_can("iam:CreateUser", "arn:aws:iam::333333333333:user/new");
    assert_eq!(who, ["arn:aws:iam::333333333333:user/admin"]);
    let notes = v["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["account"], "333333333333");
    assert!(
        notes[0]["decided_without_scps_and_rcps"]
            .as_str()
            .is_some_and(|s| s.contains("does not hold")),
        "{notes:?}"
    );
}
