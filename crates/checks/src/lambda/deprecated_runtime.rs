//! LAMBDA-002 `lambda-deprecated-runtime`: a Lambda function runs on a runtime AWS no longer
//! supports.

use rampart_model::runtimes;

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
                pressure. The dates are AWS's published deprecation dates (Lambda Developer \
                Guide, \"Lambda runtimes\"), judged against the scan time; \
                `runtimes.deprecated` in `rampart.toml` adds runtimes or overrides dates. A \
                runtime identifier rampart does not know is not assessed.",
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
        let today = ctx.now.0.date();
        let today_iso = format!(
            "{:04}-{:02}-{:02}",
            today.year(),
            u8::from(today.month()),
            today.day()
        );
        for (account, region, f) in ctx.each(|r| &r.lambda_functions) {
            // A container image function brings its own runtime: nothing to judge here.
            let Some(runtime) = &f.runtime else { continue };
            let at = At::meta(&account.id, Some(&region.name), &f.meta);
            // An entry in `runtimes.deprecated` of rampart.toml adds a runtime or overrides the
            // date of the built-in table (AWS's published dates, `rampart_model::runtimes`).
            let configured = ctx
                .config
                .runtimes
                .deprecated
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(runtime));
            let (deprecated, since) = match (configured, runtimes::by_id(runtime)) {
                // ISO dates compare as strings.
                (Some(d), _) => (
                    d.deprecated.as_str() <= today_iso.as_str(),
                    d.deprecated.clone(),
                ),
                (None, Some(r)) => (r.is_deprecated_on(today), iso(r.deprecated)),
                (None, None) => {
                    out.not_assessed(
                        at,
                        format!(
                            "function `{}` runs on `{runtime}`, a runtime identifier rampart does \
                             not know: its AWS support dates cannot be established (add it to \
                             `runtimes.deprecated` in rampart.toml)",
                            f.meta.name
                        ),
                    )
                    .with("runtime", json!(runtime));
                    continue;
                }
            };
            if deprecated {
                out.fail(
                    at,
                    format!(
                        "function `{}` runs on `{runtime}`, deprecated since {since}",
                        f.meta.name
                    ),
                )
                .with("runtime", json!(runtime))
                .with("deprecated_since", json!(since));
            } else {
                out.pass(
                    at,
                    format!(
                        "function `{}` runs on `{runtime}`, supported until {since} \
                         (AWS's projected deprecation date)",
                        f.meta.name
                    ),
                )
                .with("runtime", json!(runtime))
                .with("deprecation_date", json!(since));
            }
        }
    }
}

fn iso(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use rampart_model::Status;
    use serde_json::json;

    use super::LambdaDeprecatedRuntime;
    use crate::config::{Config, DeprecatedRuntime};
    use crate::iam::testing::{inventory, run, statuses};

    fn functions(at: &str, runtimes: &[Option<&str>]) -> serde_json::Value {
        let fns: Vec<_> = runtimes
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({"meta": {"arn": format!("arn:aws:lambda:us-east-1:111122223333:function:f{i}"), "name": format!("f{i}")}, "runtime": r})
            })
            .collect();
        let mut inv = inventory(json!({}), Some(json!({ "lambda_functions": fns })));
        inv["collected_at"] = json!(at);
        inv
    }

    fn verdicts(inv: serde_json::Value, config: &Config) -> Vec<(String, Status)> {
        run(&LambdaDeprecatedRuntime, inv, config)
            .into_iter()
            .map(|f| (f.resource.clone(), f.status))
            .collect()
    }

    fn arn(i: usize) -> String {
        format!("arn:aws:lambda:us-east-1:111122223333:function:f{i}")
    }

    #[test]
    fn python39_and_nodejs20_fail_at_a_scan_on_2026_12_03() {
        // AWS deprecated python3.9 on 2025-12-15 and nodejs20.x on 2026-04-30 ("Lambda
        // runtimes"); python3.12 is projected to 2028-10-31, nodejs22.x to 2027-04-30.
        let inv = functions(
            "2026-12-03T10:00:00Z",
            &[
                Some("python3.9"),
                Some("nodejs20.x"),
                Some("python3.12"),
                Some("nodejs22.x"),
                None,
            ],
        );
        assert_eq!(
            verdicts(inv, &Config::default()),
            vec![
                (arn(0), Status::Fail),
                (arn(1), Status::Fail),
                (arn(2), Status::Pass),
                (arn(3), Status::Pass),
            ]
        );
    }

    #[test]
    fn the_verdict_follows_the_scan_time_not_the_wall_clock() {
        // nodejs20.x: supported the day before its deprecation date, failed on that date.
        let before = functions("2026-04-29T23:59:59Z", &[Some("nodejs20.x")]);
        let on = functions("2026-04-30T00:00:00Z", &[Some("nodejs20.x")]);
        assert_eq!(
            statuses(&run(&LambdaDeprecatedRuntime, before, &Config::default())),
            vec![Status::Pass]
        );
        let out = run(&LambdaDeprecatedRuntime, on, &Config::default());
        assert_eq!(statuses(&out), vec![Status::Fail]);
        assert_eq!(out[0].evidence["deprecated_since"], json!("2026-04-30"));
    }

    #[test]
    fn an_unknown_runtime_is_not_assessed_never_a_pass() {
        let inv = functions(
            "2026-12-03T00:00:00Z",
            &[Some("python3.99"), Some("provided.al2023")],
        );
        let out = run(&LambdaDeprecatedRuntime, inv, &Config::default());
        assert_eq!(
            out.iter()
                .map(|f| (f.resource.clone(), f.status))
                .collect::<Vec<_>>(),
            vec![(arn(0), Status::NotAssessed), (arn(1), Status::Pass)]
        );
        assert!(out[0].message.contains("python3.99"), "{}", out[0].message);
    }

    #[test]
    fn a_configured_date_overrides_the_table_and_adds_runtimes() {
        let inv = functions(
            "2026-11-01T00:00:00Z",
            &[Some("python3.13"), Some("custom9")],
        );
        let mut config = Config::default();
        config.runtimes.deprecated.push(DeprecatedRuntime {
            name: "python3.13".into(),
            deprecated: "2026-10-31".into(),
        });
        config.runtimes.deprecated.push(DeprecatedRuntime {
            name: "custom9".into(),
            deprecated: "2030-01-01".into(),
        });
        let out = run(&LambdaDeprecatedRuntime, inv, &config);
        assert_eq!(statuses(&out), vec![Status::Fail, Status::Pass]);
        assert_eq!(out[0].evidence["deprecated_since"], json!("2026-10-31"));
    }
}
