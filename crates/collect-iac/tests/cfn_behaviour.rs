//! CloudFormation behaviour beyond one check's fixture (issue 13, CloudFormation half): misuse
//! reported as located errors, dependency cycles, condition branches, identity, children whose
//! parent is not declared, known and unknown values, task definitions.

mod common;

use std::path::{Path, PathBuf};

use rampart_model::Status;

fn input(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inputs/cfn")
        .join(name)
}

fn errors(name: &str) -> Vec<String> {
    let loaded = common::read(&input(name), &[]);
    loaded
        .errors
        .iter()
        .map(|e| {
            let f = e.file.rsplit('/').next().unwrap_or_default().to_owned();
            format!("{f}:{}:{}: {}", e.line, e.column, e.message)
        })
        .collect()
}

/// The results of `code` on `file:logical` as (status, message).
fn verdicts(
    results: &[rampart_model::Finding],
    code: &str,
    resource: &str,
) -> Vec<(Status, String)> {
    results
        .iter()
        .filter(|f| f.check == code && f.resource == resource)
        .map(|f| (f.status, f.message.clone()))
        .collect()
}

fn statuses(results: &[rampart_model::Finding], code: &str, resource: &str) -> Vec<Status> {
    verdicts(results, code, resource)
        .into_iter()
        .map(|(s, _)| s)
        .collect()
}

fn id(path: &Path, logical: &str) -> String {
    format!("{}:{logical}", path.display())
}

// CloudFormation User Guide, "Ref", "Fn::GetAtt", "Fn::Sub", "Conditions", "Resources",
// "Template anatomy": each misuse is refused by CloudFormation and reported here at its place.
#[test]
fn misuse_is_a_located_error_yaml() {
    assert_eq!(
        errors("misuse.yaml"),
        [
            "misuse.yaml:12:19: `Ref` to `LogBucketName`: no parameter, resource or pseudo parameter of that name",
            "misuse.yaml:17:32: `Fn::GetAtt` on `Missing`: no resource of that name",
            "misuse.yaml:19:22: condition `IsProduction` is not declared in `Conditions`",
            "misuse.yaml:22:16: condition `NoSuchCondition` is not declared in `Conditions`",
            "misuse.yaml:24:25: `Fn::Sub` uses `${Envv}`: no parameter, resource or pseudo parameter of that name",
            "misuse.yaml:25:3: resource `NoType` has no `Type`",
            "misuse.yaml:28:3: `Data` is declared twice in `Resources`; CloudFormation refuses duplicate logical ids",
        ]
    );
    let path = input("misuse.yaml");
    let loaded = common::read(&path, &[]);
    // The template is still read (exit code 2 comes from the errors), once per logical id.
    let buckets = &loaded.inventory.accounts[0].buckets;
    assert_eq!(buckets.len(), 2, "{buckets:?}");
    assert!(
        loaded
            .inventory
            .gaps
            .iter()
            .any(|g| g.data == "iac.file" && g.code.as_deref() == Some("ParseError"))
    );
    // An undeclared condition is not a free choice: versioning is not assessed, never passed
    // or failed per invented branch.
    let results = common::audit(&loaded.inventory);
    assert_eq!(
        statuses(&results, "S3-003", &id(&path, "Data")),
        [Status::NotAssessed]
    );
}

#[test]
fn misuse_is_a_located_error_json() {
    assert_eq!(
        errors("misuse.json"),
        [
            "misuse.json:6:5: `Queue` is declared twice in `Resources`; CloudFormation refuses duplicate logical ids",
            "misuse.json:8:20: resource `Queue` depends on `Ghost`, which is not a resource of this template",
        ]
    );
}

// "Circular dependency between resources" is a creation error; the names such resources would
// get are not known, never `arn:aws:s3:::arn:aws:s3:::…`.
#[test]
fn circular_references_are_errors_and_unknown() {
    assert_eq!(
        errors("cycle.yaml"),
        [
            "cycle.yaml:2:3: circular dependency between resources A, B: CloudFormation cannot create them",
            "cycle.yaml:10:3: circular dependency between resources Self: CloudFormation cannot create them",
        ]
    );
    let loaded = common::read(&input("cycle.yaml"), &[]);
    let names: Vec<&str> = loaded.inventory.accounts[0]
        .buckets
        .iter()
        .map(|b| b.meta.name.as_str())
        .collect();
    assert!(names.iter().all(|n| !n.contains("arn:")), "{names:?}");
    assert!(names.contains(&"fine"), "{names:?}");
}

// 24 conditions that only choose tag values: one bucket, one verdict per check.
#[test]
fn conditions_on_tags_do_not_repeat_findings() {
    let path = input("tag-conditions.yaml");
    let loaded = common::read(&path, &[]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.inventory.accounts[0].buckets.len(), 1);
    let results = common::audit(&loaded.inventory);
    assert_eq!(
        statuses(&results, "S3-003", &id(&path, "Tagged")),
        [Status::Fail]
    );
}

// Two templates declaring the same bucket name are two resources (only one could deploy):
// neither's settings lend themselves to the other.
#[test]
fn identity_is_file_and_logical_id_never_the_name() {
    let dir = input("same-name");
    let loaded = common::read(&dir, &[]);
    let buckets = &loaded.inventory.accounts[0].buckets;
    let ids: Vec<&str> = buckets.iter().map(|b| b.meta.arn.as_str()).collect();
    let a = id(&dir.join("a.yaml"), "Store");
    let b = id(&dir.join("b.yaml"), "Store");
    assert_eq!(ids, [a.as_str(), b.as_str()]);
    assert!(buckets.iter().all(|b| b.meta.name == "acme-shared"));
    let results = common::audit(&loaded.inventory);
    assert_eq!(statuses(&results, "S3-003", &a), [Status::Pass]);
    assert_eq!(statuses(&results, "S3-003", &b), [Status::Fail]);
    // The policy of b.yaml's bucket stays on it.
    assert!(buckets[0].policy.is_none());
    assert!(buckets[1].policy.is_some());
}

// A child whose parent is declared in another stack is judged on its own settings, and takes
// no verdict away from the resources that are declared.
#[test]
fn children_without_parents_are_judged_alone() {
    let path = input("orphans.yaml");
    let loaded = common::read(&path, &[]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let results = common::audit(&loaded.inventory);
    assert_eq!(
        statuses(&results, "IAM-100", &id(&path, "AdminPolicy")),
        [Status::Fail]
    );
    assert_eq!(
        statuses(&results, "EC2-003", &id(&path, "SshFromAnywhere")),
        [Status::Fail]
    );
    assert_eq!(
        statuses(&results, "EC2-003", &id(&path, "RdpFromAnywhere")),
        [Status::Fail]
    );
    // The declared group keeps its own verdict.
    assert_eq!(
        statuses(&results, "EC2-003", &id(&path, "Web")),
        [Status::Pass]
    );
    assert_eq!(
        statuses(&results, "S3-101", &id(&path, "ImportedBucketPolicy")),
        [Status::Fail]
    );
    // What the input does not say about that bucket is not judged.
    assert_eq!(
        statuses(&results, "S3-001", &id(&path, "ImportedBucketPolicy")),
        [Status::NotAssessed]
    );
}

// A key declared in the template is customer managed; a parameter without a default is
// unknown for that resource alone.
#[test]
fn known_unknown_and_absent() {
    let path = input("known-unknown.yaml");
    let loaded = common::read(&path, &[]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let results = common::audit(&loaded.inventory);
    assert_eq!(
        statuses(&results, "S3-001", &id(&path, "WithDeclaredKey")),
        [Status::Pass]
    );
    assert_eq!(
        statuses(&results, "KMS-002", &id(&path, "SecretWithDeclaredKey")),
        [Status::Pass]
    );
    assert_eq!(
        statuses(&results, "KMS-002", &id(&path, "SecretWithDefaultKey")),
        [Status::Fail]
    );
    assert_eq!(
        statuses(&results, "S3-001", &id(&path, "WithUnknownAlgorithm")),
        [Status::NotAssessed]
    );
    assert_eq!(
        statuses(&results, "S3-003", &id(&path, "Plain")),
        [Status::Fail]
    );
    assert_eq!(
        statuses(&results, "LOGS-001", &id(&path, "Logs")),
        [Status::NotAssessed]
    );
}

// AWS::ECS::TaskDefinition: `ContainerDefinitions[].Environment` and `TaskRoleArn`.
#[test]
fn task_definitions_are_read() {
    let path = input("task-definition.yaml");
    let loaded = common::read(&path, &[]);
    let results = common::audit(&loaded.inventory);
    assert_eq!(
        statuses(&results, "ECS-001", &id(&path, "Leaky")),
        [Status::Fail]
    );
    assert_eq!(
        statuses(&results, "ECS-002", &id(&path, "Leaky")),
        [Status::Fail]
    );
    assert_eq!(
        statuses(&results, "ECS-001", &id(&path, "Clean")),
        [Status::Pass]
    );
    assert_eq!(
        statuses(&results, "ECS-002", &id(&path, "Clean")),
        [Status::Pass]
    );
}

// A template that nests itself cannot be created: a located error, and the template is read once.
#[test]
fn a_nested_stack_cycle_is_a_located_error() {
    let path = input("nested-loop/loop.yaml");
    let loaded = common::read(&path, &[]);
    assert_eq!(loaded.errors.len(), 1, "{:?}", loaded.errors);
    assert_eq!(
        (loaded.errors[0].line, loaded.errors[0].column),
        (3, 5),
        "{}",
        loaded.errors[0]
    );
    assert!(loaded.errors[0].message.contains("cycle of nested stacks"));
    assert_eq!(loaded.inventory.accounts[0].buckets.len(), 1);
}

/// Every resource identity (`meta.arn`) of an Inventory, with how many times it occurs.
fn identities(inv: &rampart_model::Inventory) -> std::collections::BTreeMap<String, usize> {
    fn walk(v: &serde_json::Value, out: &mut std::collections::BTreeMap<String, usize>) {
        match v {
            serde_json::Value::Object(o) => {
                if let Some(arn) = o
                    .get("meta")
                    .and_then(|m| m.get("arn"))
                    .and_then(|a| a.as_str())
                {
                    *out.entry(arn.to_owned()).or_default() += 1;
                }
                o.values().for_each(|x| walk(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(&serde_json::to_value(inv).expect("serializable"), &mut out);
    out
}

// The vendored CloudFormation corpora: no resource is read twice (no duplicate identity).
#[test]
fn cloudformation_corpora_have_no_duplicate_resource() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    for c in ["cfngoat", "aws-cfn-templates"] {
        let loaded = common::read(&root.join(c), &[]);
        let dups: Vec<(String, usize)> = identities(&loaded.inventory)
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .collect();
        assert!(dups.is_empty(), "{c}: {dups:?}");
    }
}

// `Ref` of an AWS::IAM::ManagedPolicy is its ARN; principals of the template that name it are
// attached to the policy declared there (named FILE:LogicalId), AWS managed ones stay ARNs.
#[test]
fn managed_policies_attach_by_ref() {
    let text = "Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: []}
      ManagedPolicyArns: [!Ref P, arn:aws:iam::aws:policy/ReadOnlyAccess]
";
    let loaded = rampart_collect_iac::load_text(
        rampart_collect_iac::InputKind::CloudFormation,
        text,
        "t.yaml",
    );
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let iam = &loaded.inventory.accounts[0].iam;
    assert_eq!(
        iam.roles[0].attached_policies,
        ["t.yaml:P", "arn:aws:iam::aws:policy/ReadOnlyAccess"]
    );
    assert_eq!(iam.policies[0].meta.arn, "t.yaml:P");
    assert_eq!(iam.policies[0].attachment_count, 1);
}

// Encryption at rest of EFS, ElastiCache and OpenSearch (ENC-3): each resource reference gives
// false when the property is not set; judged by STORE-001 where that check is registered.
#[test]
fn at_rest_stores_are_read() {
    let text = "Resources:
  PlainFs:
    Type: AWS::EFS::FileSystem
  SealedFs:
    Type: AWS::EFS::FileSystem
    Properties:
      Encrypted: true
      KmsKeyId: alias/efs
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      AtRestEncryptionEnabled: true
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainName: search
      EncryptionAtRestOptions:
        Enabled: true
  LegacySearch:
    Type: AWS::Elasticsearch::Domain
";
    let loaded = rampart_collect_iac::load_text(
        rampart_collect_iac::InputKind::CloudFormation,
        text,
        "t.yaml",
    );
    let stores: Vec<(String, &str, bool, Option<&str>)> = loaded.inventory.accounts[0].regions[0]
        .at_rest_stores
        .iter()
        .map(|s| {
            (
                s.meta.arn.clone(),
                s.service.as_str(),
                s.encrypted,
                s.kms_key_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        stores,
        [
            ("t.yaml:PlainFs".to_owned(), "efs", false, None),
            ("t.yaml:SealedFs".to_owned(), "efs", true, Some("alias/efs")),
            ("t.yaml:Cache".to_owned(), "elasticache", true, None),
            ("t.yaml:Search".to_owned(), "opensearch", true, None),
            ("t.yaml:LegacySearch".to_owned(), "opensearch", false, None),
        ]
    );
}

// A resource read once per branch of its conditions: a check whose results no condition
// changes reports them once on `FILE:LogicalId`; one whose results depend on a condition
// reports them once per value of that condition only, naming it in evidence.
#[test]
fn findings_are_not_repeated_per_condition_branch() {
    let path = input("branches.yaml");
    let loaded = common::read(&path, &[]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    // Four branches of each resource were read.
    assert_eq!(loaded.inventory.accounts[0].buckets.len(), 4);
    let results = common::audit(&loaded.inventory);
    let bucket = id(&path, "Artifacts");
    // No result names a branch that a condition does not decide.
    for f in results.iter().filter(|f| f.resource.starts_with(&bucket)) {
        let rest = &f.resource[bucket.len()..];
        assert!(
            rest.is_empty() || rest == "[IsProd=true]" || rest == "[IsProd=false]",
            "{} on {}: {}",
            f.check,
            f.resource,
            f.message
        );
    }
    // Versioning: decided by IsProd alone, one result per value.
    assert_eq!(
        statuses(&results, "S3-003", &format!("{bucket}[IsProd=true]")),
        [Status::Pass]
    );
    let off: Vec<&rampart_model::Finding> = results
        .iter()
        .filter(|f| f.check == "S3-003" && f.resource == format!("{bucket}[IsProd=false]"))
        .collect();
    assert_eq!(off.len(), 1);
    assert_eq!(off[0].status, Status::Fail);
    assert_eq!(off[0].evidence["condition"], "IsProd=false");
    // Encryption with the AWS managed key: the same on all four branches, said once.
    assert_eq!(statuses(&results, "S3-002", &bucket), [Status::Fail]);
    assert!(
        results
            .iter()
            .filter(|f| f.check == "S3-002")
            .all(|f| f.resource == bucket && !f.evidence.contains_key("condition"))
    );
    // The group: SSH from anywhere unless IsProd, whatever Replicated says.
    let admin = id(&path, "Admin");
    assert_eq!(
        statuses(&results, "EC2-003", &format!("{admin}[IsProd=false]")),
        [Status::Fail]
    );
    assert_eq!(
        statuses(&results, "EC2-003", &format!("{admin}[IsProd=true]")),
        [Status::Pass]
    );
    assert!(
        !results
            .iter()
            .any(|f| f.resource.starts_with(&admin) && f.resource.contains("Replicated")),
        "a result names Replicated, which decides nothing audited"
    );
}
