//! Compares rampart's verdicts on the AWS managed policy corpus with the corpus's own labels
//! (privilege escalation, resource exposure, unknown actions) and prints every disagreement.
//!
//! `cargo run --release -p rampart-policy --example corpus_review -- ../shared/corpus/aws-managed-policies`

use std::collections::BTreeSet;
use std::path::PathBuf;

use rampart_policy::analysis::{self, effective};
use rampart_policy::catalogue::{self, AccessLevel};
use rampart_policy::eval::Named;
use rampart_policy::{PolicyKind, lint_text};

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/corpus/aws-managed-policies".into()),
    );
    let labels: serde_json::Value =
        match std::fs::read_to_string(dir.join("labels.json")).map(|t| serde_json::from_str(&t)) {
            Ok(Ok(v)) => v,
            _ => {
                eprintln!("cannot read {}/labels.json", dir.display());
                std::process::exit(2);
            }
        };
    let c = catalogue::global();
    let mut rows = Vec::new();
    let (mut privesc_agree, mut exposure_agree, mut unknown_agree, mut total) = (0, 0, 0, 0);
    let mut names: Vec<String> = labels
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    for name in &names {
        let label = &labels[name];
        let Ok(text) = std::fs::read_to_string(dir.join("policies").join(format!("{name}.json")))
        else {
            continue;
        };
        let (policy, diags) = lint_text(&text, PolicyKind::Identity);
        let Some(policy) = policy else {
            rows.push(format!("PARSE-ERROR\t{name}\t{diags:?}"));
            continue;
        };
        total += 1;
        let named = [Named {
            name,
            policy: &policy,
        }];
        let e = effective(&named);
        let admin = analysis::is_full_admin(&e);
        let methods: Vec<&str> = analysis::escalations(&e)
            .iter()
            .map(|x| x.method.name)
            .collect();
        let privesc = admin || !methods.is_empty();
        let allowed = e.allowed_actions();
        let perms: Vec<&str> = allowed
            .iter()
            .filter_map(|i| c.actions.get(i))
            .filter(|a| a.level == AccessLevel::PermissionsManagement)
            .map(|a| a.full.as_str())
            .collect();
        let exposure = !perms.is_empty();
        let mine_unknown: BTreeSet<String> = diags
            .iter()
            .filter(|d| d.code == "unknown-action" || d.code == "unknown-service")
            .filter_map(|d| d.message.split('`').nth(1).map(str::to_owned))
            .collect();
        let their_unknown: BTreeSet<String> = label["unknown_actions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let lp = label["privesc"].as_bool().unwrap_or(false);
        let le = label["resource_exposure"].as_bool().unwrap_or(false);
        if lp == privesc {
            privesc_agree += 1;
        } else {
            rows.push(format!(
                "PRIVESC\t{name}\trampart={privesc}\tlabel={lp}\tmethods={}",
                methods.join(",")
            ));
        }
        if le == exposure {
            exposure_agree += 1;
        } else {
            rows.push(format!(
                "EXPOSURE\t{name}\trampart={exposure}\tlabel={le}\tperms={}",
                perms.iter().take(6).copied().collect::<Vec<_>>().join(",")
            ));
        }
        let lower = |s: &BTreeSet<String>| {
            s.iter()
                .map(|x| x.to_ascii_lowercase())
                .collect::<BTreeSet<_>>()
        };
        if lower(&mine_unknown) == lower(&their_unknown) {
            unknown_agree += 1;
        } else {
            rows.push(format!(
                "UNKNOWN\t{name}\trampart={mine_unknown:?}\tlabel={their_unknown:?}"
            ));
        }
    }
    println!("policies\t{total}");
    println!("privesc agree\t{privesc_agree}");
    println!("exposure agree\t{exposure_agree}");
    println!("unknown-actions agree\t{unknown_agree}");
    for r in rows {
        println!("{r}");
    }
}
