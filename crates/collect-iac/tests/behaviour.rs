//! Behaviour that is not one check's fixture: unknown values, plans, waivers, parse errors.

mod common;

use std::path::{Path, PathBuf};

use rampart_model::Status;

fn input(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inputs")
        .join(name)
}

#[test]
fn unknown_values_are_not_assessed_never_pass_nor_false_failure() {
    let loaded = common::read(&input("unknown"), &[]);
    let results = common::audit(&loaded.inventory);
    // Encryption algorithm from a variable without a value: not assessed for that bucket.
    assert!(common::of(&results, "S3-001", Status::Fail).is_empty());
    assert!(common::of(&results, "S3-001", Status::Pass).is_empty());
    assert!(
        common::of(&results, "S3-001", Status::NotAssessed)
            .iter()
            .any(|f| f.resource == "arn:aws:s3:::acme-unknown")
    );
    // The SSH rule's source is unknown, but the RDP rule is open: that failure is still found.
    let admin = common::of(&results, "EC2-003", Status::Fail);
    assert_eq!(admin.len(), 1);
    assert!(admin[0].message.contains("3389"), "{}", admin[0].message);
    assert!(!common::of(&results, "EC2-003", Status::NotAssessed).is_empty());
}

#[test]
fn plan_json_values_and_references() {
    let loaded = common::read(&input("plan.json"), &[]);
    assert_eq!(loaded.inventory.inputs[0].kind, "terraform-plan");
    let results = common::audit(&loaded.inventory);
    // The rule's group id is unknown in the plan; the configuration names the group.
    let f = common::of(&results, "EC2-003", Status::Fail);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].resource.ends_with("aws_security_group.web"),
        "{}",
        f[0].resource
    );
    // sse_algorithm known after apply: not assessed, no failure.
    assert!(common::of(&results, "S3-001", Status::Fail).is_empty());
    assert!(!common::of(&results, "S3-001", Status::NotAssessed).is_empty());
}

#[test]
fn waivers_are_carried_with_their_reason() {
    let loaded = common::read(&input("waivers/main.tf"), &[]);
    let w = &loaded.inventory.waivers;
    let cache = w
        .iter()
        .find(|w| w.resource == "arn:aws:s3:::acme-cache")
        .expect("cache waiver");
    assert_eq!(cache.check, "S3-003");
    assert_eq!(
        cache.reason.as_deref(),
        Some("the build cache is disposable")
    );
    assert_eq!(cache.origin.line, Some(1));
    let scratch = w
        .iter()
        .find(|w| w.resource == "arn:aws:s3:::acme-scratch")
        .expect("scratch waiver");
    assert_eq!(scratch.reason, None);

    let loaded = common::read(&input("waivers/template.yaml"), &[]);
    let w = &loaded.inventory.waivers;
    assert!(w.iter().any(|w| w.resource == "arn:aws:s3:::acme-logs"
        && w.reason.as_deref() == Some("logs are replicated elsewhere")));
    assert!(w.iter().any(|w| w.resource == "arn:aws:s3:::acme-data"
        && w.check == "S3-001"
        && w.reason.as_deref() == Some("encrypted by the client")));
    assert!(w.iter().any(|w| w.resource == "arn:aws:s3:::acme-data"
        && w.check == "S3-003"
        && w.reason.is_none()));
}

#[test]
fn a_broken_file_is_a_located_error_and_the_rest_is_read() {
    let loaded = common::read(&input("broken"), &[]);
    assert_eq!(loaded.errors.len(), 1, "{:?}", loaded.errors);
    let e = &loaded.errors[0];
    assert!(e.file.ends_with("bad.tf") && e.line > 0, "{e}");
    assert!(
        loaded
            .inventory
            .gaps
            .iter()
            .any(|g| g.data == "iac.file" && g.operation.ends_with("bad.tf"))
    );
    assert_eq!(loaded.inventory.accounts[0].buckets.len(), 1);

    let loaded = common::read(&input("broken-template.yaml"), &[]);
    assert_eq!(loaded.errors.len(), 1);
    assert!(loaded.errors[0].line >= 4, "{}", loaded.errors[0]);
    assert_eq!(loaded.files_read, 0);
}

#[test]
fn declared_defaults_are_kept_for_the_secret_scanner() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        "variable \"db_password\" {\n  default   = \"hunter2hunter2\"\n  sensitive = true\n}\n",
    )
    .expect("write");
    let loaded = common::read(dir.path(), &[]);
    let d = &loaded.inventory.accounts[0].declared_defaults;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].name, "db_password");
    assert!(d[0].marked_sensitive);
    assert_eq!(d[0].origin.line, Some(1));
}

#[test]
fn root_data_is_a_gap_for_iac() {
    let loaded = common::read(&input("waivers/main.tf"), &[]);
    let results = common::audit(&loaded.inventory);
    // Outside this input: listed once as a gap, no verdict and no `not_assessed` per check.
    assert!(common::of(&results, "ROOT-001", Status::NotAssessed).is_empty());
    assert!(common::of(&results, "ROOT-001", Status::Pass).is_empty());
    assert!(common::of(&results, "ROOT-001", Status::Fail).is_empty());
    assert!(
        loaded
            .inventory
            .gaps
            .iter()
            .any(|g| g.data == "iam.root" && g.kind() == rampart_model::GapKind::OutsideInput)
    );
}
