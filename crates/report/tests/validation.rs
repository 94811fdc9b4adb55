//! Each machine format validated against its definition: SARIF against the official 2.1.0 JSON
//! Schema (vendored in `schemas/`), OCSF against the Detection Finding class definition (vendored
//! in `schemas/`), ASFF against the fields and limits `BatchImportFindings` requires, JUnit as
//! well-formed XML with the expected structure.

mod common;

use std::collections::BTreeSet;

use common::render;
use rampart_report::Format;
use serde_json::Value;

fn schema(name: &str) -> Value {
    let path = format!("{}/schemas/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("read schema"))
        .expect("schema JSON")
}

const LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

/// Escapes the stray `]` of the `language` patterns; returns how many were changed.
fn escape_stray_bracket(v: &mut Value) -> usize {
    match v {
        Value::Object(map) => {
            let mut n = 0;
            for (k, child) in map.iter_mut() {
                if k == "pattern" && child == LANGUAGE_PATTERN {
                    *child = Value::from("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$");
                    n += 1;
                } else {
                    n += escape_stray_bracket(child);
                }
            }
            n
        }
        Value::Array(list) => list.iter_mut().map(escape_stray_bracket).sum(),
        _ => 0,
    }
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    // The official schema's `run.language` pattern has a stray `]`, which an ECMAScript regex
    // (the dialect JSON Schema patterns use) reads as a literal `]` but Rust's regex crate
    // rejects; it is escaped here, which keeps its meaning.
    let mut sarif_schema = schema("sarif-schema-2.1.0.json");
    let fixed = escape_stray_bracket(&mut sarif_schema);
    assert_eq!(
        fixed, 2,
        "the vendored schema is the official one (`run` and `toolComponent` `language`)"
    );
    let validator = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&sarif_schema)
        .expect("schema compiles");
    let log: Value = serde_json::from_str(&render(Format::Sarif)).expect("JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );

    // The validator does reject a broken log (the test can fail).
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["kind"] = Value::from("bogus");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_has_rules_severity_fingerprints_and_locations() {
    let log: Value = serde_json::from_str(&render(Format::Sarif)).expect("JSON");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(
        rules
            .iter()
            .all(|r| r["properties"]["security-severity"].as_str().is_some())
    );
    let results = run["results"].as_array().expect("results");
    let mut fingerprints = BTreeSet::new();
    for r in results {
        let fp = r["partialFingerprints"]["rampart/v1"]
            .as_str()
            .expect("fingerprint");
        assert!(
            fingerprints.insert(fp.to_owned()),
            "fingerprints are unique"
        );
        let idx = usize::try_from(r["ruleIndex"].as_u64().expect("ruleIndex")).expect("index");
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].is_string());
    }
    let iac = results
        .iter()
        .find(|r| r["message"]["text"] == "bucket `logs` has versioning disabled")
        .expect("iac");
    let physical = &iac["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "infra/main.tf");
    assert_eq!(physical["region"]["startLine"], 12);
    assert_eq!(physical["region"]["startColumn"], 3);
    let waived = results
        .iter()
        .find(|r| r["suppressions"].is_array())
        .expect("suppressed result");
    assert_eq!(
        waived["suppressions"][0]["justification"],
        "static assets are rebuilt from git"
    );
    let notes = run["invocations"][0]["toolConfigurationNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notes.len(), 2, "unused and expired waivers");
    // Stable: the same finding renders the same fingerprint twice.
    let again: Value = serde_json::from_str(&render(Format::Sarif)).expect("JSON");
    assert_eq!(again["runs"][0]["results"], run["results"]);
}

/// Checks `value` against an OCSF attribute set; returns the errors.
fn check_attributes(
    def: &Value,
    objects: &Value,
    value: &Value,
    path: &str,
    errors: &mut Vec<String>,
) {
    let attrs = def["attributes"].as_object().expect("attributes");
    let Some(obj) = value.as_object() else {
        errors.push(format!("{path}: not an object"));
        return;
    };
    for (name, a) in attrs {
        if a["requirement"] == "required" && !obj.contains_key(name) {
            errors.push(format!("{path}.{name}: required attribute missing"));
        }
    }
    for (name, v) in obj {
        let Some(a) = attrs.get(name) else {
            errors.push(format!(
                "{path}.{name}: not an attribute of this class or object"
            ));
            continue;
        };
        let items: Vec<&Value> = if a["is_array"] == true {
            match v.as_array() {
                Some(list) => list.iter().collect(),
                None => {
                    errors.push(format!("{path}.{name}: expected an array"));
                    continue;
                }
            }
        } else {
            vec![v]
        };
        for item in items {
            let ok = match a["type"].as_str().expect("type") {
                "integer_t" | "long_t" | "timestamp_t" => item.is_i64() || item.is_u64(),
                "float_t" => item.is_number(),
                "string_t" => item.is_string(),
                "boolean_t" => item.is_boolean(),
                "json_t" => true,
                "object_t" => {
                    let object = a["object_type"].as_str().expect("object_type");
                    check_attributes(
                        &objects[object],
                        objects,
                        item,
                        &format!("{path}.{name}"),
                        errors,
                    );
                    true
                }
                other => panic!("unknown OCSF type {other}"),
            };
            if !ok {
                errors.push(format!("{path}.{name}: `{item}` is not a {}", a["type"]));
            }
            if let Some(allowed) = a["enum"].as_array()
                && !allowed.contains(item)
            {
                errors.push(format!("{path}.{name}: `{item}` is not one of {allowed:?}"));
            }
        }
    }
}

fn ocsf_errors(event: &Value, def: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check_attributes(&def["class"], &def["objects"], event, "event", &mut errors);
    let class = def["class"]["uid"].as_u64().expect("uid");
    let activity = event["activity_id"].as_u64().unwrap_or(0);
    if event["type_uid"].as_u64() != Some(class * 100 + activity) {
        errors.push("type_uid is not class_uid * 100 + activity_id".into());
    }
    if event["metadata"]["version"] != def["version"] {
        errors.push("metadata.version is not the class definition's version".into());
    }
    let profiles: Vec<&Value> = event["metadata"]["profiles"]
        .as_array()
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    if profiles.iter().any(|p| p.as_str() == Some("cloud")) != event.get("cloud").is_some() {
        errors.push("the cloud profile and the `cloud` object go together".into());
    }
    errors
}

#[test]
fn ocsf_is_valid_against_the_detection_finding_class() {
    let def = schema("ocsf-1.5.0-detection_finding.json");
    let out = render(Format::Ocsf);
    let mut count = 0;
    for line in out.lines() {
        let event: Value = serde_json::from_str(line).expect("JSON line");
        let errors = ocsf_errors(&event, &def);
        assert!(
            errors.is_empty(),
            "OCSF errors:\n{}\nin {line}",
            errors.join("\n")
        );
        assert_eq!(event["class_uid"], 2004);
        count += 1;
    }
    assert_eq!(count, common::findings().len());

    // The validator catches a missing required attribute and an unknown one.
    let mut broken: Value = serde_json::from_str(out.lines().next().expect("line")).expect("JSON");
    broken
        .as_object_mut()
        .expect("object")
        .remove("finding_info");
    broken["rampart"] = Value::from(1);
    assert_eq!(ocsf_errors(&broken, &def).len(), 2);
}

#[test]
fn asff_has_every_required_field_within_limits() {
    let v: Value = serde_json::from_str(&render(Format::Asff)).expect("JSON");
    let findings = v.as_array().expect("array");
    assert_eq!(findings.len(), common::findings().len());
    let required = [
        "AwsAccountId",
        "CreatedAt",
        "Description",
        "GeneratorId",
        "Id",
        "ProductArn",
        "Resources",
        "SchemaVersion",
        "Severity",
        "Title",
        "Types",
        "UpdatedAt",
    ];
    let labels = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
    let mut ids = BTreeSet::new();
    for f in findings {
        for key in required {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
        assert_eq!(f["SchemaVersion"], "2018-10-08");
        let account = f["AwsAccountId"].as_str().expect("account");
        assert!(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
        assert!(
            f["ProductArn"]
                .as_str()
                .expect("arn")
                .starts_with("arn:aws:securityhub:")
        );
        assert!(labels.contains(&f["Severity"]["Label"].as_str().expect("label")));
        assert!(f["Title"].as_str().expect("title").len() <= 256);
        assert!(f["Description"].as_str().expect("desc").len() <= 1024);
        assert!(f["Id"].as_str().expect("id").len() <= 512);
        assert!(
            ids.insert(f["Id"].as_str().expect("id").to_owned()),
            "ids are unique"
        );
        for t in ["CreatedAt", "UpdatedAt"] {
            rampart_model::Timestamp::parse(f[t].as_str().expect("time")).expect("ISO 8601");
        }
        let types = f["Types"].as_array().expect("types");
        assert!(!types.is_empty() && types.len() <= 50);
        let resources = f["Resources"].as_array().expect("resources");
        assert!(!resources.is_empty() && resources.len() <= 32);
        for r in resources {
            assert!(r["Type"].is_string() && r["Id"].is_string());
        }
        if let Some(text) = f["Remediation"]["Recommendation"]["Text"].as_str() {
            assert!(text.len() <= 512);
        }
    }
    let waived = findings
        .iter()
        .find(|f| f["Workflow"]["Status"] == "SUPPRESSED")
        .expect("waived");
    assert!(
        waived["Note"]["Text"]
            .as_str()
            .expect("note")
            .contains("static assets")
    );
}

#[test]
fn junit_is_well_formed_with_a_suite_per_area() {
    let out = render(Format::Junit);
    let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<&str> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(suites, ["CT", "MAN", "ROOT", "S3"]);
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(cases, common::findings().len());
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(
        root.attribute("failures"),
        Some(failures.to_string().as_str())
    );
    let hostile = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .find(|n| {
            n.attribute("name")
                .is_some_and(|a| a.contains(common::HOSTILE))
        });
    assert!(hostile.is_some(), "the hostile name round-trips as text");
}
