//! An account where every read is denied: the collector records a gap per data set, and the scan
//! reports `not_assessed`, never a pass.
//!
//! A small fake AWS endpoint on 127.0.0.1 answers `sts:GetCallerIdentity` and
//! `ec2:DescribeRegions` (us-east-1 enabled, ap-east-1 not opted in) and denies everything else in
//! each protocol's own error format (query XML, EC2 XML, JSON, REST-XML for S3, REST-JSON).
//! Builds the `rampart` binary it runs (see `tests/common`).

use std::net::TcpStream;
use std::process::Command;
use std::sync::Arc;

use serde_json::Value;

mod common;
use common::rampart_bin;
#[path = "common/fake_http.rs"]
mod fake_http;
use fake_http::{Request, respond};

fn handle(req: &Request, stream: &mut TcpStream) {
    let form = format!(
        "{}&{}",
        req.body,
        req.path.split_once('?').map(|(_, q)| q).unwrap_or_default()
    );
    let action = form
        .split('&')
        .find_map(|p| p.strip_prefix("Action="))
        .unwrap_or_default()
        .to_owned();
    let xml = [("Content-Type", "text/xml")];
    match action.as_str() {
        "GetCallerIdentity" => respond(
            stream,
            200,
            &xml,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
             <Arn>arn:aws:iam::111122223333:user/auditor</Arn><UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account>\
             </GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
        ),
        "DescribeRegions" => respond(
            stream,
            200,
            &xml,
            "<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>1</requestId><regionInfo>\
             <item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint>\
             <optInStatus>opt-in-not-required</optInStatus></item>\
             <item><regionName>ap-east-1</regionName><regionEndpoint>ec2.ap-east-1.amazonaws.com</regionEndpoint>\
             <optInStatus>not-opted-in</optInStatus></item></regionInfo></DescribeRegionsResponse>",
        ),
        "" => {
            if req.header("X-Amz-Target").is_some()
                || req.path.starts_with("/20")
                || req.path.contains("backup")
            {
                // awsJson / restJson.
                respond(
                    stream,
                    403,
                    &[
                        ("Content-Type", "application/x-amz-json-1.1"),
                        ("x-amzn-ErrorType", "AccessDeniedException"),
                    ],
                    "{\"__type\":\"AccessDeniedException\",\"message\":\"denied by the test endpoint\"}",
                );
            } else if req.path.contains("/operation/") {
                // RPCv2 CBOR: the error type travels in a header too.
                respond(
                    stream,
                    403,
                    &[("x-amzn-ErrorType", "AccessDeniedException")],
                    "",
                );
            } else {
                // S3 (REST-XML).
                respond(
                    stream,
                    403,
                    &xml,
                    "<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>1</RequestId></Error>",
                );
            }
        }
        _ if form.contains("Version=2016-11-15") => respond(
            stream,
            403,
            &xml,
            "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this \
             operation.</Message></Error></Errors><RequestID>1</RequestID></Response>",
        ),
        _ => respond(
            stream,
            403,
            &xml,
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>denied by the test endpoint\
             </Message></Error><RequestId>1</RequestId></ErrorResponse>",
        ),
    }
    let _ = req.method.len();
}

fn serve() -> u16 {
    fake_http::serve(Arc::new(handle))
}

#[test]
fn denied_reads_are_gaps_and_nothing_passes() {
    let port = serve();
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("report.json");
    let out = Command::new(rampart_bin())
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/rampart-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rampart-test-credentials",
        )
        .args([
            "scan",
            "aws",
            "--endpoint-url",
            &format!("http://127.0.0.1:{port}"),
        ])
        .args([
            "--regions",
            "us-east-1,ap-east-1",
            "--max-rps",
            "0",
            "--max-attempts",
            "1",
        ])
        .args(["--format", "json", "--include-passed", "-o"])
        .arg(&report)
        .output()
        .expect("run rampart");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "rampart failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("json");
    let gaps = report["gaps"].as_array().expect("gaps");
    let denied = |data: &str| {
        gaps.iter().any(|g| {
            g["data"].as_str().is_some_and(|d| d.starts_with(data))
                && g["reason"]
                    .as_str()
                    .is_some_and(|r| r.starts_with("access denied"))
                && g["account"] == "111122223333"
        })
    };
    for data in [
        "iam.users",
        "iam.password_policy",
        "s3.bucket",
        "ec2.security_groups",
        "kms.keys",
        "cloudtrail",
        "rds",
        "lambda",
        "organizations.policies",
        "organizations.tag_policy",
    ] {
        assert!(denied(data), "{data}: an access-denied gap: {gaps:#?}");
    }
    assert!(
        gaps.iter().any(|g| g["region"] == "ap-east-1"
            && g["code"] == "RegionDisabled"
            && g["data"] == "ec2"),
        "a region that is not opted in is a gap"
    );
    let findings = report["findings"].as_array().expect("findings");
    let passes: Vec<&str> = findings
        .iter()
        .filter(|f| f["status"] == "pass")
        .filter_map(|f| f["check"].as_str())
        .collect();
    assert!(
        passes.is_empty(),
        "nothing was readable, yet these checks passed: {passes:?}"
    );
    let not_assessed = findings
        .iter()
        .filter(|f| f["status"] == "not_assessed")
        .count();
    assert!(
        not_assessed >= 20,
        "checks say not_assessed ({not_assessed})"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["check"] == "IAM-001" && f["status"] == "not_assessed"),
        "IAM-001 cannot judge users it could not list"
    );
}
