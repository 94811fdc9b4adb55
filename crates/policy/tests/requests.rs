//! A table of requests with the expected decision and the statements expected to decide it.

use rampart_policy::eval::{
    Decision, Named, PolicySet, Request, RequestContext, evaluate, evaluate_policy,
};
use rampart_policy::{Policy, PolicyKind, parse_text};

fn policy(text: &str, kind: PolicyKind) -> Policy {
    let out = parse_text(text, kind);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    out.policy.expect("policy")
}

const IDENTITY: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"Read","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::shop","arn:aws:s3:::shop/*"]},
  {"Sid":"Home","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::shop/home/${aws:username}/*"},
  {"Sid":"NoSecrets","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::shop/secret/*"},
  {"Sid":"Mfa","Effect":"Allow","Action":"ec2:StopInstances","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
  {"Sid":"Region","Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}},
  {"Sid":"Tags","Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}},
  {"Sid":"AnyTag","Effect":"Allow","Action":"ec2:DeleteTags","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["tmp-*"]}}},
  {"Sid":"NotYet","Effect":"Allow","Action":"ec2:RebootInstances","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}},
  {"Sid":"Optional","Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}},
  {"Sid":"NoTag","Effect":"Allow","Action":"sns:Publish","Resource":"*","Condition":{"Null":{"aws:ResourceTag/locked":"true"}}},
  {"Sid":"Small","Effect":"Allow","Action":"dynamodb:Query","Resource":"*","Condition":{"NumericLessThanEquals":{"dynamodb:Attributes":"3"}}}
]}"#;

struct Case {
    action: &'static str,
    resource: &'static str,
    context: &'static [(&'static str, &'static str)],
    decision: Decision,
    deciding: &'static [&'static str],
}

const EU: (&str, &str) = ("aws:RequestedRegion", "eu-west-1");

const CASES: &[Case] = &[
    Case {
        action: "s3:GetObject",
        resource: "arn:aws:s3:::shop/a.png",
        context: &[EU],
        decision: Decision::Allow,
        deciding: &["Read"],
    },
    Case {
        action: "S3:GETOBJECT",
        resource: "arn:aws:s3:::shop/a.png",
        context: &[EU],
        decision: Decision::Allow,
        deciding: &["Read"],
    },
    Case {
        action: "s3:GetObject",
        resource: "arn:aws:s3:::SHOP/a.png",
        context: &[EU],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "s3:GetObject",
        resource: "arn:aws:s3:::shop/secret/k",
        context: &[EU],
        decision: Decision::ExplicitDeny,
        deciding: &["NoSecrets"],
    },
    Case {
        action: "s3:GetObject",
        resource: "arn:aws:s3:::other/a",
        context: &[EU],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "s3:DeleteObject",
        resource: "arn:aws:s3:::shop/a",
        context: &[EU],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "s3:PutObject",
        resource: "arn:aws:s3:::shop/home/alice/x",
        context: &[EU, ("aws:username", "alice")],
        decision: Decision::Allow,
        deciding: &["Home"],
    },
    Case {
        action: "s3:PutObject",
        resource: "arn:aws:s3:::shop/home/bob/x",
        context: &[EU, ("aws:username", "alice")],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "s3:PutObject",
        resource: "arn:aws:s3:::shop/home/alice/x",
        context: &[EU],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "s3:GetObject",
        resource: "arn:aws:s3:::shop/a",
        context: &[("aws:RequestedRegion", "ap-south-1")],
        decision: Decision::ExplicitDeny,
        deciding: &["Region"],
    },
    Case {
        action: "s3:GetObject",
        resource: "arn:aws:s3:::shop/a",
        context: &[],
        decision: Decision::ExplicitDeny,
        deciding: &["Region"],
    },
    Case {
        action: "ec2:StopInstances",
        resource: "arn:aws:ec2:eu-west-1:1:instance/i-1",
        context: &[EU, ("aws:MultiFactorAuthPresent", "true")],
        decision: Decision::Allow,
        deciding: &["Mfa"],
    },
    Case {
        action: "ec2:StopInstances",
        resource: "arn:aws:ec2:eu-west-1:1:instance/i-1",
        context: &[EU, ("aws:MultiFactorAuthPresent", "false")],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "ec2:StopInstances",
        resource: "arn:aws:ec2:eu-west-1:1:instance/i-1",
        context: &[EU],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "ec2:CreateTags",
        resource: "*",
        context: &[EU, ("aws:TagKeys", "team"), ("aws:TagKeys", "env")],
        decision: Decision::Allow,
        deciding: &["Tags"],
    },
    Case {
        action: "ec2:CreateTags",
        resource: "*",
        context: &[EU, ("aws:TagKeys", "team"), ("aws:TagKeys", "owner")],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "ec2:CreateTags",
        resource: "*",
        context: &[EU],
        decision: Decision::Allow,
        deciding: &["Tags"],
    },
    Case {
        action: "ec2:DeleteTags",
        resource: "*",
        context: &[EU, ("aws:TagKeys", "team"), ("aws:TagKeys", "tmp-1")],
        decision: Decision::Allow,
        deciding: &["AnyTag"],
    },
    Case {
        action: "ec2:DeleteTags",
        resource: "*",
        context: &[EU],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "ec2:RebootInstances",
        resource: "*",
        context: &[EU, ("aws:CurrentTime", "2026-11-01T00:00:00Z")],
        decision: Decision::Allow,
        deciding: &["NotYet"],
    },
    Case {
        action: "ec2:RebootInstances",
        resource: "*",
        context: &[EU, ("aws:CurrentTime", "2025-11-01T00:00:00Z")],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "sqs:SendMessage",
        resource: "*",
        context: &[EU],
        decision: Decision::Allow,
        deciding: &["Optional"],
    },
    Case {
        action: "sqs:SendMessage",
        resource: "*",
        context: &[EU, ("aws:SourceVpce", "vpce-2")],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "sns:Publish",
        resource: "*",
        context: &[EU],
        decision: Decision::Allow,
        deciding: &["NoTag"],
    },
    Case {
        action: "sns:Publish",
        resource: "*",
        context: &[EU, ("aws:ResourceTag/locked", "yes")],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "dynamodb:Query",
        resource: "*",
        context: &[EU, ("dynamodb:Attributes", "2")],
        decision: Decision::Allow,
        deciding: &["Small"],
    },
    Case {
        action: "dynamodb:Query",
        resource: "*",
        context: &[EU, ("dynamodb:Attributes", "7")],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
    Case {
        action: "iam:CreateUser",
        resource: "*",
        context: &[("aws:RequestedRegion", "ap-south-1")],
        decision: Decision::ImplicitDeny,
        deciding: &[],
    },
];

#[test]
fn identity_policy_table() {
    let p = policy(IDENTITY, PolicyKind::Identity);
    for (i, case) in CASES.iter().enumerate() {
        let mut ctx = RequestContext::new();
        for (k, v) in case.context {
            ctx.insert(k, *v);
        }
        let req = Request {
            action: case.action,
            resource: case.resource,
            principal: None,
            context: &ctx,
        };
        let r = evaluate_policy("p", &p, &req);
        assert_eq!(
            r.decision, case.decision,
            "case {i} ({} on {}): {}",
            case.action, case.resource, r.reason
        );
        let sids: Vec<&str> = r.deciding.iter().filter_map(|d| d.sid.as_deref()).collect();
        assert_eq!(sids, case.deciding, "case {i}: deciding statements");
    }
}

const BUCKET: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shop/*"},
  {"Sid":"Vpce","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::shop/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}},
  {"Sid":"Tls","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::shop","arn:aws:s3:::shop/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}
]}"#;

#[test]
fn resource_policy_and_cross_account() {
    let bucket = policy(BUCKET, PolicyKind::Resource);
    let partner_identity = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Id","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
        PolicyKind::Identity,
    );
    let mut tls = RequestContext::new();
    tls.insert("aws:SecureTransport", "true");
    let mut plain = RequestContext::new();
    plain.insert("aws:SecureTransport", "false");
    let partner = "arn:aws:iam::222222222222:role/reader";
    let req = |ctx, principal| Request {
        action: "s3:GetObject",
        resource: "arn:aws:s3:::shop/k",
        principal: Some(principal),
        context: ctx,
    };
    // Cross-account: both the identity and the resource policy must allow.
    let both = PolicySet {
        identity: vec![Named {
            name: "id",
            policy: &partner_identity,
        }],
        resource: vec![Named {
            name: "bucket",
            policy: &bucket,
        }],
        cross_account: true,
        ..Default::default()
    };
    let r = evaluate(&both, &req(&tls, partner));
    assert_eq!(r.decision, Decision::Allow, "{}", r.reason);
    assert_eq!(
        r.deciding
            .iter()
            .filter_map(|d| d.sid.as_deref())
            .collect::<Vec<_>>(),
        vec!["Id", "Partner"]
    );
    let only_resource = PolicySet {
        resource: vec![Named {
            name: "bucket",
            policy: &bucket,
        }],
        cross_account: true,
        ..Default::default()
    };
    assert_eq!(
        evaluate(&only_resource, &req(&tls, partner)).decision,
        Decision::ImplicitDeny
    );
    assert_eq!(
        evaluate(&both, &req(&plain, partner)).decision,
        Decision::ExplicitDeny
    );
    // Another account is not the partner.
    assert_eq!(
        evaluate(&both, &req(&tls, "arn:aws:iam::333333333333:role/x")).decision,
        Decision::ImplicitDeny
    );
    // Same account: the resource policy alone suffices, for the VPC endpoint only.
    let mut vpce = tls.clone();
    vpce.insert("aws:SourceVpce", "vpce-1");
    let local = "arn:aws:iam::111111111111:role/app";
    let r = evaluate(&only_resource.clone_same_account(), &req(&vpce, local));
    assert_eq!(r.decision, Decision::Allow, "{}", r.reason);
    assert_eq!(
        evaluate(&only_resource.clone_same_account(), &req(&tls, local)).decision,
        Decision::ImplicitDeny
    );
}

trait SameAccount {
    fn clone_same_account(&self) -> Self;
}

impl SameAccount for PolicySet<'_> {
    fn clone_same_account(&self) -> Self {
        PolicySet {
            cross_account: false,
            ..self.clone()
        }
    }
}

#[test]
fn boundaries_scps_and_sessions_limit() {
    let allow_all = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        PolicyKind::Identity,
    );
    let s3_only = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"S3","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        PolicyKind::Boundary,
    );
    let deny_iam = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Full","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoIam","Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
        PolicyKind::Scp,
    );
    let ctx = RequestContext::new();
    let req = |action| Request {
        action,
        resource: "*",
        principal: None,
        context: &ctx,
    };
    let set = PolicySet {
        identity: vec![Named {
            name: "admin",
            policy: &allow_all,
        }],
        boundary: Some(vec![Named {
            name: "boundary",
            policy: &s3_only,
        }]),
        scps: vec![vec![Named {
            name: "scp",
            policy: &deny_iam,
        }]],
        ..Default::default()
    };
    assert_eq!(
        evaluate(&set, &req("s3:ListAllMyBuckets")).decision,
        Decision::Allow
    );
    assert_eq!(
        evaluate(&set, &req("ec2:DescribeInstances")).decision,
        Decision::ImplicitDeny
    );
    let r = evaluate(&set, &req("iam:CreateUser"));
    assert_eq!(r.decision, Decision::ExplicitDeny);
    assert_eq!(r.deciding[0].sid.as_deref(), Some("NoIam"));
    let session = PolicySet {
        session: Some(vec![Named {
            name: "session",
            policy: &s3_only,
        }]),
        ..set.clone()
    };
    assert_eq!(
        evaluate(&session, &req("s3:ListAllMyBuckets")).decision,
        Decision::Allow
    );
    let empty_scp = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Ec2","Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#,
        PolicyKind::Scp,
    );
    let scp_level = PolicySet {
        scps: vec![vec![Named {
            name: "scp",
            policy: &empty_scp,
        }]],
        boundary: None,
        ..set
    };
    assert_eq!(
        evaluate(&scp_level, &req("s3:ListAllMyBuckets")).decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn trust_policy_principals() {
    let trust = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Ec2","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},
        {"Sid":"Deployer","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/deployer"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-1"}}}]}"#,
        PolicyKind::Trust,
    );
    let mut ext = RequestContext::new();
    ext.insert("sts:ExternalId", "x-1");
    let none = RequestContext::new();
    let r = |p, ctx| {
        evaluate_policy(
            "trust",
            &trust,
            &Request {
                action: "sts:AssumeRole",
                resource: "arn:aws:iam::1:role/r",
                principal: Some(p),
                context: ctx,
            },
        )
        .decision
    };
    assert_eq!(r("ec2.amazonaws.com", &none), Decision::Allow);
    assert_eq!(r("lambda.amazonaws.com", &none), Decision::ImplicitDeny);
    assert_eq!(
        r("arn:aws:iam::111111111111:role/deployer", &ext),
        Decision::Allow
    );
    assert_eq!(
        r(
            "arn:aws:sts::111111111111:assumed-role/deployer/session",
            &ext
        ),
        Decision::Allow
    );
    assert_eq!(
        r("arn:aws:iam::111111111111:role/deployer", &none),
        Decision::ImplicitDeny
    );
}
