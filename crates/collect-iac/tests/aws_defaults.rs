//! What AWS decides when a declaration leaves a setting unset (issue 17): never a silent pass.

mod common;

use rampart_model::Status;

/// Every result on a template written to a file of its own (`db.yaml`), and that file's path.
fn audit_cfn(text: &str) -> (Vec<rampart_model::Finding>, String) {
    audit_file("db.yaml", text)
}

/// Every result on `text` written to a file `name` of its own, and that file's path.
fn audit_file(name: &str, text: &str) -> (Vec<rampart_model::Finding>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("template written");
    let loaded = common::read(&path, &[]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    (common::audit(&loaded.inventory), path.display().to_string())
}

fn statuses(results: &[rampart_model::Finding], code: &str, resource: &str) -> Vec<Status> {
    results
        .iter()
        .filter(|f| f.check == code && f.resource == resource)
        .map(|f| f.status)
        .collect()
}

// CreateDBInstance, `PubliclyAccessible`: when it is not specified, the instance is public if
// the VPC of its DB subnet group (or, with none, the default VPC) has an internet gateway
// attached, private otherwise. AWS::RDS::DBInstance passes the property through, so an unset
// value is not `false`: derived when the template declares the subnet group's VPC, else VPC-008
// is not assessed on it; an explicit value is judged as written.
#[test]
fn cloudformation_rds_publicly_accessible_unset_follows_the_subnet_group_vpc() {
    let (results, file) = audit_cfn(
        "Resources:
  PublicVpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Igw:
    Type: AWS::EC2::InternetGateway
  IgwAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref PublicVpc, InternetGatewayId: !Ref Igw}
  PublicA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref PublicVpc, CidrBlock: 10.0.1.0/24}
  PublicB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref PublicVpc, CidrBlock: 10.0.2.0/24}
  PublicGroup:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: subnets of a VPC with an internet gateway
      SubnetIds: [!Ref PublicA, !Ref PublicB]
  IsolatedVpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.0/16}
  IsolatedA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref IsolatedVpc, CidrBlock: 10.1.1.0/24}
  IsolatedGroup:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: subnets of a VPC without an internet gateway
      SubnetIds: [!Ref IsolatedA]
  InPublicVpc:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      StorageEncrypted: true
      DBSubnetGroupName: !Ref PublicGroup
  InIsolatedVpc:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      StorageEncrypted: true
      DBSubnetGroupName: !Ref IsolatedGroup
  InDefaultVpc:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      StorageEncrypted: true
  InOtherStacksGroup:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      StorageEncrypted: true
      DBSubnetGroupName: shared-db-subnets
  ExplicitlyPrivate:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      StorageEncrypted: true
      DBSubnetGroupName: !Ref PublicGroup
      PubliclyAccessible: false
",
    );
    let at = |logical: &str| statuses(&results, "VPC-008", &format!("{file}:{logical}"));
    assert_eq!(at("InPublicVpc"), [Status::Fail]);
    assert_eq!(at("InIsolatedVpc"), [Status::Pass]);
    assert_eq!(at("InDefaultVpc"), [Status::NotAssessed]);
    assert_eq!(at("InOtherStacksGroup"), [Status::NotAssessed]);
    assert_eq!(at("ExplicitlyPrivate"), [Status::Pass]);
}

// Terraform's `aws_db_instance.publicly_accessible` defaults to `false` in the provider, which
// sends it on create: unset is private.
#[test]
fn terraform_rds_publicly_accessible_unset_is_the_provider_default_false() {
    let loaded = rampart_collect_iac::load_text(
        rampart_collect_iac::InputKind::Terraform,
        "resource \"aws_db_instance\" \"orders\" {\n  identifier = \"orders\"\n  engine = \"postgres\"\n  instance_class = \"db.t4g.micro\"\n  storage_encrypted = true\n}\n",
        "main.tf",
    );
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let results = common::audit(&loaded.inventory);
    let vpc008: Vec<Status> = results
        .iter()
        .filter(|f| f.check == "VPC-008")
        .map(|f| f.status)
        .collect();
    assert_eq!(vpc008, [Status::Pass]);
}

// CreateVolume without `Encrypted`: the volume is encrypted when the account's EBS encryption by
// default is on in the region (EC2 User Guide, "Amazon EBS encryption by default"). Terraform's
// `aws_ebs_volume.encrypted` left unset is that case: not assessed, as CloudFormation's
// `Encrypted`; `false` written out is a failure.
#[test]
fn terraform_ebs_volume_encrypted_unset_is_the_account_default() {
    let (results, file) = audit_file(
        "main.tf",
        "resource \"aws_ebs_volume\" \"unset\" {\n  availability_zone = \"us-east-1a\"\n  size = 8\n}\nresource \"aws_ebs_volume\" \"plain\" {\n  availability_zone = \"us-east-1a\"\n  size = 8\n  encrypted = false\n}\n",
    );
    assert_eq!(
        statuses(&results, "EC2-052", &format!("{file}:aws_ebs_volume.unset")),
        [Status::NotAssessed]
    );
    assert_eq!(
        statuses(&results, "EC2-052", &format!("{file}:aws_ebs_volume.plain")),
        [Status::Fail]
    );
}

// S3 User Guide, "Blocking public access to your Amazon S3 storage" and "Controlling ownership of
// objects and disabling ACLs for your bucket": since April 2023 a new bucket has all four
// bucket-level Block Public Access settings on and Object Ownership BucketOwnerEnforced unless the
// request says otherwise. A declared public ACL still fails S3-100 (the configuration asks for a
// public bucket), and the evidence says what S3 would do with it.
#[test]
fn s3_bucket_defaults_are_block_public_access_on_and_acls_disabled() {
    let (results, file) = audit_file(
        "main.tf",
        r#"
resource "aws_s3_bucket" "quiet" {
  bucket = "quiet"
}
resource "aws_s3_bucket" "loud" {
  bucket = "loud"
  acl    = "public-read"
}
"#,
    );
    let quiet = format!("{file}:aws_s3_bucket.quiet");
    let loud = format!("{file}:aws_s3_bucket.loud");
    assert_eq!(statuses(&results, "S3-100", &quiet), vec![Status::Pass]);
    assert_eq!(statuses(&results, "S3-100", &loud), vec![Status::Fail]);
    let f = results
        .iter()
        .find(|f| f.check == "S3-100" && f.resource == loud)
        .expect("S3-100 on loud");
    let blockers = f.evidence["would_be_blocked_by"].to_string();
    for said in [
        "BucketOwnerEnforced (S3's default for a new bucket)",
        "AccessControlListNotSupported",
        "BlockPublicAcls (S3's default for a new bucket)",
        "not declared in this input",
    ] {
        assert!(blockers.contains(said), "{said} not in {blockers}");
    }
    // The account-level setting outside this input does not appear as one result per bucket.
    assert!(
        !results
            .iter()
            .any(|f| f.check == "S3-100" && f.status == Status::NotAssessed),
        "{results:#?}"
    );
}
