//! The documents of AWS managed policies (`arn:aws:iam::aws:policy/…`), as AWS publishes them:
//! an IaC input attaches them by ARN without their text, and an auditor judges what they grant
//! (AdministratorAccess, IAMFullAccess, PowerUserAccess…). The bundle is kept gzip-compressed in
//! `data/aws-managed-policies.txt.gz` (one `NAME<TAB>JSON` line per policy, collected from the
//! policies AWS publishes; AdministratorAccess and PowerUserAccess, missing from that collection,
//! written from AWS's "AWS managed policies for job functions" page) and inflated on first use.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

static BUNDLE: &[u8] = include_bytes!("../data/aws-managed-policies.txt.gz");

fn index() -> &'static HashMap<&'static str, &'static str> {
    static INDEX: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut text = String::new();
        if flate2::read::GzDecoder::new(BUNDLE)
            .read_to_string(&mut text)
            .is_err()
        {
            return HashMap::new();
        }
        let text: &'static str = Box::leak(text.into_boxed_str());
        text.lines().filter_map(|l| l.split_once('\t')).collect()
    })
}

/// The name of an AWS managed policy ARN in any partition (`arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`
/// → `ViewOnlyAccess`), or `None` for any other ARN.
#[must_use]
pub fn aws_managed_name(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    let path = rest.strip_prefix("iam::aws:policy/")?;
    Some(path.rsplit('/').next().unwrap_or(path))
}

/// The JSON document of the AWS managed policy `arn`, when the bundle holds it.
#[must_use]
pub fn document(arn: &str) -> Option<&'static str> {
    index().get(aws_managed_name(arn)?).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis;
    use crate::eval::Named;
    use crate::{PolicyKind, parse_text};

    fn effective(arn: &str) -> analysis::Effective {
        let p = parse_text(document(arn).expect(arn), PolicyKind::Identity)
            .policy
            .expect("policy");
        analysis::effective(&[Named {
            name: arn,
            policy: &p,
        }])
    }

    #[test]
    fn job_function_policies_are_known_by_arn() {
        assert!(analysis::is_full_admin(&effective(
            "arn:aws:iam::aws:policy/AdministratorAccess"
        )));
        let power = effective("arn:aws:iam::aws:policy/PowerUserAccess");
        assert!(!analysis::is_full_admin(&power));
        assert!(power.allows("ec2:RunInstances", true));
        assert!(!power.allows("iam:PassRole", false));
        assert!(
            effective("arn:aws:iam::aws:policy/IAMFullAccess").allows("iam:AttachUserPolicy", true)
        );
        assert!(
            !effective("arn:aws:iam::aws:policy/ReadOnlyAccess")
                .allows("iam:AttachUserPolicy", false)
        );
        // A path and another partition name the same policy; a customer policy is not one.
        assert!(document("arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess").is_some());
        assert!(document("arn:aws:iam::111111111111:policy/AdministratorAccess").is_none());
        assert!(document("arn:aws:iam::aws:policy/NoSuchPolicy").is_none());
        assert!(index().len() > 1600);
    }
}
