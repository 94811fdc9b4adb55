//! CT-001 `account-without-multi-region-trail`: no trail records the whole account.

use rampart_model::logging::Trail;

use crate::prelude::*;

/// No trail in the account is multi-region, logging, and records management and global service
/// events.
pub struct AccountWithoutMultiRegionTrail;

static META: CheckMeta = CheckMeta {
    code: "CT-001",
    name: "account-without-multi-region-trail",
    title: "No multi-region CloudTrail trail records the account's management events",
    severity: Severity::High,
    controls: &["LOG-1"],
    inputs: Input::LSTC,
    compliance: &[
        cis3("3.1"),
        cis6("4.1"),
        fsbp("CloudTrail.1"),
        fsbp("CloudTrail.3"),
    ],
    needs: &[
        data::CLOUDTRAIL,
        data::CLOUDTRAIL_STATUS,
        data::CLOUDTRAIL_SELECTORS,
    ],
    rationale: "CloudTrail is the account's audit log: who called which API, from where, and \
                when. Without one trail that covers every region, is logging, and records all \
                management events including global services such as IAM and STS, an intruder \
                can work in an unused region or on identities and leave no record beyond the \
                90-day event history, and an incident cannot be reconstructed.",
    remediation: RemediationText {
        text: "Create (or fix) one trail that is multi-region, includes global service events, \
               records read and write management events, and is logging. An organization trail \
               from the management account covers every member account.",
        cli: Some(
            "aws cloudtrail create-trail --name org-audit --s3-bucket-name <trail-bucket> --is-multi-region-trail --include-global-service-events --enable-log-file-validation --kms-key-id <key-arn>\naws cloudtrail start-logging --name org-audit",
        ),
        terraform: Some(
            "resource \"aws_cloudtrail\" \"audit\" {\n  name                          = \"org-audit\"\n  s3_bucket_name                = aws_s3_bucket.trail.id\n  is_multi_region_trail         = true\n  include_global_service_events = true\n  enable_log_file_validation    = true\n  enable_logging                = true\n  kms_key_id                    = aws_kms_key.trail.arn\n}",
        ),
    },
    manual: false,
};

fn complete(t: &Trail) -> bool {
    t.multi_region && t.include_global_service_events && t.records_management_events()
}

/// The account in a trail's ARN (`arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME`).
fn trail_owner(t: &Trail) -> Option<&str> {
    let account = t.meta.arn.strip_prefix("arn:")?.split(':').nth(3)?;
    (!account.is_empty()).then_some(account)
}

impl Check for AccountWithoutMultiRegionTrail {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let trails: Vec<(&str, &Trail)> = account
                .regions
                .iter()
                .flat_map(|r| r.trails.iter().map(move |t| (r.name.as_str(), t)))
                .collect();
            if let Some((region, good)) = trails
                .iter()
                .find(|(_, t)| complete(t) && t.is_logging == Some(true))
            {
                // An organization trail created in the management account logs every member
                // account; members see it as a trail of theirs whose ARN names the management
                // account (CloudTrail User Guide, "Creating a trail for an organization").
                let owner = trail_owner(good).filter(|o| *o != account.id);
                let whose = match (good.organization_trail, owner) {
                    (true, Some(o)) => {
                        format!("organization trail `{}` of account {o}", good.meta.name)
                    }
                    (true, None) => format!("organization trail `{}`", good.meta.name),
                    (false, _) => format!("trail `{}`", good.meta.name),
                };
                out.pass(
                    At::meta(&account.id, Some(region), &good.meta),
                    format!(
                        "{whose} is multi-region, logging, and records management and global \
                         service events"
                    ),
                )
                .with("organization_trail", json!(good.organization_trail))
                .with("home_region", json!(good.home_region));
                continue;
            }
            if super::gapped(ctx, account, META.needs) {
                continue;
            }
            let resource = format!("arn:aws:cloudtrail::{}:trails", account.id);
            let at = At::place(&account.id, None, &resource);
            let summary: Vec<serde_json::Value> = trails
                .iter()
                .map(|(region, t)| {
                    json!({
                        "trail": t.meta.name,
                        "home_region": if t.home_region.is_empty() { *region } else { t.home_region.as_str() },
                        "organization_trail": t.organization_trail,
                        "multi_region": t.multi_region,
                        "is_logging": t.is_logging,
                        "management_events": t.records_management_events(),
                        "global_service_events": t.include_global_service_events,
                    })
                })
                .collect();
            let unknown: Vec<&str> = trails
                .iter()
                .filter(|(_, t)| complete(t) && t.is_logging.is_none())
                .map(|(_, t)| t.meta.name.as_str())
                .collect();
            if !unknown.is_empty() {
                out.not_assessed(
                    at,
                    format!(
                        "trail(s) `{}` would cover the account, but whether they are logging was \
                         not read",
                        unknown.join("`, `")
                    ),
                )
                .with("trails", json!(summary));
            } else if trails.is_empty() {
                out.fail(
                    at,
                    "the account has no CloudTrail trail: API activity is not recorded",
                )
                .with("trails", json!(summary));
            } else {
                out.fail(
                    at,
                    format!(
                        "none of the account's {} trail(s) is multi-region, logging, and records \
                         management and global service events",
                        trails.len()
                    ),
                )
                .with("trails", json!(summary));
            }
        }
    }
}
