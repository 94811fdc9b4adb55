//! Which resources an AWS Backup plan selects: ARN patterns with `*` wildcards, exclusions, and
//! tag conditions.
//!
//! A selection picks a resource when one of its ARN patterns matches it or it carries one of the
//! selection's tags, and no `not_resources` pattern matches it. The console's "all resources,
//! narrowed by tags" form (`resources = ["*"]` with tag conditions) selects only resources that
//! carry a listed tag.

use rampart_model::Tags;
use rampart_model::storage::{BackupPlan, BackupSelection};

use crate::cloudwatch::filter_pattern::glob;

/// A resource as a selection sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate<'a> {
    /// Its ARN.
    pub arn: &'a str,
    /// Its tags.
    pub tags: &'a Tags,
}

/// Whether `selection` picks `c`.
#[must_use]
pub(crate) fn selects(selection: &BackupSelection, c: Candidate<'_>) -> bool {
    let excluded = selection.not_resources.iter().any(|p| glob(p, c.arn));
    if excluded {
        return false;
    }
    let tagged = selection
        .tags
        .iter()
        .any(|(k, v)| c.tags.get(k).is_some_and(|have| have == v));
    let everything =
        selection.resources.iter().all(|r| r == "*") && !selection.resources.is_empty();
    if everything && !selection.tags.is_empty() {
        return tagged;
    }
    tagged || selection.resources.iter().any(|p| glob(p, c.arn))
}

/// The names of the selections of `plan` that pick `c` (none when the plan has no rule: it
/// never runs).
#[must_use]
pub(crate) fn selected_by<'a>(plan: &'a BackupPlan, c: Candidate<'_>) -> Vec<&'a str> {
    if plan.rules.is_empty() {
        return Vec::new();
    }
    plan.selections
        .iter()
        .filter(|s| selects(s, c))
        .map(|s| s.name.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(resources: &[&str], not: &[&str], tags: &[(&str, &str)]) -> BackupSelection {
        BackupSelection {
            name: "s".into(),
            resources: resources.iter().map(|s| (*s).to_owned()).collect(),
            not_resources: not.iter().map(|s| (*s).to_owned()).collect(),
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn arn_patterns_exclusions_and_tags() {
        let mut tags = Tags::new();
        let table = "arn:aws:dynamodb:us-east-1:1:table/orders";
        let c = Candidate {
            arn: table,
            tags: &tags,
        };
        assert!(selects(
            &sel(&["arn:aws:dynamodb:*:*:table/*"], &[], &[]),
            c
        ));
        assert!(!selects(
            &sel(&["arn:aws:dynamodb:*:*:table/*"], &["*:table/orders"], &[]),
            c
        ));
        assert!(!selects(&sel(&["arn:aws:rds:*"], &[], &[]), c));
        assert!(
            !selects(&sel(&["*"], &[], &[("backup", "daily")]), c),
            "tag-narrowed wildcard"
        );
        tags.insert("backup".into(), "daily".into());
        let c = Candidate {
            arn: table,
            tags: &tags,
        };
        assert!(selects(&sel(&["*"], &[], &[("backup", "daily")]), c));
        assert!(selects(&sel(&[], &[], &[("backup", "daily")]), c));
        assert!(!selects(&sel(&[], &[], &[("backup", "weekly")]), c));
    }
}
