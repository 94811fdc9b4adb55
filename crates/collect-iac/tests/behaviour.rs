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
            .any(|f| f.resource.ends_with("main.tf:aws_s3_bucket.data"))
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
        .find(|w| w.resource.ends_with("main.tf:aws_s3_bucket.cache"))
        .expect("cache waiver");
    assert_eq!(cache.check, "S3-003");
    assert_eq!(
        cache.reason.as_deref(),
        Some("the build cache is disposable")
    );
    assert_eq!(cache.origin.line, Some(1));
    let scratch = w
        .iter()
        .find(|w| w.resource.ends_with("main.tf:aws_s3_bucket.scratch"))
        .expect("scratch waiver");
    assert_eq!(scratch.reason, None);

    let loaded = common::read(&input("waivers/template.yaml"), &[]);
    let w = &loaded.inventory.waivers;
    assert!(w.iter().any(|w| w.resource.ends_with("template.yaml:Logs")
        && w.reason.as_deref() == Some("logs are replicated elsewhere")));
    assert!(w.iter().any(|w| w.resource.ends_with("template.yaml:Data")
        && w.check == "S3-001"
        && w.reason.as_deref() == Some("encrypted by the client")));
    assert!(w.iter().any(|w| w.resource.ends_with("template.yaml:Data")
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

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(p, text).expect("write");
}

const SG: &str = r#"
resource "aws_security_group" "ssh" {
  name = "ssh"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_read_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(tmp.path(), "main.tf", SG);
    std::fs::create_dir(tmp.path().join("sub")).expect("mkdir");
    std::os::unix::fs::symlink(tmp.path(), tmp.path().join("sub/loop")).expect("symlink");
    std::os::unix::fs::symlink(tmp.path(), tmp.path().join("again")).expect("symlink");
    let loaded = common::read(tmp.path(), &[]);
    assert_eq!(loaded.files_read, 1);
    let sgs: usize = loaded.inventory.accounts[0]
        .regions
        .iter()
        .map(|r| r.security_groups.len())
        .sum();
    assert_eq!(sgs, 1);
}

#[test]
fn a_tf_file_given_alone_is_read_alone() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(
        tmp.path(),
        "a.tf",
        "resource \"aws_s3_bucket\" \"a\" { bucket = \"a\" }\n",
    );
    write(
        tmp.path(),
        "b.tf",
        "resource \"aws_s3_bucket\" \"b\" { bucket = \"b\" }\n",
    );
    let loaded = common::read(&tmp.path().join("a.tf"), &[]);
    let names: Vec<&str> = loaded.inventory.accounts[0]
        .buckets
        .iter()
        .map(|b| b.meta.name.as_str())
        .collect();
    assert_eq!(names, ["a"]);
    assert_eq!(loaded.files_read, 1);
}

#[test]
fn resources_with_the_same_name_are_not_merged() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(
        tmp.path(),
        "main.tf",
        "module \"one\" {\n  source = \"./m\"\n}\nmodule \"two\" {\n  source = \"./m\"\n}\n",
    );
    write(
        tmp.path(),
        "m/main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"same-name\"\n}\nresource \"aws_iam_user\" \"u\" {\n  name = \"same-user\"\n}\n",
    );
    let loaded = common::read(tmp.path(), &[]);
    let account = &loaded.inventory.accounts[0];
    let mut ids: Vec<String> = account
        .buckets
        .iter()
        .map(|b| {
            b.meta
                .arn
                .strip_prefix(&format!("{}/", tmp.path().display()))
                .unwrap_or(&b.meta.arn)
                .to_owned()
        })
        .collect();
    ids.sort();
    // The module directory is read through its two calls, not a third time as a root.
    assert_eq!(
        ids,
        [
            "m/main.tf:module.one.aws_s3_bucket.b",
            "m/main.tf:module.two.aws_s3_bucket.b"
        ]
    );
    assert!(
        account
            .buckets
            .iter()
            .all(|b| b.meta.cloud_arn() == "arn:aws:s3:::same-name")
    );
    assert_eq!(account.iam.users.len(), 2);
}

#[test]
fn a_module_cycle_is_a_located_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(
        tmp.path(),
        "main.tf",
        &format!("module \"self\" {{\n  source = \"./\"\n}}\n{SG}"),
    );
    let loaded = common::read(tmp.path(), &[]);
    assert_eq!(loaded.errors.len(), 1, "{:?}", loaded.errors);
    assert_eq!(loaded.errors[0].line, 1);
    assert!(loaded.errors[0].message.contains("cycle"));
    let results = common::audit(&loaded.inventory);
    assert_eq!(common::of(&results, "EC2-003", Status::Fail).len(), 1);
}

#[test]
fn an_unknown_count_is_one_resource_for_all_its_instances_not_assessed_with_why() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/labelled/tf/count-for-each");
    let loaded = common::read(&case, &[]);
    let results = common::audit(&loaded.inventory);
    let na: Vec<_> = common::of(&results, "EC2-003", Status::NotAssessed)
        .into_iter()
        .filter(|f| {
            f.resource
                .ends_with("main.tf:aws_security_group.replicas[*]")
        })
        .collect();
    assert_eq!(na.len(), 1, "{na:#?}");
    assert!(
        na[0].message.contains("`count` is not known before apply")
            && na[0].message.contains("InstancesUnknown"),
        "{}",
        na[0].message
    );
    // No instance is invented: neither `replicas[0]` nor a `["?"]` key.
    assert!(
        !results
            .iter()
            .any(|f| f.resource.contains("replicas[0]") || f.resource.contains("[\"?\"]"))
    );
    // Inside a module called with an unknown count, the reason names the call.
    let m = common::of(&results, "EC2-003", Status::NotAssessed)
        .into_iter()
        .find(|f| f.resource.contains("module.maybe[*]"))
        .expect("the module's group");
    assert!(m.message.contains("module.maybe"), "{}", m.message);
}
