//! The shared evaluation of the "metric filter and alarm for a security event" checks (LOG-6).
//!
//! A security event counts as monitored in an account when all of these hold:
//! 1. a CloudTrail trail that is multi-region, logging and records management events delivers to
//!    a CloudWatch Logs log group (a single-region trail misses events elsewhere);
//! 2. a metric filter on that log group (same region) has a pattern that matches every sample
//!    CloudTrail record of the event, and none of the unrelated samples (a pattern that matches
//!    everything raises so many alarms that nobody reads them);
//! 3. an alarm on the filter's metric has its actions enabled and at least one alarm action.
//!
//! The samples are real CloudTrail record shapes, so a filter is judged by what it matches, not by
//! how it is spelt: `$.eventName = DeleteTrail`, `$.eventName = "Delete*"` and a filter split in
//! two are all judged correctly.

use std::collections::BTreeMap;

use rampart_model::logging::{Alarm, MetricFilter, Trail};
use rampart_model::{Account, Inventory};
use serde_json::{Map, Value, json};

use super::filter_pattern::{self, Pattern};
use super::reach::{Reach, reach};
use crate::check::{At, FindingExt, Sink};
use crate::context::Context;

/// The data sets every security-event check reads.
pub(crate) const NEEDS: &[&str] = &[
    rampart_model::data::CLOUDTRAIL,
    rampart_model::data::CLOUDTRAIL_STATUS,
    rampart_model::data::CLOUDTRAIL_SELECTORS,
    rampart_model::data::LOGS_METRIC_FILTERS,
    rampart_model::data::CLOUDWATCH_ALARMS,
];

/// A labelled sample record.
type Sample = (String, Value);

/// What a failure for want of a trail rests on.
const TRAIL_DATA: &[&str] = &[
    rampart_model::data::CLOUDTRAIL,
    rampart_model::data::CLOUDTRAIL_STATUS,
    rampart_model::data::CLOUDTRAIL_SELECTORS,
];

/// What a failure for want of a matching metric filter rests on: no alarm can change it.
const FILTER_DATA: &[&str] = &[
    rampart_model::data::CLOUDTRAIL,
    rampart_model::data::CLOUDTRAIL_STATUS,
    rampart_model::data::CLOUDTRAIL_SELECTORS,
    rampart_model::data::LOGS_METRIC_FILTERS,
];

/// One security event: what it is, and sample records that a good filter must (and must not)
/// match.
pub(crate) struct SecurityEvent {
    /// What is monitored, in words (`IAM policy changes`).
    pub what: &'static str,
    /// The events come from global services (IAM, sign-in, Organizations): a trail only
    /// delivers them when it includes global service events.
    pub global: bool,
    /// Records the filter must match, each with a short label for messages.
    pub samples: fn() -> Vec<(String, Value)>,
    /// Records it must not match.
    pub unrelated: fn() -> Vec<(String, Value)>,
}

/// A CloudTrail management event record, as delivered to CloudWatch Logs, made by an IAM user
/// from the internet.
#[must_use]
pub(crate) fn api_call(source: &str, name: &str) -> Value {
    json!({
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEEXAMPLE0001",
            "arn": "arn:aws:iam::123456789012:user/operator",
            "accountId": "123456789012",
            "userName": "operator"
        },
        "eventTime": "2026-11-01T12:00:00Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.23",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": {},
        "responseElements": null,
        "requestID": "00000000-0000-0000-0000-000000000000",
        "eventID": "00000000-0000-0000-0000-000000000001",
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": "123456789012",
        "eventCategory": "Management"
    })
}

/// Sample write calls: one per event name, all from `source`.
#[must_use]
pub(crate) fn calls(source: &str, names: &[&str]) -> Vec<(String, Value)> {
    names
        .iter()
        .map(|n| ((*n).to_owned(), api_call(source, n)))
        .collect()
}

/// Sets `path` (dotted) in `event` to `value`, creating objects on the way.
#[must_use]
pub(crate) fn with(mut event: Value, path: &str, value: Value) -> Value {
    let mut current = &mut event;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if !current.is_object() {
            *current = Value::Object(Map::new());
        }
        let Value::Object(map) = current else { break };
        if parts.peek().is_none() {
            map.insert(part.to_owned(), value);
            break;
        }
        current = map
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    event
}

/// Unrelated activity that no security-event filter should match: a read-only describe call and
/// an ordinary object write.
#[must_use]
pub(crate) fn routine_activity() -> Vec<(String, Value)> {
    vec![
        (
            "DescribeInstances".to_owned(),
            with(
                api_call("ec2.amazonaws.com", "DescribeInstances"),
                "readOnly",
                json!(true),
            ),
        ),
        (
            "PutParameter".to_owned(),
            api_call("ssm.amazonaws.com", "PutParameter"),
        ),
    ]
}

/// How one metric filter fared.
struct FilterVerdict<'a> {
    /// The account holding the filter (an organization trail's log group may sit in another).
    account: &'a Account,
    filter: &'a MetricFilter,
    region: &'a str,
    problem: Option<String>,
    unparseable: bool,
    /// Matches none of the samples: a filter for something else.
    unrelated: bool,
}

/// Runs the evaluation for `event`, one result per account.
pub(crate) fn evaluate(ctx: &Context<'_>, out: &mut Sink, event: &SecurityEvent) {
    let samples = (event.samples)();
    let unrelated = (event.unrelated)();
    for account in ctx.accounts() {
        // Without the trails or the filters nothing can be concluded; without the alarms, a
        // missing filter is still a failure (the runner reports the alarm gap).
        if crate::cloudtrail::gapped(ctx, account, FILTER_DATA) {
            continue;
        }
        let alarms_unread =
            crate::cloudtrail::gapped(ctx, account, &[rampart_model::data::CLOUDWATCH_ALARMS]);
        evaluate_account(
            ctx.inventory,
            account,
            out,
            event,
            (&samples, &unrelated),
            alarms_unread,
        );
    }
}

fn evaluate_account(
    inventory: &Inventory,
    account: &Account,
    out: &mut Sink,
    event: &SecurityEvent,
    (samples, unrelated): (&[Sample], &[Sample]),
    alarms_unread: bool,
) {
    let resource = format!(
        "arn:aws:cloudwatch::{}:security-event-monitoring",
        account.id
    );
    let at = At::place(&account.id, None, &resource);
    let trails: Vec<(&str, &Trail)> = account
        .regions
        .iter()
        .flat_map(|r| r.trails.iter().map(move |t| (r.name.as_str(), t)))
        .collect();
    // (owner account, region, log group name, trail) of every qualifying trail's log group. An
    // organization trail seen from a member account delivers to a log group of the account
    // that owns the trail (CloudTrail User Guide, "Creating a trail for an organization").
    let mut groups: Vec<(String, String, String, &str)> = Vec::new();
    let mut unknown_status = Vec::new();
    for (region, trail) in &trails {
        if !trail.multi_region
            || !trail.records_management_events()
            || (event.global && !trail.include_global_service_events)
        {
            continue;
        }
        let Some(arn) = &trail.log_group_arn else {
            // In IaC the log group ARN is usually a reference resolved only at apply time: an
            // absent value cannot be told from an unknown one (CT-012 reports a missing one).
            if trail.meta.origin.file.is_some() && trail.is_logging != Some(false) {
                unknown_status.push(format!(
                    "`{}` (log group not known before apply)",
                    trail.meta.name
                ));
            }
            continue;
        };
        match trail.is_logging {
            Some(true) => {}
            Some(false) => continue,
            None => {
                unknown_status.push(format!("`{}` (logging status not read)", trail.meta.name));
                continue;
            }
        }
        if let Some((group_region, name)) = log_group_of(arn, region) {
            let owner = log_group_account(arn).unwrap_or(&account.id).to_owned();
            groups.push((owner, group_region, name, trail.meta.name.as_str()));
        }
    }
    if groups.is_empty() {
        if unknown_status.is_empty() {
            out.fail_resting_on(
                at,
                TRAIL_DATA,
                format!(
                    "{} are not monitored: no multi-region, logging trail that records management \
                     events{} delivers to CloudWatch Logs, so no metric filter can see them",
                    event.what,
                    if event.global {
                        " and global service events"
                    } else {
                        ""
                    }
                ),
            )
            .with("trails", trail_summary(&trails));
        } else {
            out.not_assessed(
                at,
                format!(
                    "whether {} are monitored is unknown: trail(s) {} could deliver them to \
                     CloudWatch Logs",
                    event.what,
                    unknown_status.join(", ")
                ),
            );
        }
        return;
    }

    // Log groups in accounts this input does not hold: their filters and alarms cannot be seen.
    let outside: Vec<String> = groups
        .iter()
        .filter(|(owner, ..)| !inventory.accounts.iter().any(|a| a.id == *owner))
        .map(|(owner, r, g, t)| format!("{g} ({r}, account {owner}, trail {t})"))
        .collect();
    let mut verdicts = Vec::new();
    // Filters that would match but sit on a log group no qualifying trail feeds: a common
    // mistake worth pointing at.
    let mut misplaced = Vec::new();
    let holders = inventory
        .accounts
        .iter()
        .filter(|a| a.id == account.id || groups.iter().any(|(o, ..)| *o == a.id));
    for holder in holders {
        for region in &holder.regions {
            for filter in &region.metric_filters {
                let name = group_name(&filter.log_group);
                let verdict = judge_filter(holder, filter, &region.name, samples, unrelated);
                if groups
                    .iter()
                    .any(|(o, r, g, _)| *o == holder.id && *r == region.name && g == name)
                {
                    verdicts.push(verdict);
                } else if verdict.problem.is_none() && holder.id == account.id {
                    misplaced.push(json!({
                        "filter": filter.meta.name,
                        "log_group": filter.log_group,
                        "region": region.name,
                        "problem": "matches these events, but no multi-region, logging trail delivers to its log group",
                    }));
                }
            }
        }
    }

    let mut evidence = Vec::new();
    let mut unassessable = false;
    let others = verdicts.iter().filter(|v| v.unrelated).count();
    for v in verdicts.iter().filter(|v| !v.unrelated) {
        let alarms = alarms_on(v.account, v.region, v.filter);
        let mut entry = BTreeMap::new();
        entry.insert("filter", json!(v.filter.meta.name));
        entry.insert("log_group", json!(v.filter.log_group));
        entry.insert("region", json!(v.region));
        entry.insert("pattern", json!(v.filter.pattern));
        entry.insert(
            "alarms",
            json!(
                alarms
                    .iter()
                    .map(|a| a.meta.name.as_str())
                    .collect::<Vec<_>>()
            ),
        );
        let (reaching, notes, unknown) = alarm_reach(inventory, &alarms);
        if let Some(problem) = &v.problem {
            entry.insert("problem", json!(problem));
            unassessable |= v.unparseable && (reaching.is_some() || unknown);
            evidence.push(entry);
            continue;
        }
        if let Some((alarm, how)) = reaching {
            let arn = alarm.meta.arn.clone();
            let filter_name = v.filter.meta.name.clone();
            out.pass(
                At::meta(&v.account.id, Some(v.region), &alarm.meta),
                format!(
                    "{} are monitored: metric filter `{filter_name}` on `{}` feeds alarm `{}`, which \
                     notifies someone ({how})",
                    event.what, v.filter.log_group, alarm.meta.name
                ),
            )
            .with("filter", json!(filter_name))
            .with("pattern", json!(v.filter.pattern))
            .with("alarm", json!(arn));
            return;
        }
        if alarms_unread {
            // A filter that would do: whether an alarm notifies someone is unknown.
            return;
        }
        unassessable |= unknown;
        let problem = if alarms.is_empty() {
            "no alarm on its metric".to_owned()
        } else {
            format!(
                "no alarm on its metric notifies anyone: {}",
                notes.join("; ")
            )
        };
        entry.insert("problem", json!(problem));
        evidence.push(entry);
    }
    let log_groups: Vec<String> = groups
        .iter()
        .map(|(_, r, g, t)| format!("{g} ({r}, trail {t})"))
        .collect();
    if !outside.is_empty() {
        out.not_assessed(
            at,
            format!(
                "whether {} are monitored is unknown: trail log group(s) {} belong to another \
                 account (an organization trail's management account), outside this input; \
                 scan that account too to judge their metric filters and alarms",
                event.what,
                outside.join(", ")
            ),
        )
        .with("log_groups", json!(log_groups))
        .with("filters", json!(evidence));
        return;
    }
    if unassessable {
        out.not_assessed(
            at,
            format!(
                "whether {} are monitored is unknown: a metric filter uses pattern syntax \
                 rampart does not evaluate, or its alarm notifies a topic or function outside \
                 the Inventory",
                event.what
            ),
        )
        .with("log_groups", json!(log_groups))
        .with("filters", json!(evidence));
        return;
    }
    let message = if evidence.is_empty() {
        format!(
            "{} are not monitored: no metric filter on the trail log group(s) {} matches them \
             ({others} filter(s) there watch other events)",
            event.what,
            log_groups.join(", ")
        )
    } else {
        format!(
            "{} are not monitored: no metric filter on the trail log group(s) both matches them and \
             feeds an alarm that notifies someone",
            event.what
        )
    };
    // Every filter that matches has a problem of its own (or none matches): the alarms, read
    // or not, cannot change that.
    let f = out.fail_resting_on(at, FILTER_DATA, message);
    f.with("log_groups", json!(log_groups))
        .with("filters", json!(evidence));
    if !misplaced.is_empty() {
        f.with("filters_elsewhere", json!(misplaced));
    }
}

fn judge_filter<'a>(
    account: &'a Account,
    filter: &'a MetricFilter,
    region: &'a str,
    samples: &[(String, Value)],
    unrelated: &[(String, Value)],
) -> FilterVerdict<'a> {
    let verdict = |problem: Option<String>, unparseable: bool, other: bool| FilterVerdict {
        account,
        filter,
        region,
        problem,
        unparseable,
        unrelated: other,
    };
    let pattern: Pattern = match filter_pattern::parse(&filter.pattern) {
        Ok(p) => p,
        Err(e) => return verdict(Some(format!("pattern not evaluated: {e}")), true, false),
    };
    let missed: Vec<&str> = samples
        .iter()
        .filter(|(_, e)| !pattern.matches(e))
        .map(|(l, _)| l.as_str())
        .collect();
    if missed.len() == samples.len() {
        return verdict(Some("matches none of these events".to_owned()), false, true);
    }
    if filter.metrics.is_empty() {
        return verdict(Some("publishes no metric".to_owned()), false, false);
    }
    if !missed.is_empty() {
        return verdict(
            Some(format!("does not match: {}", missed.join(", "))),
            false,
            false,
        );
    }
    let noisy: Vec<&str> = unrelated
        .iter()
        .filter(|(_, e)| pattern.matches(e))
        .map(|(l, _)| l.as_str())
        .collect();
    if !noisy.is_empty() {
        return verdict(
            Some(format!(
                "also matches unrelated events: {}",
                noisy.join(", ")
            )),
            false,
            false,
        );
    }
    verdict(None, false, false)
}

/// The first alarm that reaches a person (with how), notes on the others, and whether some
/// alarm's reach could not be told.
fn alarm_reach<'a>(
    inventory: &Inventory,
    alarms: &[&'a Alarm],
) -> (Option<(&'a Alarm, String)>, Vec<String>, bool) {
    let mut notes = Vec::new();
    let mut unknown = false;
    for alarm in alarms {
        let name = &alarm.meta.name;
        if !alarm.actions_enabled {
            notes.push(format!("`{name}` has its actions disabled"));
            continue;
        }
        if alarm.alarm_actions.is_empty() {
            notes.push(format!("`{name}` has no alarm action"));
            continue;
        }
        let mut details = Vec::new();
        for action in &alarm.alarm_actions {
            match reach(inventory, action) {
                Reach::Person(how) => return (Some((alarm, how)), notes, unknown),
                Reach::Unknown(why) => {
                    unknown = true;
                    details.push(why);
                }
                Reach::Nobody(why) => details.push(why),
            }
        }
        notes.push(format!("`{name}`: {}", details.join(", ")));
    }
    (None, notes, unknown)
}

/// The alarms (in the filter's region) on any metric the filter publishes.
fn alarms_on<'a>(account: &'a Account, region: &str, filter: &MetricFilter) -> Vec<&'a Alarm> {
    account
        .regions
        .iter()
        .filter(|r| r.name == region)
        .flat_map(|r| r.alarms.iter())
        .filter(|a| {
            filter
                .metrics
                .iter()
                .any(|(ns, name)| *ns == a.namespace && *name == a.metric_name)
        })
        .collect()
}

fn trail_summary(trails: &[(&str, &Trail)]) -> Value {
    json!(
        trails
            .iter()
            .map(|(region, t)| json!({
                "trail": t.meta.name,
                "region": region,
                "multi_region": t.multi_region,
                "is_logging": t.is_logging,
                "management_events": t.records_management_events(),
            "global_service_events": t.include_global_service_events,
                "log_group": t.log_group_arn,
            }))
            .collect::<Vec<_>>()
    )
}

/// The (region, name) of a log group from its ARN
/// (`arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/Default:*`); a bare name is taken
/// to be in `default_region`.
#[must_use]
pub(crate) fn log_group_of(arn: &str, default_region: &str) -> Option<(String, String)> {
    if !arn.starts_with("arn:") {
        return Some((default_region.to_owned(), arn.to_owned()));
    }
    let mut parts = arn.splitn(6, ':');
    let (_, _, _, region, _, rest) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let name = rest.strip_prefix("log-group:")?;
    let name = name.strip_suffix(":*").unwrap_or(name);
    Some((region.to_owned(), name.to_owned()))
}

/// The account named in a log group ARN (`None` for a bare name or an ARN without one).
fn log_group_account(arn: &str) -> Option<&str> {
    let account = arn.strip_prefix("arn:")?.split(':').nth(3)?;
    (!account.is_empty()).then_some(account)
}

/// A metric filter names its log group by name; tolerate an ARN there too.
fn group_name(log_group: &str) -> &str {
    match log_group.split_once(":log-group:") {
        Some((_, name)) => name.strip_suffix(":*").unwrap_or(name),
        None => log_group,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_group_arns_are_split() {
        assert_eq!(
            log_group_of(
                "arn:aws:logs:eu-west-1:123456789012:log-group:CloudTrail/Org:*",
                "us-east-1"
            ),
            Some(("eu-west-1".to_owned(), "CloudTrail/Org".to_owned()))
        );
        assert_eq!(
            log_group_of("trail-logs", "us-east-1"),
            Some(("us-east-1".to_owned(), "trail-logs".to_owned()))
        );
        assert_eq!(
            group_name("arn:aws:logs:us-east-1:1:log-group:a/b:*"),
            "a/b"
        );
        assert_eq!(
            log_group_account("arn:aws:logs:eu-west-1:123456789012:log-group:CloudTrail/Org:*"),
            Some("123456789012")
        );
        assert_eq!(log_group_account("trail-logs"), None);
    }

    #[test]
    fn iac_trail_with_unknown_log_group_is_not_assessed() {
        let trail: rampart_model::logging::Trail = serde_json::from_value(json!({
            "meta": {"arn": "main.tf:aws_cloudtrail.org", "name": "org",
                     "origin": {"file": "main.tf", "line": 3, "column": 1, "address": "aws_cloudtrail.org"}},
            "home_region": "us-east-1", "multi_region": true, "include_global_service_events": true,
            "log_file_validation": true, "is_logging": true
        }))
        .expect("trail");
        let mut account = Account::new("iac");
        account.region_mut("us-east-1").trails.push(trail);
        let inv = Inventory {
            accounts: vec![account],
            ..Inventory::default()
        };
        let config = crate::Config::default();
        let ctx = Context::new(
            &inv,
            &config,
            rampart_model::Timestamp::parse("2026-11-01T00:00:00Z").expect("ts"),
        );
        let check = crate::registry::by_code("CW-005").expect("CW-005");
        let statuses: Vec<_> = crate::run(&ctx, &[check])
            .findings
            .iter()
            .map(|f| f.status)
            .collect();
        assert_eq!(statuses, vec![rampart_model::Status::NotAssessed]);
    }

    #[test]
    fn with_sets_nested_paths() {
        let e = with(json!({"a": {"b": 1}}), "a.c.d", json!("x"));
        assert_eq!(e, json!({"a": {"b": 1, "c": {"d": "x"}}}));
    }
}
