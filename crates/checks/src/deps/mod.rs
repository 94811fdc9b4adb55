//! Dependencies of the application (`DEPS-`): lock files in source trees, judged by
//! `rampart deps` (and `rampart scan` on a source tree) through the `rampart-deps` crate.
//!
//! These checks read files, not the Inventory: their `run` judges nothing (the Inventory holds
//! no lock file), and their results come from `rampart_deps::audit`, which reports under the
//! codes declared here. The declarations live in the catalogue so that `checks list`,
//! `checks explain`, the generated docs and the report's rule descriptions know them.

use crate::check::Check;
use crate::prelude::*;

/// A dependency named by a lock file has a published advisory affecting its version.
pub struct DependencyWithKnownVulnerability;

static DEPS_001: CheckMeta = CheckMeta {
    code: "DEPS-001",
    name: "dependency-with-known-vulnerability",
    title: "A locked dependency version has a known vulnerability (OSV advisory)",
    severity: Severity::Medium,
    controls: &["APP-1"],
    inputs: &[Input::Files],
    compliance: &[],
    needs: &["deps.lockfiles"],
    rationale: "Most code running in a backend is its dependencies. A version with a published \
                advisory (a CVE, GHSA or PYSEC record) is what automated attacks try first, \
                because the vulnerable code and often an exploit are public. Each result names the \
                lock file line, the advisories (aliases of one vulnerability count once), the \
                severity computed from the advisory's CVSS v3 vector (or the record's own rating; \
                medium when it states none) and the lowest version that fixes them all. Entries \
                that pin no released version (a range, a VCS or path dependency) are reported \
                not assessed, with why.",
    remediation: RemediationText {
        text: "Upgrade the package to the `fixed` version of the finding (or later) and \
               regenerate the lock file; where no fix exists, remove the dependency or confirm \
               the vulnerable code is unreachable and waive the finding with the reason. Run \
               `rampart deps` in CI with a database refreshed daily (`rampart deps --update-db`).",
        cli: Some(
            "rampart deps --update-db ~/.cache/rampart/osv && rampart deps . --db ~/.cache/rampart/osv",
        ),
        terraform: None,
    },
    manual: false,
};

impl Check for DependencyWithKnownVulnerability {
    fn meta(&self) -> &'static CheckMeta {
        &DEPS_001
    }

    /// Nothing in the Inventory to judge: see the module documentation.
    fn run(&self, _ctx: &Context<'_>, _out: &mut Sink) {}
}

/// A source tree names a language runtime past its end of support.
pub struct RuntimePastEndOfSupport;

static DEPS_002: CheckMeta = CheckMeta {
    code: "DEPS-002",
    name: "runtime-past-end-of-support",
    title: "A source tree names a Python, Node.js or Ruby runtime past its end of support",
    severity: Severity::Medium,
    controls: &["APP-2"],
    inputs: &[Input::Files],
    compliance: &[],
    needs: &["deps.runtimes"],
    rationale: "A runtime past its end of support gets no security patches: vulnerabilities found \
                in the interpreter or its standard library stay open. The version a project runs \
                on is written in its version files (`.python-version`, `runtime.txt`, `.nvmrc`, \
                `.ruby-version`), its metadata (`requires-python`, `engines.node`) and its \
                Dockerfiles (`FROM python:3.7`). They are judged against the same end-of-support \
                table, with dates, as Lambda functions (LAMBDA-002); a range is judged by the \
                lowest version it allows.",
    remediation: RemediationText {
        text: "Move the project to a supported version of the runtime (the finding gives the \
               end-of-support date of the one named), update the version file, the metadata's \
               lower bound and the Dockerfile base image together, and run the tests on it.",
        cli: None,
        terraform: None,
    },
    manual: false,
};

impl Check for RuntimePastEndOfSupport {
    fn meta(&self) -> &'static CheckMeta {
        &DEPS_002
    }

    /// Nothing in the Inventory to judge: see the module documentation.
    fn run(&self, _ctx: &Context<'_>, _out: &mut Sink) {}
}

/// The checks of this area.
pub(crate) const CHECKS: &[&dyn Check] =
    &[&DependencyWithKnownVulnerability, &RuntimePastEndOfSupport];

/// Whether a check judges files only (its results come from a command reading them, not from
/// the Inventory).
#[must_use]
pub fn judges_files_only(meta: &CheckMeta) -> bool {
    !meta.inputs.is_empty() && meta.inputs.iter().all(|i| *i == Input::Files)
}
