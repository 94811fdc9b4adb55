//! An account where every read is denied: the collector records a gap per data set, and the scan
//! reports `not_assessed`, never a pass.
//!
//! A small fake AWS endpoint on 127.0.0.1 answers `sts:GetCallerIdentity` and
//! `ec2:DescribeRegions` (us-east-1 enabled, ap-east-1 not opted in) and denies everything else in
//! each protocol's own error format (query XML, EC2 XML, JSON, REST-XML for S3, REST-JSON).
//! Builds the `rampart` binary it runs (see `tests/common`).

use std::net::TcpStream;
use std::sync::Arc;

use serde_json::Value;

mod common;
use common::rampart;
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
            } else if req.path.starts_with("/v20180820") {
                // S3 Control (REST-XML, errors wrapped in `ErrorResponse`).
                respond(
                    stream,
                    403,
                    &xml,
                    "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>\
                     <RequestId>1</RequestId></ErrorResponse>",
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
    let out = rampart()
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
        "s3control.access_points",
        "stores.at_rest",
        "autoscaling.groups",
    ] {
        assert!(denied(data), "{data}: an access-denied gap: {gaps:#?}");
    }
    // Each new reader's listing is a gap of its own, in its protocol (query for Auto Scaling
    // and ElastiCache, REST-JSON for EFS and OpenSearch).
    for (data, op) in [
        (
            "autoscaling.groups",
            "autoscaling:DescribeAutoScalingGroups",
        ),
        ("ec2.instances", "autoscaling:DescribeLaunchConfigurations"),
        ("ec2.volumes", "autoscaling:DescribeLaunchConfigurations"),
        ("stores.at_rest", "elasticfilesystem:DescribeFileSystems"),
        ("stores.at_rest", "elasticache:DescribeReplicationGroups"),
        ("stores.at_rest", "elasticache:DescribeCacheClusters"),
        ("stores.at_rest", "es:ListDomainNames"),
    ] {
        assert!(
            gaps.iter().any(|g| g["data"] == data
                && g["operation"] == op
                && g["region"] == "us-east-1"
                && g["reason"]
                    .as_str()
                    .is_some_and(|r| r.starts_with("access denied"))),
            "{op}: an access-denied gap on {data}"
        );
    }
    assert!(
        gaps.iter().any(|g| g["region"] == "ap-east-1"
            && g["code"] == "RegionDisabled"
            && g["data"] == "stores.at_rest"),
        "the stores of a region that is not opted in are a gap"
    );
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
    assert!(
        findings.iter().any(|f| f["check"] == "STORE-001"
            && f["status"] == "not_assessed"
            && f["resource"] == "111122223333/us-east-1/stores.at_rest"),
        "STORE-001 cannot judge stores it could not list"
    );
}

/// S3 Control's access point reads, answered for three access points of account 111122223333
/// in us-east-1; every other request is denied by [`handle`].
fn handle_access_points(req: &Request, stream: &mut TcpStream) {
    let xml = [("Content-Type", "application/xml")];
    let path = req.path.split('?').next().unwrap_or_default();
    let ap = |name: &str, origin: &str, vpc: &str| {
        format!(
            "<Name>{name}</Name><NetworkOrigin>{origin}</NetworkOrigin>{vpc}<Bucket>shop-assets</Bucket>\
             <AccessPointArn>arn:aws:s3:us-east-1:111122223333:accesspoint/{name}</AccessPointArn>"
        )
    };
    let vpc = "<VpcConfiguration><VpcId>vpc-0a1b2c3d</VpcId></VpcConfiguration>";
    let block = |on: bool| {
        format!(
            "<PublicAccessBlockConfiguration><BlockPublicAcls>{on}</BlockPublicAcls><IgnorePublicAcls>{on}</IgnorePublicAcls>\
             <BlockPublicPolicy>{on}</BlockPublicPolicy><RestrictPublicBuckets>{on}</RestrictPublicBuckets></PublicAccessBlockConfiguration>"
        )
    };
    let error = |code: &str| {
        format!(
            "<ErrorResponse><Error><Code>{code}</Code><Message>{code}</Message></Error><RequestId>1</RequestId></ErrorResponse>"
        )
    };
    match (req.method.as_str(), path) {
        ("GET", "/v20180820/accesspoint") => respond(
            stream,
            200,
            &xml,
            &format!(
                "<ListAccessPointsResult><AccessPointList><AccessPoint>{}</AccessPoint><AccessPoint>{}</AccessPoint>\
                 <AccessPoint>{}</AccessPoint></AccessPointList></ListAccessPointsResult>",
                ap("open-ap", "Internet", ""),
                ap("vpc-ap", "VPC", vpc),
                ap("hidden-ap", "Internet", ""),
            ),
        ),
        ("GET", "/v20180820/accesspoint/open-ap") => respond(
            stream,
            200,
            &xml,
            &format!(
                "<GetAccessPointResult>{}{}</GetAccessPointResult>",
                ap("open-ap", "Internet", ""),
                block(false)
            ),
        ),
        ("GET", "/v20180820/accesspoint/vpc-ap") => respond(
            stream,
            200,
            &xml,
            &format!(
                "<GetAccessPointResult>{}{}</GetAccessPointResult>",
                ap("vpc-ap", "VPC", vpc),
                block(true)
            ),
        ),
        ("GET", "/v20180820/accesspoint/open-ap/policy") => respond(
            stream,
            200,
            &xml,
            "<GetAccessPointPolicyResult><Policy>{&quot;Version&quot;:&quot;2012-10-17&quot;,&quot;Statement&quot;:\
             [{&quot;Effect&quot;:&quot;Allow&quot;,&quot;Principal&quot;:&quot;*&quot;,&quot;Action&quot;:&quot;s3:GetObject&quot;,\
             &quot;Resource&quot;:&quot;arn:aws:s3:us-east-1:111122223333:accesspoint/open-ap/object/*&quot;}]}</Policy>\
             </GetAccessPointPolicyResult>",
        ),
        ("GET", "/v20180820/accesspoint/vpc-ap/policy") => {
            respond(stream, 404, &xml, &error("NoSuchAccessPointPolicy"));
        }
        ("GET", p) if p.starts_with("/v20180820/accesspoint/hidden-ap") => {
            respond(stream, 403, &xml, &error("AccessDenied"));
        }
        _ => handle(req, stream),
    }
}

/// Access points read live: each one's own Block Public Access (from `GetAccessPoint`), its
/// network origin and its policy; "no policy" is an answer, and an access point whose reads are
/// denied is a gap on that access point alone.
#[test]
fn access_points_are_read_with_their_block_public_access_and_policy() {
    let port = fake_http::serve(Arc::new(handle_access_points));
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = dir.path().join("snapshot.json");
    let out = rampart()
        .args(["collect", "aws", "-o"])
        .arg(&snapshot)
        .args(["--endpoint-url", &format!("http://127.0.0.1:{port}")])
        .args([
            "--regions",
            "us-east-1",
            "--max-rps",
            "0",
            "--max-attempts",
            "1",
        ])
        .output()
        .expect("run rampart");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "rampart failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snap: Value =
        serde_json::from_slice(&std::fs::read(&snapshot).expect("snapshot")).expect("json");
    let inv = &snap["inventory"];
    let points = inv["accounts"][0]["s3_access_points"]
        .as_array()
        .expect("access points");
    let names: Vec<&str> = points
        .iter()
        .filter_map(|p| p["meta"]["name"].as_str())
        .collect();
    assert_eq!(names, ["hidden-ap", "open-ap", "vpc-ap"]);
    let by = |n: &str| points.iter().find(|p| p["meta"]["name"] == n).expect(n);
    let open = by("open-ap");
    assert_eq!(
        open["meta"]["arn"],
        "arn:aws:s3:us-east-1:111122223333:accesspoint/open-ap"
    );
    assert_eq!(open["bucket"], "shop-assets");
    assert_eq!(open["region"], "us-east-1");
    assert!(open.get("vpc_id").is_none_or(Value::is_null));
    for k in [
        "block_public_acls",
        "ignore_public_acls",
        "block_public_policy",
        "restrict_public_buckets",
    ] {
        assert_eq!(open["public_access_block"][k], false, "{k}");
        assert_eq!(by("vpc-ap")["public_access_block"][k], true, "{k}");
    }
    assert_eq!(open["policy"]["Statement"][0]["Principal"], "*");
    let vpc = by("vpc-ap");
    assert_eq!(vpc["vpc_id"], "vpc-0a1b2c3d");
    assert!(
        vpc.get("policy").is_none_or(Value::is_null),
        "no policy: {vpc}"
    );
    // Denied reads of one access point: a gap on it alone, for each call.
    let gaps = inv["gaps"].as_array().expect("gaps");
    let on = |arn: &str| -> Vec<&str> {
        let mut ops: Vec<&str> = gaps
            .iter()
            .filter(|g| g["data"] == "s3control.access_points" && g["resource"] == arn)
            .filter_map(|g| g["operation"].as_str())
            .collect();
        ops.sort_unstable();
        ops
    };
    assert_eq!(
        on("arn:aws:s3:us-east-1:111122223333:accesspoint/hidden-ap"),
        ["s3:GetAccessPoint", "s3:GetAccessPointPolicy"]
    );
    assert!(on("arn:aws:s3:us-east-1:111122223333:accesspoint/vpc-ap").is_empty());
    assert!(
        !gaps
            .iter()
            .any(|g| g["data"] == "s3control.access_points" && g["resource"].is_null()),
        "the listing itself was read"
    );
}
