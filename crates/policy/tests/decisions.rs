//! A table of requests, one or more per rule of AWS's decision, written from the documentation
//! with the expected decision, the policy types that blocked it and the deciding statements.
//! Sources (IAM User Guide unless noted): "Policy evaluation logic" and "How AWS enforcement
//! code logic evaluates requests" (deny first; RCPs, SCPs; resource vs identity policies within
//! one account; root user), "Cross-account policy evaluation logic" (both sides must allow),
//! "Permissions boundaries for IAM entities" (which resource-policy grants a boundary does not
//! limit; Deny with NotPrincipal and boundaries), "Session policies", "AWS JSON policy
//! elements: Principal / NotPrincipal" (an account principal delegates to the account), AWS KMS
//! "Key policies" (the key policy must allow), "IAM roles: trust policies", AWS Organizations
//! "Service control policies" and "Resource control policies" (not the management account,
//! not service-linked roles), "Condition operators" (missing keys), "Service-linked roles".

use rampart_policy::batch::{Cache, answer, decide};
use serde_json::{Value, json};

const A: &str = "111111111111";
const B: &str = "222222222222";
const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
const BOB: &str = "arn:aws:iam::111111111111:user/bob";
const ROLE: &str = "arn:aws:iam::111111111111:role/app";
const SESSION: &str = "arn:aws:sts::111111111111:assumed-role/app/s1";
const PARTNER: &str = "arn:aws:iam::222222222222:user/carol";
const OBJ: &str = "arn:aws:s3:::shop/k";
const KEY: &str = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TARGET_ROLE: &str = "arn:aws:iam::111111111111:role/target";

fn stmt(sid: &str, effect: &str, action: &str, resource: &str) -> Value {
    json!({"Sid": sid, "Effect": effect, "Action": action, "Resource": resource})
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn allow(sid: &str, action: &str, resource: &str) -> Value {
    doc(vec![stmt(sid, "Allow", action, resource)])
}

fn grant(sid: &str, principal: Value, action: &str, resource: &str) -> Value {
    let mut s = stmt(sid, "Allow", action, resource);
    if !principal.is_null() {
        s["Principal"] = principal;
    }
    doc(vec![s])
}

fn run(name: &str, req: Value, decision: &str, blocked: &[&str], deciding: &[&str]) {
    let mut cache = Cache::new();
    let r = decide(&req, &mut cache);
    let out = answer(&json!(name), &r);
    assert_eq!(out["decision"], json!(decision), "{name}: {out:#}");
    assert_eq!(out["blocked_by"], json!(blocked), "{name}: {out:#}");
    let sids: Vec<&str> = out["deciding"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["sid"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(sids, deciding, "{name}: {out:#}");
}

fn get(principal: &str) -> Value {
    json!({"principal": principal, "action": "s3:GetObject", "resource": OBJ, "resource_account": A})
}

fn with(mut req: Value, key: &str, v: Value) -> Value {
    req[key] = v;
    req
}

#[test]
fn single_account_identity_and_resource_policies() {
    let id = json!([allow("IdGet", "s3:GetObject", "arn:aws:s3:::shop/*")]);
    run(
        "evaluation-logic: an identity Allow suffices within the account",
        with(get(ALICE), "identity", id.clone()),
        "allow",
        &[],
        &["IdGet"],
    );
    run(
        "evaluation-logic: default deny",
        get(ALICE),
        "implicit_deny",
        &["identity"],
        &[],
    );
    run(
        "principal-element: an account principal delegates, it grants nothing by itself",
        with(
            get(ALICE),
            "resource_policy",
            grant(
                "Acct",
                json!({"AWS": A}),
                "s3:GetObject",
                "arn:aws:s3:::shop/*",
            ),
        ),
        "implicit_deny",
        &["identity", "resource"],
        &[],
    );
    run(
        "principal-element: the root ARN form delegates too",
        with(
            get(ALICE),
            "resource_policy",
            grant(
                "Root",
                json!({"AWS": format!("arn:aws:iam::{A}:root")}),
                "s3:GetObject",
                "arn:aws:s3:::shop/*",
            ),
        ),
        "implicit_deny",
        &["identity", "resource"],
        &[],
    );
    run(
        "principal-element: delegation plus an identity Allow",
        with(
            with(get(ALICE), "identity", id.clone()),
            "resource_policy",
            grant(
                "Acct",
                json!({"AWS": A}),
                "s3:GetObject",
                "arn:aws:s3:::shop/*",
            ),
        ),
        "allow",
        &[],
        &["IdGet", "Acct"],
    );
    run(
        "evaluation-logic: a resource grant to the user allows without an identity policy",
        with(
            get(ALICE),
            "resource_policy",
            grant(
                "Alice",
                json!({"AWS": ALICE}),
                "s3:GetObject",
                "arn:aws:s3:::shop/*",
            ),
        ),
        "allow",
        &[],
        &["Alice"],
    );
    run(
        "principal-element: another user is not named",
        with(
            get(BOB),
            "resource_policy",
            grant(
                "Alice",
                json!({"AWS": ALICE}),
                "s3:GetObject",
                "arn:aws:s3:::shop/*",
            ),
        ),
        "implicit_deny",
        &["identity", "resource"],
        &[],
    );
    run(
        "principal-element: a resource statement without Principal applies to no one",
        with(
            get(ALICE),
            "resource_policy",
            grant("Nobody", Value::Null, "s3:GetObject", "arn:aws:s3:::shop/*"),
        ),
        "implicit_deny",
        &["identity", "resource"],
        &[],
    );
    run(
        "evaluation-logic: the root user holds its account's permissions",
        get(&format!("arn:aws:iam::{A}:root")),
        "allow",
        &[],
        &[],
    );
}

#[test]
fn cross_account_needs_both_sides() {
    let id = json!([allow("IdGet", "s3:GetObject", "arn:aws:s3:::shop/*")]);
    let partner = grant(
        "PartnerRoot",
        json!({"AWS": format!("arn:aws:iam::{B}:root")}),
        "s3:GetObject",
        "arn:aws:s3:::shop/*",
    );
    run(
        "cross-account: identity and resource policy allow",
        with(
            with(get(PARTNER), "identity", id.clone()),
            "resource_policy",
            partner.clone(),
        ),
        "allow",
        &[],
        &["IdGet", "PartnerRoot"],
    );
    run(
        "cross-account: the resource policy alone is not enough",
        with(get(PARTNER), "resource_policy", partner.clone()),
        "implicit_deny",
        &["identity"],
        &[],
    );
    run(
        "cross-account: the identity policy alone is not enough",
        with(get(PARTNER), "identity", id.clone()),
        "implicit_deny",
        &["resource"],
        &[],
    );
    run(
        "cross-account: a grant to the user still needs its identity policy",
        with(
            get(PARTNER),
            "resource_policy",
            grant("Carol", json!({"AWS": PARTNER}), "s3:GetObject", "*"),
        ),
        "implicit_deny",
        &["identity"],
        &[],
    );
    run(
        "cross-account: the other account's root user needs only the resource policy",
        with(
            get(&format!("arn:aws:iam::{B}:root")),
            "resource_policy",
            partner.clone(),
        ),
        "allow",
        &[],
        &["PartnerRoot"],
    );
    run(
        "cross-account: the account comes from resource_account, a third account is not the partner",
        with(
            with(
                get("arn:aws:iam::333333333333:user/eve"),
                "identity",
                id.clone(),
            ),
            "resource_policy",
            partner,
        ),
        "implicit_deny",
        &["resource"],
        &[],
    );
}

#[test]
fn boundaries_and_session_policies() {
    let id = json!([allow("IdGet", "s3:GetObject", "arn:aws:s3:::shop/*")]);
    let ec2_only = json!([allow("Ec2", "ec2:*", "*")]);
    run(
        "boundaries: the boundary must allow what the identity policy allows",
        with(
            with(get(ALICE), "identity", id.clone()),
            "boundary",
            ec2_only.clone(),
        ),
        "implicit_deny",
        &["boundary"],
        &[],
    );
    run(
        "boundaries: a resource grant to the user ARN is not limited by the boundary",
        with(
            with(get(ALICE), "boundary", ec2_only.clone()),
            "resource_policy",
            grant("Alice", json!({"AWS": ALICE}), "s3:GetObject", "*"),
        ),
        "allow",
        &[],
        &["Alice"],
    );
    run(
        "boundaries: a resource grant to the role ARN is limited by the session's boundary",
        with(
            with(get(SESSION), "boundary", ec2_only.clone()),
            "resource_policy",
            grant("App", json!({"AWS": ROLE}), "s3:GetObject", "*"),
        ),
        "implicit_deny",
        &["boundary"],
        &[],
    );
    run(
        "boundaries: a resource grant to the role ARN allows within the boundary",
        with(
            get(SESSION),
            "resource_policy",
            grant("App", json!({"AWS": ROLE}), "s3:GetObject", "*"),
        ),
        "allow",
        &[],
        &["App"],
    );
    run(
        "boundaries: a resource grant to the session ARN is not limited",
        with(
            with(get(SESSION), "boundary", ec2_only.clone()),
            "resource_policy",
            grant("S1", json!({"AWS": SESSION}), "s3:GetObject", "*"),
        ),
        "allow",
        &[],
        &["S1"],
    );
    run(
        "session-policies: the session policy must allow the identity grant",
        with(
            with(get(SESSION), "identity", id.clone()),
            "session",
            allow("Ec2", "ec2:*", "*"),
        ),
        "implicit_deny",
        &["session"],
        &[],
    );
    run(
        "session-policies: a resource grant to the role ARN is limited by the session policy",
        with(
            with(get(SESSION), "session", allow("Ec2", "ec2:*", "*")),
            "resource_policy",
            grant("App", json!({"AWS": ROLE}), "s3:GetObject", "*"),
        ),
        "implicit_deny",
        &["session"],
        &[],
    );
    run(
        "session-policies: a resource grant to the session ARN is not limited",
        with(
            with(get(SESSION), "session", allow("Ec2", "ec2:*", "*")),
            "resource_policy",
            grant("S1", json!({"AWS": SESSION}), "s3:GetObject", "*"),
        ),
        "allow",
        &[],
        &["S1"],
    );
    run(
        "session-policies: within the session policy",
        with(
            with(get(SESSION), "identity", id),
            "session",
            allow("S3", "s3:*", "*"),
        ),
        "allow",
        &[],
        &["IdGet"],
    );
}

#[test]
fn organizations_scps_rcps_and_endpoints() {
    let id = json!([allow("IdGet", "s3:GetObject", "*")]);
    let base = with(get(ALICE), "identity", id.clone());
    let full = allow("Full", "*", "*");
    run(
        "scp: every level from the root down must allow",
        with(
            base.clone(),
            "scps",
            json!([[full.clone()], [allow("Ec2", "ec2:*", "*")]]),
        ),
        "implicit_deny",
        &["scp"],
        &[],
    );
    run(
        "scp: allowed by every level",
        with(
            base.clone(),
            "scps",
            json!([[full.clone()], [allow("S3", "s3:*", "*")]]),
        ),
        "allow",
        &[],
        &["IdGet"],
    );
    run(
        "scp: an SCP Deny is an explicit deny",
        with(
            base.clone(),
            "scps",
            json!([[doc(vec![
                stmt("Full", "Allow", "*", "*"),
                stmt("NoS3", "Deny", "s3:*", "*")
            ])]]),
        ),
        "explicit_deny",
        &["scp"],
        &["NoS3"],
    );
    run(
        "scp: not in the management account",
        with(
            with(base.clone(), "scps", json!([[allow("Ec2", "ec2:*", "*")]])),
            "management_account",
            json!(A),
        ),
        "allow",
        &[],
        &["IdGet"],
    );
    let slr = "arn:aws:sts::111111111111:assumed-role/AWSServiceRoleForSupport/s";
    run(
        "scp: not on service-linked roles",
        with(
            with(get(slr), "identity", id.clone()),
            "scps",
            json!([[allow("Ec2", "ec2:*", "*")]]),
        ),
        "allow",
        &[],
        &["IdGet"],
    );
    let rcp_full = grant("RcpFull", json!("*"), "*", "*");
    run(
        "rcp: a level that does not allow blocks",
        with(
            base.clone(),
            "rcps",
            json!([
                [rcp_full.clone()],
                [grant("OnlySqs", json!("*"), "sqs:*", "*")]
            ]),
        ),
        "implicit_deny",
        &["rcp"],
        &[],
    );
    let mut rcp_deny = grant("OrgOnly", json!("*"), "s3:*", "*");
    rcp_deny["Statement"][0]["Effect"] = json!("Deny");
    rcp_deny["Statement"][0]["Condition"] =
        json!({"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-123"}});
    run(
        "rcp: an RCP Deny applies to callers outside the organization",
        with(
            base.clone(),
            "rcps",
            json!([[rcp_full.clone(), rcp_deny.clone()]]),
        ),
        "explicit_deny",
        &["rcp"],
        &["OrgOnly"],
    );
    run(
        "rcp: callers inside the organization pass",
        with(
            with(base.clone(), "rcps", json!([[rcp_full, rcp_deny.clone()]])),
            "context",
            json!({"aws:PrincipalOrgID": "o-123"}),
        ),
        "allow",
        &[],
        &["IdGet"],
    );
    run(
        "rcp: not on the management account's resources",
        with(
            with(base.clone(), "rcps", json!([[rcp_deny]])),
            "management_account",
            json!(A),
        ),
        "allow",
        &[],
        &["IdGet"],
    );
    run(
        "vpc-endpoint: the endpoint policy must allow",
        with(
            base.clone(),
            "endpoint",
            grant(
                "OnlyOther",
                json!("*"),
                "s3:GetObject",
                "arn:aws:s3:::other/*",
            ),
        ),
        "implicit_deny",
        &["endpoint"],
        &[],
    );
    run(
        "vpc-endpoint: within the endpoint policy",
        with(
            base.clone(),
            "endpoint",
            grant("Shop", json!("*"), "s3:GetObject", "arn:aws:s3:::shop/*"),
        ),
        "allow",
        &[],
        &["IdGet"],
    );
    let mut ep_deny = grant("NoGet", json!("*"), "s3:GetObject", "*");
    ep_deny["Statement"][0]["Effect"] = json!("Deny");
    run(
        "vpc-endpoint: a Deny in the endpoint policy",
        with(base, "endpoint", ep_deny),
        "explicit_deny",
        &["endpoint"],
        &["NoGet"],
    );
}

/// AWS Organizations User Guide, "Resource control policies (RCPs)", "List of AWS services that
/// support RCPs": an RCP applies to requests to those services only (S3, STS, KMS, SQS, Secrets
/// Manager, ECR, OpenSearch Serverless, Cognito, CloudWatch Logs, DynamoDB); a request to any
/// other service is not limited by it, Deny or not.
#[test]
fn rcps_apply_only_to_the_services_that_support_them() {
    let mut deny_all = grant("DenyAll", json!("*"), "*", "*");
    deny_all["Statement"][0]["Effect"] = json!("Deny");
    let only_sqs = grant("OnlySqs", json!("*"), "sqs:*", "*");
    let identity = json!([allow("IdAll", "*", "*")]);
    let call = |action: &str, resource: &str| {
        json!({"principal": ALICE, "action": action, "resource": resource,
               "resource_account": A, "identity": identity})
    };
    for (action, resource) in [
        ("s3:GetObject", OBJ),
        ("kms:Decrypt", KEY),
        (
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:eu-west-1:111111111111:secret:s",
        ),
        (
            "dynamodb:GetItem",
            "arn:aws:dynamodb:eu-west-1:111111111111:table/t",
        ),
        (
            "logs:PutLogEvents",
            "arn:aws:logs:eu-west-1:111111111111:log-group:g",
        ),
        (
            "ecr:BatchGetImage",
            "arn:aws:ecr:eu-west-1:111111111111:repository/r",
        ),
    ] {
        run(
            &format!("rcp: a Deny applies to {action}"),
            with(call(action, resource), "rcps", json!([[deny_all.clone()]])),
            "explicit_deny",
            &["rcp"],
            &["DenyAll"],
        );
        run(
            &format!("rcp: a level that does not allow {action} blocks it"),
            with(call(action, resource), "rcps", json!([[only_sqs.clone()]])),
            "implicit_deny",
            &["rcp"],
            &[],
        );
    }
    for (action, resource) in [
        ("ec2:DescribeInstances", "*"),
        (
            "lambda:InvokeFunction",
            "arn:aws:lambda:eu-west-1:111111111111:function:f",
        ),
        ("sns:Publish", "arn:aws:sns:eu-west-1:111111111111:topic"),
        ("iam:ListUsers", "*"),
    ] {
        run(
            &format!("rcp: a Deny does not apply to {action}"),
            with(call(action, resource), "rcps", json!([[deny_all.clone()]])),
            "allow",
            &[],
            &["IdAll"],
        );
        run(
            &format!("rcp: a level that allows nothing does not block {action}"),
            with(call(action, resource), "rcps", json!([[only_sqs.clone()]])),
            "allow",
            &[],
            &["IdAll"],
        );
    }
}

#[test]
fn key_and_trust_policies_must_allow() {
    let decrypt = |p: &str| json!({"principal": p, "action": "kms:Decrypt", "resource": KEY});
    let id = json!([allow("IdKms", "kms:Decrypt", "*")]);
    let delegate = grant(
        "EnableIam",
        json!({"AWS": format!("arn:aws:iam::{A}:root")}),
        "kms:*",
        "*",
    );
    run(
        "kms key-policies: delegating to the account lets identity policies allow",
        with(
            with(decrypt(ALICE), "identity", id.clone()),
            "resource_policy",
            delegate.clone(),
        ),
        "allow",
        &[],
        &["IdKms", "EnableIam"],
    );
    run(
        "kms key-policies: delegation without an identity Allow",
        with(decrypt(ALICE), "resource_policy", delegate),
        "implicit_deny",
        &["identity"],
        &[],
    );
    run(
        "kms key-policies: an identity Allow is useless when the key policy does not allow",
        with(
            with(decrypt(ALICE), "identity", id.clone()),
            "resource_policy",
            grant("Bob", json!({"AWS": BOB}), "kms:*", "*"),
        ),
        "implicit_deny",
        &["resource"],
        &[],
    );
    run(
        "kms key-policies: the key policy alone allows a named user",
        with(
            decrypt(ALICE),
            "resource_policy",
            grant("Alice", json!({"AWS": ALICE}), "kms:Decrypt", "*"),
        ),
        "allow",
        &[],
        &["Alice"],
    );
    let assume =
        |p: &str| json!({"principal": p, "action": "sts:AssumeRole", "resource": TARGET_ROLE});
    let trust = |sid: &str, who: Value| {
        doc(vec![
            json!({"Sid": sid, "Effect": "Allow", "Principal": who, "Action": "sts:AssumeRole"}),
        ])
    };
    let id_assume = json!([allow("IdAssume", "sts:AssumeRole", TARGET_ROLE)]);
    run(
        "role trust: a trust policy naming the account needs the caller's identity Allow",
        with(
            assume(ALICE),
            "resource_policy",
            trust("Acct", json!({"AWS": A})),
        ),
        "implicit_deny",
        &["identity"],
        &[],
    );
    run(
        "role trust: trust naming the account plus identity Allow",
        with(
            with(assume(ALICE), "identity", id_assume.clone()),
            "resource_policy",
            trust("Acct", json!({"AWS": A})),
        ),
        "allow",
        &[],
        &["IdAssume", "Acct"],
    );
    run(
        "role trust: trust naming the user allows within the account",
        with(
            assume(ALICE),
            "resource_policy",
            trust("Alice", json!({"AWS": ALICE})),
        ),
        "allow",
        &[],
        &["Alice"],
    );
    run(
        "role trust: an identity Allow without the trust policy's",
        with(
            with(assume(ALICE), "identity", id_assume.clone()),
            "resource_policy",
            trust("Svc", json!({"Service": "ec2.amazonaws.com"})),
        ),
        "implicit_deny",
        &["resource"],
        &[],
    );
    run(
        "role trust: cross-account assumption needs both",
        with(
            with(
                assume(PARTNER),
                "identity",
                json!([allow("IdAssume", "sts:AssumeRole", "*")]),
            ),
            "resource_policy",
            trust("Partner", json!({"AWS": B})),
        ),
        "allow",
        &[],
        &["IdAssume", "Partner"],
    );
    run(
        "role trust: a service principal",
        with(
            assume("ec2.amazonaws.com"),
            "resource_policy",
            trust("Svc", json!({"Service": "ec2.amazonaws.com"})),
        ),
        "allow",
        &[],
        &["Svc"],
    );
}

#[test]
fn principals_services_anonymous_and_not_principal() {
    let put = |p: Value| json!({"principal": p, "action": "s3:PutObject", "resource": OBJ, "resource_account": A});
    let trail = grant(
        "Trail",
        json!({"Service": "cloudtrail.amazonaws.com"}),
        "s3:PutObject",
        "arn:aws:s3:::shop/*",
    );
    run(
        "principal-element: a service principal",
        with(
            put(json!("cloudtrail.amazonaws.com")),
            "resource_policy",
            trail.clone(),
        ),
        "allow",
        &[],
        &["Trail"],
    );
    run(
        "principal-element: another service",
        with(put(json!("config.amazonaws.com")), "resource_policy", trail),
        "implicit_deny",
        &["resource"],
        &[],
    );
    run(
        "principal-element: anonymous requests are allowed by \"*\" only",
        with(
            put(Value::Null),
            "resource_policy",
            grant("Public", json!("*"), "s3:PutObject", "*"),
        ),
        "allow",
        &[],
        &["Public"],
    );
    run(
        "principal-element: an account principal does not name anonymous callers",
        with(
            with(
                put(Value::Null),
                "resource_policy",
                grant("Acct", json!({"AWS": A}), "s3:PutObject", "*"),
            ),
            "identity",
            json!([allow("Id", "*", "*")]),
        ),
        "implicit_deny",
        &["resource"],
        &[],
    );
    let mut only_alice = grant("OnlyAlice", json!(null), "s3:*", "*");
    only_alice["Statement"][0]["Effect"] = json!("Deny");
    only_alice["Statement"][0]["NotPrincipal"] =
        json!({"AWS": [ALICE, format!("arn:aws:iam::{A}:root")]});
    let id = json!([allow("Id", "s3:*", "*")]);
    run(
        "not-principal: the listed user (and its account) is excluded from the Deny",
        with(
            with(put(json!(ALICE)), "identity", id.clone()),
            "resource_policy",
            only_alice.clone(),
        ),
        "allow",
        &[],
        &["Id"],
    );
    run(
        "not-principal: everyone else is denied",
        with(
            with(put(json!(BOB)), "identity", id.clone()),
            "resource_policy",
            only_alice.clone(),
        ),
        "explicit_deny",
        &["resource"],
        &["OnlyAlice"],
    );
    run(
        "boundaries: a Deny with NotPrincipal always denies a principal with a boundary",
        with(
            with(
                with(put(json!(ALICE)), "identity", id.clone()),
                "resource_policy",
                only_alice,
            ),
            "boundary",
            json!([allow("All", "*", "*")]),
        ),
        "explicit_deny",
        &["resource"],
        &["OnlyAlice"],
    );
}

#[test]
fn service_facts() {
    let admin = json!([allow("Admin", "*", "*")]);
    let req = |action: &str, resource: &str| json!({"principal": ALICE, "action": action, "resource": resource, "identity": admin});
    for (action, resource) in [
        (
            "iam:CreatePolicyVersion",
            "arn:aws:iam::aws:policy/AdministratorAccess",
        ),
        (
            "iam:SetDefaultPolicyVersion",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        ),
        (
            "iam:DeletePolicy",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
        ),
        (
            "iam:PassRole",
            "arn:aws:iam::111111111111:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport",
        ),
        (
            "iam:AttachRolePolicy",
            "arn:aws:iam::111111111111:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX",
        ),
        (
            "iam:PutRolePolicy",
            "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1",
        ),
        (
            "iam:PassRole",
            "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1",
        ),
        (
            "kms:CreateAlias",
            "arn:aws:kms:eu-west-1:111111111111:alias/aws/s3",
        ),
        (
            "kms:DeleteAlias",
            "arn:aws:kms:eu-west-1:111111111111:alias/aws/ebs",
        ),
    ] {
        run(
            &format!("service fact: {action} on {resource}"),
            req(action, resource),
            "implicit_deny",
            &["service"],
            &[],
        );
    }
    run(
        "a customer managed policy can be versioned",
        req(
            "iam:CreatePolicyVersion",
            "arn:aws:iam::111111111111:policy/app",
        ),
        "allow",
        &[],
        &["Admin"],
    );
    run(
        "a customer alias can be created",
        req(
            "kms:CreateAlias",
            "arn:aws:kms:eu-west-1:111111111111:alias/app",
        ),
        "allow",
        &[],
        &["Admin"],
    );
    let deny_all = json!({"principal": ALICE, "action": "sts:GetCallerIdentity", "resource": "*",
        "identity": [doc(vec![stmt("NoAll", "Deny", "*", "*")])]});
    run(
        "sts:GetCallerIdentity needs no permission and cannot be denied",
        deny_all,
        "allow",
        &[],
        &[],
    );
}

#[test]
fn missing_context_keys_follow_each_operator() {
    let cond = |op: &str, key: &str, v: Value| {
        let mut s = stmt("C", "Allow", "s3:GetObject", "*");
        s["Condition"] = json!({op: {key: v}});
        json!([doc(vec![s])])
    };
    let cases: &[(&str, Value, &str)] = &[
        ("StringEquals", json!("x"), "implicit_deny"),
        ("StringEqualsIfExists", json!("x"), "allow"),
        ("StringNotEquals", json!("x"), "allow"),
        ("Null", json!("true"), "allow"),
        ("Null", json!("false"), "implicit_deny"),
        ("ForAllValues:StringEquals", json!(["x"]), "allow"),
        ("ForAnyValue:StringEquals", json!(["x"]), "implicit_deny"),
        ("NumericLessThan", json!("3"), "implicit_deny"),
        ("NumericLessThanIfExists", json!("3"), "allow"),
        ("Bool", json!("true"), "implicit_deny"),
        ("BoolIfExists", json!("true"), "allow"),
        (
            "DateGreaterThan",
            json!("2020-01-01T00:00:00Z"),
            "implicit_deny",
        ),
        ("IpAddress", json!("10.0.0.0/8"), "implicit_deny"),
        ("ArnLike", json!("arn:aws:iam::*:role/x"), "implicit_deny"),
    ];
    for (op, v, want) in cases {
        let req = with(
            get(ALICE),
            "identity",
            cond(op, "aws:SomeAbsentKey", v.clone()),
        );
        let blocked: &[&str] = if *want == "allow" { &[] } else { &["identity"] };
        let deciding: &[&str] = if *want == "allow" { &["C"] } else { &[] };
        run(
            &format!("condition operators: {op} on an absent key"),
            req,
            want,
            blocked,
            deciding,
        );
    }
    // aws:PrincipalArn and aws:PrincipalAccount come from the caller when not given.
    let req = with(
        get(SESSION),
        "identity",
        cond("ArnEquals", "aws:PrincipalArn", json!(ROLE)),
    );
    run(
        "request context: aws:PrincipalArn of a session is its role",
        req,
        "allow",
        &[],
        &["C"],
    );
}

#[test]
fn unreadable_requests_are_errors_not_decisions() {
    let mut cache = Cache::new();
    for (req, needle) in [
        (json!({"resource": "*"}), "`action` is required"),
        (
            json!({"action": "s3:GetObject", "resource_account": "12"}),
            "12 digits",
        ),
        (
            json!({"action": "s3:GetObject", "identity": [42]}),
            "identity[0]",
        ),
        (
            json!({"action": "s3:GetObject", "identity": ["{not json"]}),
            "identity[0]:",
        ),
        (json!({"action": "s3:GetObject", "scps": {"a": 1}}), "scps"),
        (
            json!({"action": "s3:GetObject", "context": {"k": {"x": 1}}}),
            "context key `k`",
        ),
    ] {
        let r = decide(&req, &mut cache);
        let e = r.expect_err("must be an error");
        assert!(e.contains(needle), "{e} should contain {needle}");
    }
}

/// `policy lint`'s escalation issues are decided by the engine on a target an attacker would
/// pick: a grant only on AWS managed policies, or under a condition that never holds, is none.
#[test]
fn lint_escalation_respects_resources_and_conditions() {
    let lint = |p: Value| {
        let policy = rampart_policy::parse_value(&p, rampart_policy::PolicyKind::Identity)
            .policy
            .expect("policy");
        rampart_policy::audit::escalation(&policy).len()
    };
    assert_eq!(
        lint(allow(
            "V",
            "iam:CreatePolicyVersion",
            "arn:aws:iam::aws:policy/x-*"
        )),
        0
    );
    assert_eq!(lint(allow("V", "iam:CreatePolicyVersion", "*")), 1);
    let mut old = stmt("A", "Allow", "iam:AttachUserPolicy", "*");
    old["Condition"] = json!({"DateLessThan": {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}});
    assert_eq!(lint(doc(vec![old])), 0);
    assert_eq!(
        lint(allow(
            "A",
            "iam:AttachUserPolicy",
            "arn:aws:iam::*:user/${aws:username}"
        )),
        1
    );
    let denied = doc(vec![
        stmt("A", "Allow", "iam:AttachUserPolicy", "*"),
        stmt("D", "Deny", "iam:Attach*", "*"),
    ]);
    assert_eq!(lint(denied), 0);
}
