//! The live collector against moto's standalone server on 127.0.0.1.
//!
//! The harness creates (or reuses) a venv with `moto[server]` (`scripts/setup/moto.sh`), starts
//! moto on a free loopback port, seeds it with `seed_moto.py` (a deliberately insecure account
//! across us-east-1 and eu-west-1, with a compliant resource beside each insecure one, and a second
//! account in an organization), then runs the `rampart` binary:
//! `rampart scan aws --endpoint-url http://127.0.0.1:PORT --regions us-east-1,eu-west-1 --format json`.
//!
//! moto quirks this test meets, and what it asserts instead of papering over them:
//! - CloudWatch: the Rust SDK reads alarms with the Smithy RPCv2 CBOR protocol; moto answers 404.
//!   Alarm data is a gap, and the alarm checks say `not_assessed`.
//! - S3 GetBucketVersioning: moto's XML root is `GetBucketVersioningResponse` instead of
//!   `VersioningConfiguration`, which the SDK refuses: versioning is a gap per bucket.
//! - Backup GetBackupVaultAccessPolicy and EC2 GetEbsDefaultKmsKeyId are not implemented (404/500).
//! - S3 Control ListAccessPoints: moto's XML root is `ListAccessPointsResponse` instead of
//!   `ListAccessPointsResult`, which the SDK refuses: access points are a gap per region.
//! - The credential report has no root row: root usage is a gap (MFA and keys come from the
//!   account summary).
//! - IAM timestamps cannot be back-dated, so "old"/"unused" key checks cannot fail here; the test
//!   asserts the keys and their fields in the snapshot instead.
//! - AWS managed policies exist only with `MOTO_IAM_LOAD_MANAGED_POLICIES=true`, and
//!   GetAccountAuthorizationDetails does not return them (the collector reads attached ones).
//! - Auto Scaling (groups, launch configurations), EFS, ElastiCache and OpenSearch are served
//!   as the Rust SDK asks (moto 5.2.1); moto's DescribeCacheClusters leaves out the members of
//!   replication groups, which AWS lists with their `ReplicationGroupId` (the collector skips
//!   those either way).
//!
//! The rampart binary is looked up beside the test executable (`target/debug/rampart`), which
//! `cargo test --workspace` builds; `RAMPART_BIN` overrides it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

mod common;
use common::rampart_bin;
#[path = "common/moto_server.rs"]
mod moto_server;
use moto_server::{Moto, http, live_flags, rampart, run_ok, seed};

/// The seeded server and the seed manifest, shared by the tests of this file.
struct World {
    moto: Moto,
    manifest: Value,
    /// `rampart scan aws --format json --include-passed`.
    scan: Value,
    /// The snapshot written by `rampart collect aws`.
    snapshot: Value,
    snapshot_path: PathBuf,
    /// Requests recorded while rampart ran.
    recorded: Vec<Value>,
    _dir: tempfile::TempDir,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let moto = Moto::start();
        let manifest = seed(&moto);

        assert_eq!(
            http(moto.port, "POST", "/moto-api/recorder/reset-recording").0,
            200
        );
        assert_eq!(
            http(moto.port, "POST", "/moto-api/recorder/start-recording").0,
            200
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let scan_path = dir.path().join("scan.json");
        let out = run_ok(
            rampart()
                .args(["scan", "aws", "--format", "json", "--include-passed", "-o"])
                .arg(&scan_path)
                .args(live_flags(&moto)),
        );
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            stderr.contains(&format!(
                "endpoint override: every AWS request goes to {}",
                moto.url()
            )),
            "{stderr}"
        );
        assert_eq!(
            http(moto.port, "POST", "/moto-api/recorder/stop-recording").0,
            200
        );
        let recorded = std::fs::read_to_string(&moto.recording)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("recorder line is JSON"))
            .collect();

        let snapshot_path = dir.path().join("snapshot.json.zst");
        let out = run_ok(
            rampart()
                .args(["collect", "aws", "-v", "-o"])
                .arg(&snapshot_path)
                .args(live_flags(&moto)),
        );
        let summary = String::from_utf8_lossy(&out.stderr);
        assert!(
            summary.contains("requests") && summary.contains("IAM"),
            "-v prints a per-service summary: {summary}"
        );
        let bytes = std::fs::read(&snapshot_path).expect("snapshot written");
        let json = zstd::decode_all(bytes.as_slice()).expect("a zstd snapshot");
        let snapshot: Value = serde_json::from_slice(&json).expect("snapshot JSON");

        let scan: Value = serde_json::from_slice(&std::fs::read(&scan_path).expect("scan report"))
            .expect("report JSON");
        World {
            moto,
            manifest,
            scan,
            snapshot,
            snapshot_path,
            recorded,
            _dir: dir,
        }
    })
}

/// Findings as (check, status) -> resources.
fn findings(report: &Value) -> BTreeMap<(String, String), Vec<String>> {
    let mut map: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for f in report["findings"].as_array().expect("findings") {
        let key = (
            f["check"].as_str().unwrap_or_default().to_owned(),
            f["status"].as_str().unwrap_or_default().to_owned(),
        );
        map.entry(key)
            .or_default()
            .push(f["resource"].as_str().unwrap_or_default().to_owned());
    }
    map
}

fn catalogue() -> BTreeSet<String> {
    let out = Command::new(rampart_bin())
        .args(["checks", "list", "--format", "json"])
        .output()
        .expect("checks list");
    let list: Value = serde_json::from_slice(&out.stdout).expect("catalogue JSON");
    list.as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["check"].as_str().map(str::to_owned))
        .collect()
}

fn has(
    map: &BTreeMap<(String, String), Vec<String>>,
    check: &str,
    status: &str,
    needle: &str,
) -> bool {
    map.get(&(check.to_owned(), status.to_owned()))
        .is_some_and(|v| v.iter().any(|r| r.contains(needle)))
}

#[test]
fn insecure_resources_fail_and_compliant_ones_do_not() {
    let w = world();
    let f = findings(&w.scan);
    let m = &w.manifest;
    let r = |region: &str, key: &str| {
        m["per_region"][region][key]
            .as_str()
            .expect("manifest key")
            .to_owned()
    };
    let key = |region: &str, which: &str| {
        m["per_region"][region]["keys"][which]
            .as_str()
            .expect("key id")
            .to_owned()
    };
    let short = |region: &str| {
        if region == "us-east-1" {
            "use1"
        } else {
            "euw1"
        }
    };
    let mut problems_early: Vec<String> = Vec::new();
    // (check, must fail on, must not fail on (None: no compliant twin for this check)).
    let mut expect: Vec<(&str, String, Option<String>)> = vec![
        (
            "IAM-001",
            "user/bad-console-no-mfa".into(),
            Some("user/good-console-mfa".into()),
        ),
        ("IAM-002", "account-password-policy".into(), None),
        (
            "IAM-006",
            "user/bad-admin-with-keys".into(),
            Some("user/good-ci-deployer".into()),
        ),
        (
            "IAM-100",
            "policy/bad-star-star".into(),
            Some("policy/good-scoped".into()),
        ),
        (
            "IAM-102",
            "policy/bad-cancelling".into(),
            Some("policy/good-scoped".into()),
        ),
        (
            "IAM-104",
            "user/bad-admin-with-keys".into(),
            Some("user/good-ci-deployer".into()),
        ),
        (
            "IAM-112",
            "role/bad-open-trust".into(),
            Some("role/good-app-role".into()),
        ),
        ("ROOT-002", ":root".into(), None),
        // A bucket created without an encryption configuration: S3 has encrypted every bucket
        // with SSE-S3 since 2023-01-05, so S3-001 cannot fail on a scan of today (below);
        // S3-002 judges SSE-S3 against the customer-managed key it requires.
        (
            "S3-002",
            "bad-plain-bucket".into(),
            Some("good-app-data".into()),
        ),
        (
            "S3-002",
            "bad-aes-only-bucket".into(),
            Some("good-app-data".into()),
        ),
        (
            "S3-100",
            "bad-public-policy-bucket".into(),
            Some("good-app-data".into()),
        ),
        (
            "CT-002",
            "trail/bad-single-region".into(),
            Some("trail/good-multi-region".into()),
        ),
        (
            "CT-003",
            "trail/bad-single-region".into(),
            Some("trail/good-multi-region".into()),
        ),
        (
            "CT-011",
            "trail/bad-single-region".into(),
            Some("trail/good-multi-region".into()),
        ),
        ("RDS-001", "bad-db-use1".into(), Some("good-db-use1".into())),
        ("RDS-001", "bad-db-euw1".into(), Some("good-db-euw1".into())),
        (
            "DDB-001",
            "table/bad-table-use1".into(),
            Some("table/good-table-use1".into()),
        ),
        (
            "SM-001",
            "bad-unrotated-use1".into(),
            Some("good-rotated-use1".into()),
        ),
        (
            "SSM-001",
            "parameter/bad/use1/db_password".into(),
            Some("parameter/good/use1/db_password".into()),
        ),
        (
            "LAMBDA-001",
            "function:bad-fn-use1".into(),
            Some("function:good-fn-use1".into()),
        ),
        (
            "LAMBDA-002",
            "function:bad-fn-euw1".into(),
            Some("function:good-fn-euw1".into()),
        ),
        (
            "LOGS-001",
            "bad-no-retention-use1".into(),
            Some("good-retained-use1".into()),
        ),
        (
            "BACKUP-003",
            "bad-unlocked-use1".into(),
            Some("good-locked-use1".into()),
        ),
    ];
    for region in ["us-east-1", "eu-west-1"] {
        expect.extend([
            ("EC2-003", r(region, "open_sg"), Some(r(region, "good_sg"))),
            ("VPC-001", r(region, "nacl"), None),
            (
                "VPC-050",
                format!("vpc/{}", r(region, "vpc")),
                Some(format!("vpc/{}", r(region, "logged_vpc"))),
            ),
            (
                "EC2-050",
                r(region, "bad_instance"),
                Some(r(region, "good_instance")),
            ),
            (
                "EC2-051",
                r(region, "bad_instance"),
                Some(r(region, "good_instance")),
            ),
            (
                "EC2-052",
                r(region, "bad_volume"),
                Some(r(region, "good_volume")),
            ),
            (
                "KMS-001",
                key(region, "no_rotation"),
                Some(key(region, "rotated")),
            ),
            ("KMS-100", key(region, "open"), Some(key(region, "rotated"))),
            // Launch templates (default version): IMDSv1 allowed and a public IP on launch.
            (
                "EC2-054",
                format!("launch-template/{}", r(region, "bad_lt")),
                Some(format!("launch-template/{}", r(region, "good_lt"))),
            ),
            (
                "EC2-055",
                format!("launch-template/{}", r(region, "bad_lt")),
                Some(format!("launch-template/{}", r(region, "good_lt"))),
            ),
            // Neptune (and DocumentDB) clusters come with DescribeDBClusters.
            (
                "RDS-002",
                format!("cluster:bad-neptune-{}", short(region)),
                Some(format!("cluster:good-neptune-{}", short(region))),
            ),
            // Launch configurations (Auto Scaling): IMDSv1, credentials in user data, no
            // instance profile.
            (
                "EC2-054",
                format!("launchConfigurationName/bad-lc-{}", short(region)),
                Some(format!("launchConfigurationName/good-lc-{}", short(region))),
            ),
            (
                "EC2-051",
                format!("launchConfigurationName/bad-lc-{}", short(region)),
                Some(format!("launchConfigurationName/good-lc-{}", short(region))),
            ),
            (
                "EC2-050",
                format!("launchConfigurationName/bad-lc-{}", short(region)),
                Some(format!("launchConfigurationName/good-lc-{}", short(region))),
            ),
            // A template that leaves public addresses to the subnet, launched by a group into
            // a subnet that maps them (the default VPC's): its instances get one.
            (
                "EC2-055",
                format!("launch-template/{}", r(region, "subnet_lt")),
                Some(format!("launch-template/{}", r(region, "good_lt"))),
            ),
            // Encryption at rest of EFS, ElastiCache (a replication group, and a Redis cluster
            // outside any, which cannot be encrypted) and OpenSearch.
            (
                "STORE-001",
                format!("file-system/{}", r(region, "bad_efs")),
                Some(format!("file-system/{}", r(region, "good_efs"))),
            ),
            (
                "STORE-001",
                format!("replicationgroup:bad-cache-{}", short(region)),
                Some(format!("replicationgroup:good-cache-{}", short(region))),
            ),
            (
                "STORE-001",
                format!("cluster:bad-solo-{}", short(region)),
                None,
            ),
            (
                "STORE-001",
                format!("domain/bad-search-{}", short(region)),
                Some(format!("domain/good-search-{}", short(region))),
            ),
        ]);
    }
    // The volume a launch template creates: `Encrypted: false` is unencrypted in us-east-1,
    // but EBS encryption by default (on in eu-west-1) encrypts every new volume anyway.
    let lt_volume = |region: &str, which: &str| {
        format!(
            "launch-template/{}#block_device_mappings/dev/xvda",
            r(region, which)
        )
    };
    let lc_volume =
        |which: &str| format!("launchConfigurationName/{which}#block_device_mappings/dev/xvda");
    expect.extend([
        (
            "EC2-052",
            lt_volume("us-east-1", "bad_lt"),
            Some(lt_volume("us-east-1", "good_lt")),
        ),
        (
            "EC2-052",
            lc_volume("bad-lc-use1"),
            Some(lc_volume("good-lc-use1")),
        ),
    ]);
    if !has(&f, "EC2-052", "pass", &lc_volume("bad-lc-euw1")) {
        problems_early.push(
            "EC2-052 should pass the eu-west-1 launch configuration volume: EBS encryption by default is on"
                .to_owned(),
        );
    }
    if !has(&f, "EC2-052", "pass", &lt_volume("eu-west-1", "bad_lt")) {
        problems_early.push(
            "EC2-052 should pass the eu-west-1 template volume: EBS encryption by default is on"
                .to_owned(),
        );
    }
    let codes = catalogue();
    let mut checked = 0;
    let mut problems = problems_early;
    for (check, bad, good) in &expect {
        if !codes.contains(*check) {
            // An expectation is never dropped: a check that left the catalogue (or was renamed)
            // fails the test until the expectation is changed with it.
            problems.push(format!(
                "{check} is expected but not in this build's catalogue"
            ));
            continue;
        }
        checked += 1;
        if !has(&f, check, "fail", bad) {
            problems.push(format!("{check} should fail on {bad}"));
        }
        if let Some(good) = good {
            if has(&f, check, "fail", good) {
                problems.push(format!("{check} should not fail on {good}"));
            }
            // Some checks report only what they flag (IAM-104 judges administrators only; S3-100
            // lists public buckets): for them, "not failed" is the whole expectation.
            let reports_passes = !["IAM-104", "S3-100"].contains(check);
            if reports_passes
                && !has(&f, check, "pass", good)
                && !has(&f, check, "not_assessed", good)
            {
                problems.push(format!(
                    "{check} should judge {good} (pass, or not_assessed under a gap)"
                ));
            }
        }
    }
    // S3-001 on a scan dated after 2023-01-05: no bucket is without default encryption.
    if w.scan["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|x| x["check"] == "S3-001" && x["status"] == "fail")
    {
        problems.push("S3-001 fails although S3 encrypts every bucket since 2023-01-05".into());
    }
    // EBS encryption by default: off in us-east-1, turned on in eu-west-1 by the seed.
    if !codes.contains("EC2-053") {
        problems.push("EC2-053 is expected but not in this build's catalogue".into());
    } else {
        checked += 1;
        let failing: Vec<&Value> = w.scan["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|x| x["check"] == "EC2-053" && x["status"] == "fail")
            .collect();
        let fails_in = |r: &str| failing.iter().any(|x| x["region"] == r);
        if !fails_in("us-east-1") || fails_in("eu-west-1") {
            problems.push("EC2-053 should fail in us-east-1 only".into());
        }
    }
    // Exactly these stores fail STORE-001: the Memcached cluster (no data at rest) and the
    // members of replication groups are not judged on their own.
    let mut store_failures: Vec<&str> = w.scan["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|x| x["check"] == "STORE-001" && x["status"] == "fail")
        .filter_map(|x| x["resource"].as_str())
        .map(|r| r.rsplit([':', '/']).next().unwrap_or(r))
        .collect();
    store_failures.sort_unstable();
    let mut want: Vec<String> = ["us-east-1", "eu-west-1"]
        .iter()
        .flat_map(|region| {
            let s = short(region);
            [
                r(region, "bad_efs"),
                format!("bad-cache-{s}"),
                format!("bad-solo-{s}"),
                format!("bad-search-{s}"),
            ]
        })
        .collect();
    want.sort_unstable();
    if store_failures != want {
        problems.push(format!(
            "STORE-001 fails on {store_failures:?}, expected exactly {want:?}"
        ));
    }
    // A group launching `$Latest` of a template whose latest version is not its default:
    // what it launches is not what was read, so its instances' checks say not_assessed on it.
    for region in ["us-east-1", "eu-west-1"] {
        let group = format!("autoScalingGroupName/latest-asg-{}", short(region));
        if !has(&f, "EC2-054", "not_assessed", &group) {
            problems.push(format!("EC2-054 should be not_assessed on {group}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        checked >= 25,
        "only {checked} expectations could be checked against this catalogue"
    );
}

#[test]
fn what_moto_cannot_serve_is_not_assessed_never_passed() {
    let w = world();
    let f = findings(&w.scan);
    let gaps = w.scan["gaps"].as_array().expect("gaps");
    let gap = |data: &str, op: &str| {
        gaps.iter()
            .any(|g| g["data"] == data && g["operation"] == op)
    };
    for region in ["us-east-1", "eu-west-1"] {
        assert!(
            gaps.iter().any(|g| g["data"] == "cloudwatch.alarms"
                && g["operation"] == "cloudwatch:DescribeAlarms"
                && g["region"] == region
                && g["code"] == "HTTP 404"),
            "the CBOR DescribeAlarms call moto cannot serve is a gap in {region}"
        );
    }
    assert!(
        gap("iam.root.usage", "iam:GetCredentialReport"),
        "no root row in moto's credential report"
    );
    assert!(
        gap("s3.bucket.versioning", "s3:GetBucketVersioning"),
        "moto's versioning XML root is refused"
    );
    assert!(
        gap(
            "backup.vaults.access_policy",
            "backup:GetBackupVaultAccessPolicy"
        ),
        "vault access policy is not implemented"
    );
    // moto answers ListAccessPoints with the root `ListAccessPointsResponse` where S3 Control's
    // is `ListAccessPointsResult`; the SDK refuses it. Access points (seeded: one public, one in
    // a VPC) are then a gap per region, and S3-102 is not assessed — never passed.
    for region in ["us-east-1", "eu-west-1"] {
        assert!(
            gaps.iter().any(|g| g["data"] == "s3control.access_points"
                && g["operation"] == "s3:ListAccessPoints"
                && g["region"] == region
                && g["code"] == "UnparseableResponse"),
            "the access point listing moto cannot serve is a gap in {region}"
        );
        assert!(
            has(
                &f,
                "S3-102",
                "not_assessed",
                &format!("{region}/s3control.access_points")
            ),
            "S3-102 is not assessed in {region}"
        );
    }
    assert!(
        !f.contains_key(&("S3-102".to_owned(), "pass".to_owned())),
        "S3-102 passes nothing it could not read"
    );
    // moto 5.2.5 does not serve organizations:DescribeEffectivePolicy: the effective tag policy
    // is a gap of the emulator, not "not collected" (the call and its mapping are tested against
    // a canned endpoint in src/svc/org.rs), and TAG-003 cannot pass.
    assert!(
        gaps.iter().any(|g| g["data"] == "organizations.tag_policy"
            && g["operation"] == "organizations:DescribeEffectivePolicy"
            && g["code"] != "NotCollected"),
        "the tag policy read moto cannot serve is a gap: {:?}",
        gaps.iter()
            .filter(|g| g["data"] == "organizations.tag_policy")
            .collect::<Vec<_>>()
    );
    assert!(
        !f.contains_key(&("TAG-003".to_owned(), "pass".to_owned())),
        "no tag-policy verdict without the tag policy"
    );
    // The checks that need these data say not_assessed, and never pass inside the gap.
    for (check, needle) in [
        ("CW-016", "cloudwatch.alarms"),
        ("CW-001", "cloudwatch.alarms"),
        ("ROOT-004", "iam.root.usage"),
        ("S3-003", "good-app-data"),
        // BACKUP-003 judges the vault lock, which ListBackupVaults returned: the missing access
        // policy (a separate data set) does not make it unassessable.
    ] {
        if !catalogue().contains(check) {
            continue;
        }
        assert!(
            has(&f, check, "not_assessed", needle),
            "{check} must be not_assessed on {needle}: {:?}",
            f.get(&(check.to_owned(), "not_assessed".to_owned()))
        );
    }
    assert!(
        !f.contains_key(&("CW-016".to_owned(), "pass".to_owned())),
        "no alarm check may pass without alarm data"
    );
    assert!(
        !f.contains_key(&("ROOT-004".to_owned(), "pass".to_owned())),
        "root usage unknown: no pass"
    );
}

/// The operation of a REST request (S3, S3 Control, Lambda, Backup), from its method and path as
/// each service's API reference lays them out. `Some("?…")` for a request of a REST service
/// that matches no operation the collector is allowed, so that it cannot pass unnoticed: an S3
/// `GET /bucket/key` with no subresource is `GetObject`, a read of object content.
fn rest_operation(method: &str, url: &str) -> Option<String> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path_query = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    let keys: Vec<&str> = query
        .split('&')
        .filter(|q| !q.is_empty())
        .map(|q| q.split('=').next().unwrap_or_default())
        .collect();
    let segs: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let op = match (method, segs.as_slice()) {
        ("GET", ["v20180820", "configuration", "publicAccessBlock"]) => "GetPublicAccessBlock",
        ("GET", ["v20180820", "accesspoint"]) => "ListAccessPoints",
        ("GET", ["v20180820", "accesspoint", _]) => "GetAccessPoint",
        ("GET", ["v20180820", "accesspoint", _, "policy"]) => "GetAccessPointPolicy",
        ("GET", ["v20180820", ..]) => return Some(format!("?{path}")),
        // Lambda (API version 2015-03-31; tags 2017-03-31).
        ("GET", ["2015-03-31", "functions"]) => "ListFunctions",
        ("GET", ["2015-03-31", "functions", _, "policy"]) => "GetPolicy",
        ("GET", ["2017-03-31", "tags", ..]) => "ListTags",
        ("GET", ["2015-03-31", ..] | ["2017-03-31", ..]) => return Some(format!("?{path}")),
        // EFS (API version 2015-02-01) and OpenSearch Service (2021-01-01).
        ("GET", ["2015-02-01", "file-systems"]) => "DescribeFileSystems",
        ("GET" | "POST", ["2015-02-01", ..]) => return Some(format!("?{path}")),
        ("GET", ["2021-01-01", "domain"]) => "ListDomainNames",
        ("POST", ["2021-01-01", "opensearch", "domain-info"]) => "DescribeDomains",
        ("GET" | "POST", ["2021-01-01", ..]) => return Some(format!("?{path}")),
        // Backup.
        ("GET", ["backup-vaults"]) => "ListBackupVaults",
        ("GET", ["backup-vaults", _, "access-policy"]) => "GetBackupVaultAccessPolicy",
        ("GET", ["backup", "plans"]) => "ListBackupPlans",
        ("GET", ["backup", "plans", _]) => "GetBackupPlan",
        ("GET", ["backup", "plans", _, "selections"]) => "ListBackupSelections",
        ("GET", ["backup", "plans", _, "selections", _]) => "GetBackupSelection",
        ("GET", ["tags", ..]) => "ListTags",
        ("GET", ["backup-vaults", ..] | ["backup", ..]) => return Some(format!("?{path}")),
        // S3, path-style: `/` lists buckets, `/bucket?subresource` reads a bucket setting.
        ("GET", []) => "ListBuckets",
        ("GET", [_]) => {
            const SUBRESOURCES: &[(&str, &str)] = &[
                ("location", "GetBucketLocation"),
                ("encryption", "GetBucketEncryption"),
                ("versioning", "GetBucketVersioning"),
                ("publicAccessBlock", "GetPublicAccessBlock"),
                ("policy", "GetBucketPolicy"),
                ("acl", "GetBucketAcl"),
                ("lifecycle", "GetBucketLifecycleConfiguration"),
                ("logging", "GetBucketLogging"),
                ("object-lock", "GetObjectLockConfiguration"),
                ("tagging", "GetBucketTagging"),
            ];
            match SUBRESOURCES.iter().find(|(k, _)| keys.contains(k)) {
                Some((_, op)) => *op,
                // Listing objects is a read of the bucket's content.
                None => "ListObjects",
            }
        }
        // `/bucket/key…`: an object. Without a subresource it is its content.
        ("GET", [_, _, ..]) if keys.is_empty() => "GetObject",
        ("GET", [_, _, ..]) => return Some(format!("?{path}?{query}")),
        ("HEAD", [_]) => "HeadBucket",
        ("HEAD", [_, _, ..]) => "HeadObject",
        _ => return None,
    };
    Some(op.to_owned())
}

/// Derives the operation name of a recorded request: JSON protocols name it in `X-Amz-Target`,
/// query protocols in the `Action` form field, RPCv2 CBOR in the path, REST protocols (S3,
/// S3 Control, Lambda, Backup) in their method and path ([`rest_operation`]).
fn operation(entry: &Value) -> (String, Option<String>) {
    let method = entry["method"].as_str().unwrap_or_default().to_owned();
    let headers = &entry["headers"];
    let header = |name: &str| {
        headers
            .as_object()
            .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            .and_then(|(_, v)| v.as_str())
    };
    if let Some(target) = header("X-Amz-Target") {
        return (method, target.rsplit('.').next().map(str::to_owned));
    }
    let url = entry["url"].as_str().unwrap_or_default();
    if let Some(idx) = url.find("/operation/") {
        return (
            method,
            Some(
                url[idx + "/operation/".len()..]
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            ),
        );
    }
    let body = entry["body"].as_str().unwrap_or_default();
    let body = if entry["body_encoded"] == true {
        aws_smithy_types::base64::decode(body)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    } else {
        body.to_owned()
    };
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    for part in body.split('&').chain(query.split('&')) {
        if let Some(action) = part.strip_prefix("Action=") {
            return (method, Some(action.to_owned()));
        }
    }
    let rest = rest_operation(&method, url);
    (method, rest)
}

#[test]
fn rest_requests_are_named_by_method_and_path() {
    let op = |m: &str, u: &str| rest_operation(m, u);
    let base = "http://127.0.0.1:5000";
    assert_eq!(op("GET", &format!("{base}/")), Some("ListBuckets".into()));
    assert_eq!(
        op("GET", &format!("{base}/shop-assets?policy")),
        Some("GetBucketPolicy".into())
    );
    assert_eq!(
        op("GET", &format!("{base}/shop-assets?publicAccessBlock=")),
        Some("GetPublicAccessBlock".into())
    );
    // The content of an object: not a List/Get/Describe of configuration.
    assert_eq!(
        op("GET", &format!("{base}/shop-assets/exports/customers.csv")),
        Some("GetObject".into())
    );
    assert_eq!(
        op("GET", &format!("{base}/shop-assets")),
        Some("ListObjects".into())
    );
    assert_eq!(
        op(
            "GET",
            &format!("{base}/v20180820/configuration/publicAccessBlock")
        ),
        Some("GetPublicAccessBlock".into())
    );
    for (path, name) in [
        ("/v20180820/accesspoint", "ListAccessPoints"),
        ("/v20180820/accesspoint/ap-1", "GetAccessPoint"),
        ("/v20180820/accesspoint/ap-1/policy", "GetAccessPointPolicy"),
        (
            "/v20180820/accesspoint/ap-1/policyStatus",
            "?/v20180820/accesspoint/ap-1/policyStatus",
        ),
    ] {
        assert_eq!(op("GET", &format!("{base}{path}")), Some(name.into()));
    }
    assert_eq!(
        op("GET", &format!("{base}/2015-03-31/functions/")),
        Some("ListFunctions".into())
    );
    assert_eq!(
        op("GET", &format!("{base}/2015-03-31/functions/orders/code")),
        Some("?/2015-03-31/functions/orders/code".into())
    );
    assert_eq!(
        op("GET", &format!("{base}/backup/plans/p1/selections/")),
        Some("ListBackupSelections".into())
    );
    assert_eq!(
        op(
            "GET",
            &format!("{base}/2015-02-01/file-systems?MaxItems=100")
        ),
        Some("DescribeFileSystems".into())
    );
    assert_eq!(
        op("POST", &format!("{base}/2021-01-01/opensearch/domain-info")),
        Some("DescribeDomains".into())
    );
    // A write (CreateDomain) is named, so that it cannot pass as a read.
    assert_eq!(
        op("POST", &format!("{base}/2021-01-01/opensearch/domain")),
        Some("?/2021-01-01/opensearch/domain".into())
    );
    let allowed: BTreeSet<&str> = rampart_collect_aws::allow::ALLOW_LIST
        .iter()
        .map(|a| a.operation)
        .collect();
    for (m, u) in [
        ("GET", "/shop-assets/exports/customers.csv"),
        ("GET", "/shop-assets"),
        ("GET", "/2015-03-31/functions/orders/code"),
    ] {
        let named = op(m, &format!("{base}{u}")).expect("named");
        assert!(
            !allowed.contains(named.as_str()),
            "{m} {u} must not pass as {named}"
        );
    }
}

#[test]
fn only_allow_listed_operations_reach_the_endpoint() {
    let w = world();
    assert!(
        w.recorded.len() > 100,
        "the recorder saw {} requests",
        w.recorded.len()
    );
    let allowed: BTreeSet<&str> = rampart_collect_aws::allow::ALLOW_LIST
        .iter()
        .map(|a| a.operation)
        .collect();
    let mut seen = BTreeSet::new();
    let mut violations = Vec::new();
    for entry in &w.recorded {
        let (method, op) = operation(entry);
        match op {
            Some(op) => {
                if !allowed.contains(op.as_str()) {
                    violations.push(format!("{method} {op} ({})", entry["url"]));
                }
                seen.insert(op);
            }
            // Not named (no REST service above): a read is a GET (or HEAD); anything else
            // would write.
            None => {
                if method != "GET" && method != "HEAD" {
                    violations.push(format!("{method} {}", entry["url"]));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "operations off the allow-list were sent:\n{}",
        violations.join("\n")
    );
    for op in [
        "GetCallerIdentity",
        "GetAccountAuthorizationDetails",
        "DescribeSecurityGroups",
        "DescribeTrails",
        "ListKeys",
        "DescribeAutoScalingGroups",
        "DescribeLaunchConfigurations",
        "DescribeFileSystems",
        "DescribeReplicationGroups",
        "DescribeCacheClusters",
        "ListDomainNames",
        "DescribeDomains",
    ] {
        assert!(
            seen.contains(op),
            "{op} was expected among the recorded calls: {seen:?}"
        );
    }
}

#[test]
fn snapshot_holds_the_inventory_and_reaudits_to_the_same_findings() {
    let w = world();
    let inv = &w.snapshot["inventory"];
    assert_eq!(w.snapshot["format"], "rampart-snapshot");
    let account = &inv["accounts"][0];
    assert_eq!(account["id"], "123456789012");
    assert_eq!(account["aliases"][0], "rampart-test");
    let users = account["iam"]["users"].as_array().expect("users");
    let admin = users
        .iter()
        .find(|u| u["meta"]["name"] == "bad-admin-with-keys")
        .expect("admin user");
    let keys: Vec<&str> = admin["access_keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["id"].as_str())
        .collect();
    for k in w.manifest["admin_keys"].as_array().expect("admin keys") {
        assert!(
            keys.contains(&k.as_str().expect("key")),
            "key {k} collected"
        );
    }
    assert!(
        admin["access_keys"]
            .as_array()
            .expect("keys")
            .iter()
            .all(|k| k["active"] == true && k["created"].is_string())
    );
    assert!(
        admin["attached_policies"]
            .as_array()
            .expect("attached")
            .iter()
            .any(|p| p == "arn:aws:iam::aws:policy/AdministratorAccess")
    );
    let policies = account["iam"]["policies"].as_array().expect("policies");
    let admin_policy = policies
        .iter()
        .find(|p| p["meta"]["name"] == "AdministratorAccess")
        .expect("attached AWS managed policy read");
    assert_eq!(admin_policy["document"]["Statement"][0]["Action"], "*");
    let mfa_user = users
        .iter()
        .find(|u| u["meta"]["name"] == "good-console-mfa")
        .expect("mfa user");
    assert_eq!(mfa_user["console_password"], true);
    assert_eq!(mfa_user["mfa_devices"].as_array().map(Vec::len), Some(1));
    assert_eq!(account["iam"]["password_policy"]["minimum_length"], 6);

    let buckets = account["buckets"].as_array().expect("buckets");
    let eu = buckets
        .iter()
        .find(|b| b["meta"]["name"] == "good-eu-data")
        .expect("eu bucket");
    assert_eq!(eu["region"], "eu-west-1");
    assert_eq!(eu["encryption"]["algorithm"], "aws:kms");
    assert_eq!(eu["public_access_block"]["block_public_policy"], true);
    let public = buckets
        .iter()
        .find(|b| b["meta"]["name"] == "bad-public-policy-bucket")
        .expect("public bucket");
    assert_eq!(public["policy"]["Statement"][0]["Principal"], "*");

    let regions = account["regions"].as_array().expect("regions");
    assert_eq!(
        regions
            .iter()
            .filter_map(|r| r["name"].as_str())
            .collect::<Vec<_>>(),
        ["eu-west-1", "us-east-1"]
    );
    for region in regions {
        let name = region["name"].as_str().expect("name");
        let holds = |list: &str, needle: &str| {
            region[list].as_array().is_some_and(|l| {
                l.iter().any(|x| {
                    [&x["meta"]["name"], &x["group_name"]]
                        .iter()
                        .any(|n| n.as_str().is_some_and(|n| n.contains(needle)))
                })
            })
        };
        assert!(
            region.get("alarms").is_none(),
            "alarms are a gap on moto: none were read"
        );
        for (list, needle) in [
            ("security_groups", "bad-open-ssh"),
            ("db_instances", "bad-db"),
            ("dynamodb_tables", "good-table"),
            ("secrets", "bad-unrotated"),
            ("ssm_parameters", "/bad/"),
            ("lambda_functions", "bad-fn"),
            ("log_groups", "bad-no-retention"),
            ("metric_filters", "unauthorized-api-calls"),
            ("sns_topics", "security-alerts"),
            ("backup_vaults", "good-locked"),
            ("kms_keys", "alias/good-rotated"),
        ] {
            assert!(holds(list, needle), "{name}: {list} holds {needle}");
        }
        let bad_fn = region["lambda_functions"]
            .as_array()
            .expect("fns")
            .iter()
            .find(|f| {
                f["meta"]["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("bad-fn"))
            })
            .expect("bad fn");
        assert_eq!(bad_fn["runtime"], "python3.7");
        assert!(
            bad_fn["environment"]["AWS_ACCESS_KEY_ID"]
                .as_str()
                .is_some_and(|v| v.starts_with("AKIA"))
        );
        let bad_param = region["ssm_parameters"]
            .as_array()
            .expect("params")
            .iter()
            .find(|p| {
                p["meta"]["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("/bad/"))
            })
            .expect("param");
        assert_eq!(bad_param["kind"], "String");
        assert!(
            bad_param["value"].is_string(),
            "plain String values are read"
        );
        let secure = region["ssm_parameters"]
            .as_array()
            .expect("params")
            .iter()
            .find(|p| p["kind"] == "SecureString")
            .expect("secure");
        assert!(
            secure.get("value").is_none(),
            "SecureString values are never read"
        );
        let user_data_hit = region["instances"]
            .as_array()
            .expect("instances")
            .iter()
            .any(|i| {
                i["user_data"]
                    .as_str()
                    .is_some_and(|u| u.contains("AWS_SECRET_ACCESS_KEY"))
            });
        assert!(user_data_hit, "{name}: user data decoded");
        let locked = region["backup_vaults"]
            .as_array()
            .expect("vaults")
            .iter()
            .find(|v| {
                v["meta"]["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("good-locked"))
            })
            .expect("vault");
        assert_eq!(locked["locked"], true);
        let nacl_deny_first = region["network_acls"]
            .as_array()
            .expect("nacls")
            .iter()
            .any(|n| {
                n["entries"].as_array().is_some_and(|e| {
                    e.iter().any(|x| {
                        x["rule_number"] == 100 && x["action"] == "deny" && x["egress"] == false
                    })
                })
            });
        assert!(
            nacl_deny_first,
            "{name}: the deny-first NACL entry is collected"
        );
    }
    let trails = regions
        .iter()
        .find(|r| r["name"] == "us-east-1")
        .expect("us-east-1")["trails"]
        .as_array()
        .expect("trails")
        .clone();
    let single = trails
        .iter()
        .find(|t| t["meta"]["name"] == "bad-single-region")
        .expect("trail");
    assert_eq!(single["multi_region"], false);
    assert_eq!(single["log_file_validation"], false);
    assert_eq!(single["is_logging"], true);

    // Re-auditing the snapshot offline gives the findings of the live scan.
    let dir = tempfile::tempdir().expect("tempdir");
    let out_path = dir.path().join("offline.json");
    let out = Command::new(rampart_bin())
        .args(["scan"])
        .arg(&w.snapshot_path)
        .args(["--format", "json", "--include-passed", "-o"])
        .arg(&out_path)
        .output()
        .expect("scan snapshot");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let offline: Value =
        serde_json::from_slice(&std::fs::read(&out_path).expect("report")).expect("json");
    let key = |r: &Value| -> BTreeSet<(String, String, String, String)> {
        r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["check"].as_str().unwrap_or_default().to_owned(),
                    f["status"].as_str().unwrap_or_default().to_owned(),
                    f["resource"].as_str().unwrap_or_default().to_owned(),
                    f["message"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    let live = key(&w.scan);
    let again = key(&offline);
    let only_live: Vec<_> = live.difference(&again).take(5).collect();
    let only_offline: Vec<_> = again.difference(&live).take(5).collect();
    assert!(
        only_live.is_empty() && only_offline.is_empty(),
        "live vs snapshot differ: {only_live:?} / {only_offline:?}"
    );
}

#[test]
fn org_mode_reads_the_member_account_through_its_role() {
    let w = world();
    let member = w.manifest["member_account"]
        .as_str()
        .expect("member id")
        .to_owned();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("org.json");
    run_ok(
        rampart()
            .args(["collect", "aws", "--org", "--max-accounts", "2", "-o"])
            .arg(&path)
            .args(live_flags(&w.moto)),
    );
    let snap: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("org snapshot")).expect("json");
    let accounts = snap["inventory"]["accounts"].as_array().expect("accounts");
    let ids: Vec<&str> = accounts.iter().filter_map(|a| a["id"].as_str()).collect();
    assert!(
        ids.contains(&"123456789012") && ids.contains(&member.as_str()),
        "both accounts read: {ids:?}"
    );
    let m = accounts
        .iter()
        .find(|a| a["id"] == member.as_str())
        .expect("member");
    assert!(
        m["iam"]["users"]
            .as_array()
            .expect("users")
            .iter()
            .any(|u| u["meta"]["name"] == "member-console-user")
    );
    assert!(
        m["buckets"]
            .as_array()
            .expect("buckets")
            .iter()
            .any(|b| b["meta"]["name"] == "member-account-bucket")
    );
    assert!(
        snap["inventory"]["inputs"][0]["source"]
            .as_str()
            .is_some_and(|s| s.contains(&member))
    );

    // The organization's SCPs and RCPs, read from the management account, reach each account
    // level by level: root, the OU the member was moved to, the account.
    let (root, ou, scp) = (
        &w.manifest["org_root"],
        &w.manifest["org_ou"],
        &w.manifest["org_scp"],
    );
    let org = &m["org_policies"];
    assert_eq!(org["management_account"], false, "{org}");
    assert_eq!(org["scps_enabled"], true);
    assert_eq!(org["rcps_enabled"], true);
    let levels = org["levels"].as_array().expect("levels");
    let ids: Vec<&Value> = levels.iter().map(|l| &l["id"]).collect();
    assert_eq!(ids, vec![root, ou, &Value::from(member.as_str())]);
    let names = |l: &Value, kind: &str| -> Vec<String> {
        l[kind]
            .as_array()
            .expect("policies")
            .iter()
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(names(&levels[0], "scps"), ["FullAWSAccess"]);
    assert_eq!(
        names(&levels[1], "scps"),
        ["FullAWSAccess", "deny-iam-users"]
    );
    assert_eq!(names(&levels[2], "scps"), ["FullAWSAccess"]);
    assert_eq!(names(&levels[1], "rcps"), ["RCPFullAWSAccess"]);
    assert_eq!(levels[1]["kind"], "organizational_unit");
    assert_eq!(levels[1]["name"], "workloads");
    let deny = &levels[1]["scps"][1];
    assert_eq!(&deny["id"], scp);
    assert_eq!(deny["document"]["Statement"][0]["Sid"], "NoIamUsers");
    let management = accounts
        .iter()
        .find(|a| a["id"] == "123456789012")
        .expect("management");
    assert_eq!(management["org_policies"]["management_account"], true);
    assert!(
        !snap["inventory"]["gaps"]
            .as_array()
            .expect("gaps")
            .iter()
            .any(|g| g["data"] == "organizations.policies"),
        "the management account reads the organization"
    );
}

/// Classic load balancers and the account-level S3 Block Public Access setting are read through
/// their own clients (classic ELB, S3 Control), not reported as "not collected".
#[test]
fn classic_load_balancers_and_account_block_public_access_are_read() {
    let w = world();
    let inv = &w.snapshot["inventory"];
    let account = &inv["accounts"][0];
    for region in ["us-east-1", "eu-west-1"] {
        let lbs = account["regions"]
            .as_array()
            .expect("regions")
            .iter()
            .find(|r| r["name"] == region)
            .and_then(|r| r["load_balancers"].as_array())
            .cloned()
            .unwrap_or_default();
        let classic = lbs
            .iter()
            .find(|lb| lb["kind"] == "classic")
            .unwrap_or_else(|| {
                let elb_gaps: Vec<&Value> = w.scan["gaps"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|g| g["data"].as_str().is_some_and(|d| d.starts_with("elb")))
                    .collect();
                panic!(
                    "a classic load balancer in {region}: {lbs:?}; gaps: {elb_gaps:?}; seeded: {}",
                    w.manifest["per_region"][region]
                )
            });
        assert_eq!(classic["internet_facing"], true);
        assert_eq!(classic["access_logs"], false);
        assert_eq!(classic["listeners"][0]["port"], 80);
        assert_eq!(classic["listeners"][0]["protocol"], "HTTP");
    }
    let gaps = w.scan["gaps"].as_array().expect("gaps");
    for g in gaps {
        // Every data set is collected (the effective tag policy, EFS, ElastiCache and
        // OpenSearch included); the one `NotCollected` gap is the group asking for a launch
        // template version other than the default one, which is the version read.
        if g["code"] == "NotCollected" {
            assert!(
                g["data"] == "ec2.instances"
                    && g["resource"]
                        .as_str()
                        .is_some_and(|r| r.contains("autoScalingGroupName/latest-asg-")),
                "nothing else is left uncollected: {g}"
            );
            continue;
        }
        assert_ne!(g["data"], "stores.at_rest", "the stores were read: {g}");
        assert_ne!(
            g["data"], "s3control.public_access_block",
            "the account-level setting was read: {g}"
        );
    }
}
