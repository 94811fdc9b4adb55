//! Auto Scaling groups: what a group launches is judged on its launch template or launch
//! configuration, whose failures name the groups that launch it; a group whose template is not
//! in the input is `not_assessed`, naming the template. Both languages, on the labelled cases.

mod common;

use std::path::Path;

use rampart_model::{Finding, Status};

fn audit(case: &str) -> (String, Vec<Finding>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/labelled")
        .join(case);
    let loaded = common::read(&dir, &[]);
    (
        format!("{}/", dir.display()),
        common::audit(&loaded.inventory),
    )
}

fn one<'a>(fs: &'a [Finding], prefix: &str, check: &str, resource: &str) -> &'a Finding {
    let want = format!("{prefix}{resource}");
    let got: Vec<&Finding> = fs
        .iter()
        .filter(|f| f.check == check && f.resource == want)
        .collect();
    assert_eq!(got.len(), 1, "{check} on {resource}: {got:#?}");
    got[0]
}

fn groups(f: &Finding) -> Option<Vec<String>> {
    f.evidence.get("launched_by_groups").map(|v| {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    })
}

#[test]
fn terraform_template_failures_name_the_groups_that_launch_them() {
    let (p, fs) = audit("tf/autoscaling");
    let web = one(&fs, &p, "EC2-054", "main.tf:aws_launch_template.web");
    assert_eq!(web.status, Status::Fail);
    assert_eq!(
        groups(web),
        Some(vec!["aws_autoscaling_group.web".to_owned()])
    );
    // Used by nobody: judged, with no group named.
    let unused = one(&fs, &p, "EC2-054", "main.tf:aws_launch_template.unused");
    assert_eq!(unused.status, Status::Fail);
    assert_eq!(groups(unused), None);
    let legacy = one(
        &fs,
        &p,
        "EC2-054",
        "main.tf:aws_launch_configuration.legacy",
    );
    assert_eq!(
        groups(legacy),
        Some(vec!["aws_autoscaling_group.legacy".to_owned()])
    );
    // The public address comes from the group's subnet, and says so.
    let ip = one(&fs, &p, "EC2-055", "main.tf:aws_launch_template.mixed");
    assert_eq!(ip.status, Status::Fail);
    let why = ip.evidence["public_ip"].as_str().unwrap_or_default();
    assert!(why.contains("aws_autoscaling_group.mixed"), "{why}");
    assert_eq!(
        groups(ip),
        Some(vec!["aws_autoscaling_group.mixed".to_owned()])
    );
    // No instance profile, an unencrypted volume: found on the template, naming the group.
    let profile = one(&fs, &p, "EC2-050", "main.tf:aws_launch_template.web");
    assert_eq!(
        (profile.status, groups(profile)),
        (
            Status::Fail,
            Some(vec!["aws_autoscaling_group.web".to_owned()])
        )
    );
    let volume = one(
        &fs,
        &p,
        "EC2-052",
        "main.tf:aws_launch_template.web#block_device_mappings/dev/sdf",
    );
    assert_eq!(
        (volume.status, groups(volume)),
        (
            Status::Fail,
            Some(vec!["aws_autoscaling_group.web".to_owned()])
        )
    );
    // A template of another configuration: the group's instances are not assessed.
    let elsewhere = one(
        &fs,
        &p,
        "EC2-054",
        "main.tf:aws_autoscaling_group.elsewhere",
    );
    assert_eq!(elsewhere.status, Status::NotAssessed);
    assert!(
        elsewhere.message.contains("shared-template"),
        "{}",
        elsewhere.message
    );
}

#[test]
fn cloudformation_template_failures_name_the_groups_that_launch_them() {
    let (p, fs) = audit("cfn/autoscaling");
    let web = one(&fs, &p, "EC2-054", "template.yaml:WebTemplate");
    assert_eq!(web.status, Status::Fail);
    assert_eq!(groups(web), Some(vec!["WebGroup".to_owned()]));
    let spare = one(&fs, &p, "EC2-054", "template.yaml:SpareTemplate");
    assert_eq!((spare.status, groups(spare)), (Status::Fail, None));
    let legacy = one(&fs, &p, "EC2-054", "template.yaml:LegacyConfig");
    assert_eq!(groups(legacy), Some(vec!["LegacyGroup".to_owned()]));
    let spot = one(&fs, &p, "EC2-055", "template.yaml:SpotTemplate");
    assert_eq!(
        (spot.status, groups(spot)),
        (Status::Fail, Some(vec!["SpotGroup".to_owned()]))
    );
    let batch = one(&fs, &p, "EC2-055", "template.yaml:BatchTemplate");
    assert_eq!(batch.status, Status::Pass);
    let elsewhere = one(&fs, &p, "EC2-055", "template.yaml:ElsewhereGroup");
    assert_eq!(elsewhere.status, Status::NotAssessed);
    assert!(
        elsewhere.message.contains("shared-template"),
        "{}",
        elsewhere.message
    );
}

/// The group model: sources, versions and subnets as declared.
#[test]
fn groups_record_what_they_launch() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/labelled/tf/autoscaling");
    let loaded = common::read(&dir, &[]);
    let region = &loaded.inventory.accounts[0].regions[0];
    let web = region
        .autoscaling_groups
        .iter()
        .find(|g| g.meta.name == "aws_autoscaling_group.web")
        .expect("group web");
    assert_eq!(web.launches.len(), 1);
    assert_eq!(web.launches[0].kind, "launch-template");
    assert_eq!(web.launches[0].id, "aws_launch_template.web");
    assert_eq!(web.launches[0].version.as_deref(), Some("$Latest"));
    assert_eq!(web.subnet_ids, vec!["aws_subnet.public".to_owned()]);
    assert_eq!(region.autoscaling_groups.len(), 6);
}
