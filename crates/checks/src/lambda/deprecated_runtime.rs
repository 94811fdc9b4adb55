//! LAMBDA-002 `lambda-deprecated-runtime`: a Lambda function runs on a runtime AWS no longer
//! supports.

use crate::prelude::*;

/// A deprecated runtime gets no security patches, and AWS eventually blocks updating it.
pub struct LambdaDeprecatedRuntime;

static META: CheckMeta = CheckMeta {
    code: "LAMBDA-002",
    name: "lambda-deprecated-runtime",
    title: "A Lambda function uses a deprecated runtime",
    severity: Severity::High,
    controls: &["APP-2"],
    inputs: Input::LSTC,
    compliance: &[fsbp("Lambda.2")],
    needs: &[data::LAMBDA],
    rationale: "Once AWS deprecates a runtime, its language version and operating system stop \
                receiving security patches: vulnerabilities found afterwards stay open in every \
                function that uses it. AWS then blocks creating and, later, updating such \
                functions, so an urgent fix cannot be deployed without first migrating under \
                pressure. The list of runtimes and dates is `runtimes.deprecated` in \
                `rampart.toml`.",
    remediation: RemediationText {
        text: "Move the function to a supported runtime of the same language (for example \
               python3.7 → python3.12, nodejs14.x → nodejs20.x), run its tests against the new \
               version, and update the dependencies that pinned the old one.",
        cli: Some(
            "aws lambda update-function-configuration --function-name <fn> --runtime python3.12",
        ),
        terraform: Some(
            "resource \"aws_lambda_function\" \"webhooks\" {\n  # ...\n  runtime = \"python3.12\"\n}",
        ),
    },
    manual: false,
};

impl Check for LambdaDeprecatedRuntime {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let date = ctx.now.0.date();
        let today = format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        );
        for (account, region, f) in ctx.each(|r| &r.lambda_functions) {
            // A container image function brings its own runtime: nothing to judge here.
            let Some(runtime) = &f.runtime else { continue };
            let at = At::meta(&account.id, Some(&region.name), &f.meta);
            let deprecated = ctx
                .config
                .runtimes
                .deprecated
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(runtime));
            match deprecated {
                // ISO dates compare as strings.
                Some(d) if d.deprecated.as_str() <= today.as_str() => {
                    out.fail(
                        at,
                        format!(
                            "function `{}` runs on `{runtime}`, deprecated since {}",
                            f.meta.name, d.deprecated
                        ),
                    )
                    .with("runtime", json!(runtime))
                    .with("deprecated_since", json!(d.deprecated));
                }
                Some(d) => {
                    out.pass(
                        at,
                        format!(
                            "function `{}` runs on `{runtime}`, supported until {}",
                            f.meta.name, d.deprecated
                        ),
                    )
                    .with("runtime", json!(runtime))
                    .with("deprecation_date", json!(d.deprecated));
                }
                None => {
                    out.pass(
                        at,
                        format!(
                            "function `{}` runs on `{runtime}`, which is not deprecated",
                            f.meta.name
                        ),
                    )
                    .with("runtime", json!(runtime));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rampart_model::Status;
    use serde_json::json;

    use super::LambdaDeprecatedRuntime;
    use crate::config::{Config, DeprecatedRuntime};
    use crate::iam::testing::{inventory, run, statuses};

    #[test]
    fn a_deprecation_date_still_ahead_is_not_a_failure() {
        let inv = inventory(
            json!({}),
            Some(
                json!({"lambda_functions": [{"meta": {"arn": "arn:aws:lambda:us-east-1:111122223333:function:f", "name": "f"}, "runtime": "python3.13"}]}),
            ),
        );
        let mut config = Config::default();
        config.runtimes.deprecated.push(DeprecatedRuntime {
            name: "python3.13".into(),
            deprecated: "2029-06-30".into(),
        });
        assert_eq!(
            statuses(&run(&LambdaDeprecatedRuntime, inv.clone(), &config)),
            vec![Status::Pass]
        );
        config
            .runtimes
            .deprecated
            .last_mut()
            .expect("pushed")
            .deprecated = "2026-10-31".into();
        let out = run(&LambdaDeprecatedRuntime, inv, &config);
        assert_eq!(statuses(&out), vec![Status::Fail]);
        assert_eq!(out[0].evidence["deprecated_since"], json!("2026-10-31"));
    }
}
