//! The seed documents' policies with the verdicts the checklist gives them.

use rampart_policy::analysis::{cancellations, effective};
use rampart_policy::audit;
use rampart_policy::eval::{Decision, Named, Request, RequestContext, evaluate_policy};
use rampart_policy::{Level, PolicyKind, lint_text, parse_text};

/// Seed 000: the Shopify app policy (allows a bucket and a table, then denies `s3:*` and
/// `dynamodb:*` on `*`).
const SEED_000_APP: &str = r#"{
"Version": "2012-10-17",
"Statement": [
{
"Sid": "AllowS3BucketAccessForShopifyApp",
"Effect": "Allow",
"Action": [
"s3:GetObject",
"s3:PutObject",
"s3:DeleteObject",
"s3:ListBucket"
],
"Resource": [
"arn:aws:s3:::your-shopify-app-bucket",
"arn:aws:s3:::your-shopify-app-bucket/*"
]
},
{
"Sid": "AllowDynamoDBReadAccessForShopifyApp",
"Effect": "Allow",
"Action": [
"dynamodb:GetItem",
"dynamodb:Query",
"dynamodb:Scan",
"dynamodb:BatchGetItem"
],
"Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/your-shopify-app-table"
},
{
"Sid": "DenyAllOtherS3Access",
"Effect": "Deny",
"Action": "s3:*",
"Resource": "*"
},
{
"Sid": "DenyAllOtherDynamoDBAccess",
"Effect": "Deny",
"Action": "dynamodb:*",
"Resource": "*"
}
]
}"#;

/// Seed 000: the SQS instance-profile policy (same flaw).
const SEED_000_SQS: &str = r#"{
"Version": "2012-10-17",
"Statement": [
{
"Sid": "AllowSQSPublishToShopifyQueue",
"Effect": "Allow",
"Action": [
"sqs:SendMessage",
"sqs:SendMessageBatch"
],
"Resource": "arn:aws:sqs:us-east-1:123456789012:your-shopify-processing-queue"
},
{
"Sid": "DenyAllOtherSQSAccess",
"Effect": "Deny",
"Action": "sqs:*",
"Resource": "*"
}
]
}"#;

/// Seed 002: the "good starter" S3 policy, a bare statement with a trailing comma.
const SEED_002_S3: &str = r#"{
  "Action": [
    "s3:DeleteObject",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:PutObject",
    "s3:PutObjectAcl",
  ],
  "Effect": "Allow",
  "Resource": [
    "arn:aws:s3:::bucket-name",
    "arn:aws:s3:::bucket-name/*"
  ]
}"#;

/// Seed 002: the admin group policy.
const SEED_002_ADMIN: &str = r#"{
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}"#;

/// Seed 004: deny everything from outside two ranges.
const SEED_004_IP: &str = r#"{
"Version": "2012-10-17",
"Statement": {
"Effect": "Deny",
"Action": "*",
"Resource": "*",
"Condition": {
"NotIpAddress": {
"aws:SourceIp": [
"192.0.2.0/24",
"203.0.113.0/24"
]
},
"Bool": {"aws:ViaAWSService": "false"}
}
}
}"#;

#[test]
fn seed_000_app_policy_grants_nothing() {
    let p = parse_text(SEED_000_APP, PolicyKind::Identity)
        .policy
        .expect("parses");
    assert!(p.is_valid());
    let e = effective(&[Named {
        name: "app",
        policy: &p,
    }]);
    assert!(e.grants_nothing());
    let pairs = cancellations(&e);
    let pair_ids: Vec<(usize, usize)> = pairs
        .iter()
        .map(|c| (c.allow.statement, c.deny.statement))
        .collect();
    assert!(
        pair_ids.contains(&(0, 2)) && pair_ids.contains(&(1, 3)),
        "{pair_ids:?}"
    );
    let issues = audit::cancelled_allows(&p);
    assert_eq!(issues.len(), 1);
    assert!(
        issues[0].message.contains("grants nothing"),
        "{}",
        issues[0].message
    );
    assert_eq!(issues[0].control, "IAM-3");
    // And the evaluator agrees, naming the deciding Deny.
    let ctx = RequestContext::new();
    let req = Request {
        action: "s3:GetObject",
        resource: "arn:aws:s3:::your-shopify-app-bucket/a.png",
        principal: None,
        context: &ctx,
    };
    let r = evaluate_policy("app", &p, &req);
    assert_eq!(r.decision, Decision::ExplicitDeny);
    assert_eq!(r.deciding.len(), 1);
    assert_eq!(r.deciding[0].sid.as_deref(), Some("DenyAllOtherS3Access"));
    assert_eq!(r.deciding[0].span.line, 29);
}

#[test]
fn seed_000_sqs_policy_grants_nothing() {
    let p = parse_text(SEED_000_SQS, PolicyKind::Identity)
        .policy
        .expect("parses");
    let e = effective(&[Named {
        name: "sqs",
        policy: &p,
    }]);
    assert!(e.grants_nothing());
    assert_eq!(
        cancellations(&e)[0].cancelled,
        vec!["sqs:SendMessage".to_owned()]
    );
    // `sqs:SendMessageBatch` is not an IAM action (batches are authorized as SendMessage): it
    // is reported as unknown, and the Deny on `sqs:*` covers it anyway.
    assert_eq!(e.unknown_cancelled.len(), 1);
    let (_, diags) = lint_text(SEED_000_SQS, PolicyKind::Identity);
    assert!(
        diags
            .iter()
            .any(|d| d.code == "unknown-action" && d.message.contains("SendMessageBatch")),
        "{diags:?}"
    );
}

#[test]
fn seed_002_trailing_comma_is_located() {
    let (policy, diags) = lint_text(SEED_002_S3, PolicyKind::Auto);
    assert!(policy.is_none());
    let e = diags
        .iter()
        .find(|d| d.level == Level::Error)
        .expect("an error");
    assert_eq!(e.code, "trailing-comma");
    assert_eq!((e.span.line, e.span.column), (7, 22));
}

#[test]
fn seed_002_without_the_comma_is_a_bare_statement() {
    let fixed = SEED_002_S3.replace("\"s3:PutObjectAcl\",", "\"s3:PutObjectAcl\"");
    let (policy, diags) = lint_text(&fixed, PolicyKind::Auto);
    assert!(
        diags.iter().any(|d| d.code == "bare-statement"),
        "{diags:?}"
    );
    assert_eq!(policy.expect("read").statements.len(), 1);
}

#[test]
fn seed_002_admin_is_full_access_without_version() {
    let (policy, diags) = lint_text(SEED_002_ADMIN, PolicyKind::Identity);
    let p = policy.expect("read");
    assert!(diags.iter().any(|d| d.code == "missing-version"));
    let issues = audit::full_access(&p);
    assert_eq!(issues.len(), 1);
    assert!(issues[0].message.contains("every action of every service"));
}

#[test]
fn seed_004_denies_outside_the_ranges_only() {
    let p = parse_text(SEED_004_IP, PolicyKind::Identity)
        .policy
        .expect("parses");
    let allow = parse_text(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#, PolicyKind::Identity)
        .policy
        .expect("allow");
    let set = rampart_policy::eval::PolicySet {
        identity: vec![
            Named {
                name: "ip",
                policy: &p,
            },
            Named {
                name: "allow",
                policy: &allow,
            },
        ],
        ..Default::default()
    };
    let mut inside = RequestContext::new();
    inside.insert("aws:SourceIp", "203.0.113.9");
    inside.insert("aws:ViaAWSService", "false");
    let mut outside = RequestContext::new();
    outside.insert("aws:SourceIp", "198.51.100.1");
    outside.insert("aws:ViaAWSService", "false");
    let mut via_service = RequestContext::new();
    via_service.insert("aws:SourceIp", "198.51.100.1");
    via_service.insert("aws:ViaAWSService", "true");
    let req = |ctx| Request {
        action: "s3:GetObject",
        resource: "arn:aws:s3:::b/k",
        principal: None,
        context: ctx,
    };
    assert_eq!(
        rampart_policy::eval::evaluate(&set, &req(&inside)).decision,
        Decision::Allow
    );
    assert_eq!(
        rampart_policy::eval::evaluate(&set, &req(&outside)).decision,
        Decision::ExplicitDeny
    );
    assert_eq!(
        rampart_policy::eval::evaluate(&set, &req(&via_service)).decision,
        Decision::Allow
    );
}
