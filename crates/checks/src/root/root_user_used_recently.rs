//! ROOT-004 `root-user-used-recently`: the root user signed in or used a key recently.

use crate::prelude::*;

/// Root is for the handful of tasks only root can do; regular use means its credentials are
/// handled often, and every use is a chance to leak them.
pub struct RootUserUsedRecently;

static META: CheckMeta = CheckMeta {
    code: "ROOT-004",
    name: "root-user-used-recently",
    title: "The root user was used recently",
    severity: Severity::Medium,
    controls: &["ROOT-3"],
    inputs: Input::LS,
    compliance: &[cis3("1.7"), cis6("2.6"), fsbp("IAM.20")],
    needs: &[data::IAM_ROOT_USAGE],
    rationale: "Only a few tasks need the root user (changing the support plan, closing the \
                account, restoring a locked key policy). An account whose root signs in often is \
                being run as root: its actions cannot be attributed to a person, cannot be limited \
                by policy, and its password and MFA device are handled where they can be phished \
                or lost. A recent root sign-in that nobody can explain is also a sign of compromise.",
    remediation: RemediationText {
        text: "Find out who used root and why (CloudTrail events with `userIdentity.type = Root`). \
               Give that person an IAM Identity Center or IAM role with the permissions the task \
               needs, and keep the root credentials locked away for the tasks that require them.",
        cli: Some(
            "aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=root --max-results 50",
        ),
        terraform: None,
    },
    manual: false,
};

impl Check for RootUserUsedRecently {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let window = ctx.config.thresholds.root_recent_use_days;
        for account in ctx.accounts() {
            let Some(root) = &account.iam.root else {
                continue;
            };
            let at = At::meta(&account.id, None, &root.meta);
            let last = [
                ("password", root.password_last_used),
                ("access key", root.access_key_last_used),
            ]
            .into_iter()
            .filter_map(|(how, when)| when.map(|w| (how, w)))
            .max_by_key(|(_, when)| *when);
            match last {
                Some((how, when)) if ctx.days_since(when) <= window => {
                    let days = ctx.days_since(when).max(0);
                    out.fail(at, format!("the root user was used {days} day(s) ago (by {how}), within the {window}-day window"))
                        .with("last_used", json!(when))
                        .with("used_by", json!(how))
                        .with("days_ago", json!(days))
                        .with("window_days", json!(window));
                }
                Some((how, when)) => {
                    out.pass(
                        at,
                        format!(
                            "the root user was last used {} days ago (by {how})",
                            ctx.days_since(when)
                        ),
                    )
                    .with("last_used", json!(when));
                }
                None => {
                    out.pass(at, "the root user has no recorded use");
                }
            }
        }
    }
}
