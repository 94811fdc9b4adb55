//! The shape of a check: its declaration, and the sink it writes results to.

use rampart_model::{Finding, Location, Meta, Origin, Remediation, Severity, Status};

use crate::context::Context;

/// The sources a check can judge (CHECKLIST's L S T C P F).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    /// The live account.
    Live,
    /// A saved snapshot.
    Snapshot,
    /// Terraform.
    Terraform,
    /// CloudFormation.
    CloudFormation,
    /// A policy document on its own.
    Policy,
    /// Files in a source tree.
    Files,
}

impl Input {
    /// Live, snapshot, Terraform and CloudFormation: what most checks judge.
    pub const LSTC: &'static [Input] = &[
        Input::Live,
        Input::Snapshot,
        Input::Terraform,
        Input::CloudFormation,
    ];
    /// Live and snapshot only: data IaC does not declare (usage, credential reports).
    pub const LS: &'static [Input] = &[Input::Live, Input::Snapshot];

    /// The check input that judges an input of this kind (`None`: source trees, judged by the
    /// secret scanner).
    #[must_use]
    pub fn of_kind(kind: rampart_model::InputKind) -> Option<Input> {
        use rampart_model::InputKind as K;
        match kind {
            K::Live => Some(Input::Live),
            K::Snapshot => Some(Input::Snapshot),
            K::Terraform | K::TerraformPlan => Some(Input::Terraform),
            K::CloudFormation => Some(Input::CloudFormation),
            K::Policy => Some(Input::Policy),
            K::Tree | K::GitHistory => Some(Input::Files),
        }
    }

    /// The name used in reports and `checks list`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Input::Live => "live",
            Input::Snapshot => "snapshot",
            Input::Terraform => "terraform",
            Input::CloudFormation => "cloudformation",
            Input::Policy => "policy",
            Input::Files => "files",
        }
    }
}

/// A compliance framework whose controls a check maps to (one definition, in the model).
pub use rampart_model::Framework;

/// One compliance reference (`CIS 3.0 1.4`, `Security Hub S3.14`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compliance {
    /// The framework.
    pub framework: Framework,
    /// The control id in that framework.
    pub id: &'static str,
}

/// Shorthand for a CIS v3.0.0 reference.
#[must_use]
pub const fn cis3(id: &'static str) -> Compliance {
    Compliance {
        framework: Framework::Cis3,
        id,
    }
}
/// Shorthand for a CIS v6.0.0 reference.
#[must_use]
pub const fn cis6(id: &'static str) -> Compliance {
    Compliance {
        framework: Framework::Cis6,
        id,
    }
}
/// Shorthand for a Security Hub FSBP reference.
#[must_use]
pub const fn fsbp(id: &'static str) -> Compliance {
    Compliance {
        framework: Framework::Fsbp,
        id,
    }
}

/// The fix for a check's failures, as declared.
#[derive(Debug, Clone, Copy)]
pub struct RemediationText {
    /// What to do.
    pub text: &'static str,
    /// An AWS CLI command.
    pub cli: Option<&'static str>,
    /// Terraform.
    pub terraform: Option<&'static str>,
}

impl RemediationText {
    /// As the model's owned type.
    #[must_use]
    pub fn to_model(&self) -> Remediation {
        Remediation {
            text: self.text.to_owned(),
            cli: self.cli.map(str::to_owned),
            terraform: self.terraform.map(str::to_owned),
        }
    }
}

/// A check's declaration: everything but its evaluation.
#[derive(Debug)]
pub struct CheckMeta {
    /// Stable code (`S3-003`): never reused, never renumbered.
    pub code: &'static str,
    /// A kebab-case name that states the problem (`bucket-without-versioning`).
    pub name: &'static str,
    /// One line for lists.
    pub title: &'static str,
    /// Default severity (a config override may change it).
    pub severity: Severity,
    /// CHECKLIST control ids served.
    pub controls: &'static [&'static str],
    /// The inputs it can judge.
    pub inputs: &'static [Input],
    /// Compliance references.
    pub compliance: &'static [Compliance],
    /// The data sets it reads (see `rampart_model::data`): gaps on them make it `not_assessed`.
    pub needs: &'static [&'static str],
    /// Why it matters, in a paragraph.
    pub rationale: &'static str,
    /// How to fix it.
    pub remediation: RemediationText,
    /// A manual check: it only lists what an auditor must check.
    pub manual: bool,
}

/// A check.
pub trait Check: Sync {
    /// The declaration.
    fn meta(&self) -> &'static CheckMeta;
    /// Evaluates the Inventory, writing a result per resource judged to `out`.
    fn run(&self, ctx: &Context<'_>, out: &mut Sink);
}

/// Where a result applies: a resource, in an account and (for regional resources) a region.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    /// The resource ARN or IaC address.
    pub resource: &'a str,
    /// The account id.
    pub account: &'a str,
    /// The region (`None`: global).
    pub region: Option<&'a str>,
    /// Where the resource was read or declared.
    pub origin: Option<&'a Origin>,
}

impl<'a> At<'a> {
    /// A resource described by its `Meta`.
    #[must_use]
    pub fn meta(account: &'a str, region: Option<&'a str>, meta: &'a Meta) -> Self {
        At {
            resource: &meta.arn,
            account,
            region,
            origin: Some(&meta.origin),
        }
    }

    /// Something that is not a resource of its own (an account setting, a missing trail).
    #[must_use]
    pub fn place(account: &'a str, region: Option<&'a str>, resource: &'a str) -> Self {
        At {
            resource,
            account,
            region,
            origin: None,
        }
    }

    /// Uses a more precise origin (a rule declared apart from its group).
    #[must_use]
    pub fn with_origin(mut self, origin: Option<&'a Origin>) -> Self {
        if origin.is_some() {
            self.origin = origin;
        }
        self
    }
}

/// Collects a check's results.
#[derive(Debug)]
pub struct Sink {
    meta: &'static CheckMeta,
    severity: Severity,
    pub(crate) findings: Vec<Finding>,
    /// Beside each finding: the data sets it rests on when narrower than the check's `needs`
    /// (see [`Sink::fail_resting_on`]).
    pub(crate) basis: Vec<Basis>,
    /// When passes are only counted: where each pass was (account, region, resource), so that
    /// gaps can still withdraw theirs; the finding a pass returns is a scratch one.
    /// The last item tells whether the pass is on a resource the input declares (it has a file
    /// location).
    pub(crate) pass_places: Option<Vec<PassPlace>>,
    scratch: Option<Box<Finding>>,
    /// The declared fix, made once and shared by every finding that needs it.
    remediation: std::sync::Arc<Remediation>,
    /// No fix, for passes.
    no_remediation: std::sync::Arc<Remediation>,
}

impl Sink {
    /// A sink for `meta`'s results, at `severity` (the declared one unless overridden).
    #[must_use]
    pub fn new(meta: &'static CheckMeta, severity: Severity) -> Self {
        Sink {
            meta,
            severity,
            findings: Vec::new(),
            basis: Vec::new(),
            pass_places: None,
            scratch: None,
            remediation: std::sync::Arc::new(meta.remediation.to_model()),
            no_remediation: std::sync::Arc::default(),
        }
    }

    /// Counts passes instead of keeping them: [`Sink::pass`] then records only where the pass
    /// was, and the finding it returns (for evidence) is discarded.
    #[must_use]
    pub fn counting_passes(mut self) -> Self {
        self.pass_places = Some(Vec::new());
        self
    }

    /// Records a failure; add evidence to the returned finding with [`FindingExt::with`].
    pub fn fail(&mut self, at: At<'_>, message: impl Into<String>) -> &mut Finding {
        self.push(at, Status::Fail, message.into())
    }

    /// Records a failure established from `data` alone: a gap on another data set the check
    /// needs does not withhold it (LOG-6: a metric filter that does not exist is missing
    /// whatever the alarms are).
    pub fn fail_resting_on(
        &mut self,
        at: At<'_>,
        data: &'static [&'static str],
        message: impl Into<String>,
    ) -> &mut Finding {
        self.push(at, Status::Fail, message.into());
        if let Some(b) = self.basis.last_mut() {
            b.rests_on = Some(data);
        }
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// Records a pass.
    pub fn pass(&mut self, at: At<'_>, message: impl Into<String>) -> &mut Finding {
        self.push(at, Status::Pass, message.into())
    }

    /// Records that the check could not judge this resource (a value unknown before apply).
    pub fn not_assessed(&mut self, at: At<'_>, message: impl Into<String>) -> &mut Finding {
        self.push(at, Status::NotAssessed, message.into())
    }

    /// Records a manual item.
    pub fn manual(&mut self, at: At<'_>, message: impl Into<String>) -> &mut Finding {
        self.push(at, Status::Manual, message.into())
    }

    /// The results so far.
    #[must_use]
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Takes the results.
    #[must_use]
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }

    fn push(&mut self, at: At<'_>, status: Status, message: String) -> &mut Finding {
        if status == Status::Pass
            && let Some(places) = &mut self.pass_places
        {
            places.push((
                at.account.to_owned(),
                at.region.map(str::to_owned),
                at.resource.to_owned(),
                at.origin.is_some_and(|o| o.file.is_some()),
            ));
            let scratch = self.scratch.get_or_insert_with(|| {
                Box::new(Finding {
                    check: self.meta.code.to_owned(),
                    name: self.meta.name.to_owned(),
                    controls: Vec::new(),
                    severity: self.severity,
                    status,
                    resource: String::new(),
                    account: None,
                    region: None,
                    message: String::new(),
                    evidence: rampart_model::Evidence::new(),
                    location: None,
                    remediation: std::sync::Arc::clone(&self.no_remediation),
                    waiver_reason: None,
                })
            });
            scratch.evidence.clear();
            return scratch;
        }
        let location = at.origin.and_then(|o| {
            o.file.as_ref().map(|file| Location {
                file: file.clone(),
                line: o.line,
                column: o.column,
            })
        });
        // An IaC resource is named `FILE:ADDRESS`; the ARN its declaration gives goes in evidence.
        let mut evidence = rampart_model::Evidence::new();
        if let Some(arn) = at.origin.and_then(|o| o.arn.as_ref()) {
            evidence.insert("arn".to_owned(), serde_json::Value::String(arn.clone()));
        }
        self.basis.push(Basis { rests_on: None });
        self.findings.push(Finding {
            check: self.meta.code.to_owned(),
            name: self.meta.name.to_owned(),
            controls: self.meta.controls.iter().map(|c| (*c).to_owned()).collect(),
            severity: self.severity,
            status,
            resource: at.resource.to_owned(),
            account: Some(at.account.to_owned()),
            region: at.region.map(str::to_owned),
            message,
            evidence,
            location,
            // A pass needs no fix; not copying the declared remediation into every pass keeps a scan's
            // memory proportional to what is wrong rather than to the estate's size.
            remediation: if status == Status::Pass {
                std::sync::Arc::clone(&self.no_remediation)
            } else if is_aws_managed_policy(at.resource) {
                std::sync::Arc::new(aws_managed_policy_remediation(&self.remediation))
            } else {
                std::sync::Arc::clone(&self.remediation)
            },
            waiver_reason: None,
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}

/// Whether `resource` is an AWS managed policy (`arn:<partition>:iam::aws:policy/…`), which only
/// AWS can edit.
#[must_use]
pub fn is_aws_managed_policy(resource: &str) -> bool {
    resource
        .strip_prefix("arn:")
        .and_then(|r| r.split_once(':'))
        .is_some_and(|(_, rest)| rest.starts_with("iam::aws:policy/"))
}

/// The fix of a finding on an AWS managed policy: nobody but AWS can edit it, so the remedy is to
/// detach it and attach a customer managed policy written to the check's advice.
#[must_use]
pub fn aws_managed_policy_remediation(declared: &Remediation) -> Remediation {
    Remediation {
        text: format!(
            "Only AWS can edit this AWS managed policy: detach it from its users, groups and roles \
             and attach a customer managed policy granting what they need instead. For that \
             policy: {}",
            declared.text
        ),
        cli: Some(
            "aws iam detach-role-policy --role-name <role> --policy-arn <aws-managed-policy-arn>\naws iam attach-role-policy --role-name <role> --policy-arn <customer-managed-policy-arn>"
                .to_owned(),
        ),
        terraform: None,
    }
}

/// Where a counted pass was: account, region, resource, and whether the resource is declared
/// in a file.
pub(crate) type PassPlace = (String, Option<String>, String, bool);

/// What one result rests on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Basis {
    /// The data sets it was established from (`None`: all the check needs).
    pub rests_on: Option<&'static [&'static str]>,
}

/// Adds evidence to a finding, fluently.
pub trait FindingExt {
    /// Adds `key: value` to the evidence.
    fn with(&mut self, key: &str, value: serde_json::Value) -> &mut Self;
}

impl FindingExt for Finding {
    fn with(&mut self, key: &str, value: serde_json::Value) -> &mut Self {
        self.evidence.insert(key.to_owned(), value);
        self
    }
}
