//! Manual controls: what no configuration can decide. Each is listed in every report as `manual`
//! with what an auditor must check.

use crate::check::Check;
use crate::prelude::*;

/// One manual control.
pub(crate) struct ManualControl(&'static CheckMeta);

impl Check for ManualControl {
    fn meta(&self) -> &'static CheckMeta {
        self.0
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            out.manual(
                At::place(&account.id, None, &account.id),
                format!("manual: {}", self.0.title),
            );
        }
    }
}

static APP_ENCRYPTION: CheckMeta = CheckMeta {
    code: "MAN-001",
    name: "application-field-encryption-unverified",
    title: "Sensitive fields (PII, payment tokens) must also be encrypted by the application",
    severity: Severity::Info,
    controls: &["ENC-6"],
    inputs: &[],
    compliance: &[],
    needs: &[],
    rationale: "Encryption at rest protects disks and backups, not a database dump taken through \
                the application or a compromised read role. Field-level encryption of PII and \
                payment tokens limits what such a dump exposes.",
    remediation: RemediationText {
        text: "Review the data model: list the fields holding PII or payment tokens and confirm \
               they are encrypted (envelope encryption with a KMS key, or a vault) before they are \
               stored, and that decryption is limited to the code that needs the clear value.",
        cli: None,
        terraform: None,
    },
    manual: true,
};

static APP_LOGGING: CheckMeta = CheckMeta {
    code: "MAN-002",
    name: "application-security-logging-unverified",
    title: "The application must log security events without logging sensitive data",
    severity: Severity::Info,
    controls: &["LOG-11"],
    inputs: &[],
    compliance: &[],
    needs: &[],
    rationale: "CloudTrail records calls to AWS, not logins to the application or refused \
                authorization inside it. Those events are what an incident responder needs first, \
                and logs that contain tokens or PII become a leak of their own.",
    remediation: RemediationText {
        text: "Confirm that authentication successes and failures, authorization failures and \
               access to sensitive records are logged with user, time and source, and that \
               passwords, tokens and PII are masked in those logs.",
        cli: None,
        terraform: None,
    },
    manual: true,
};

static APP_INPUT: CheckMeta = CheckMeta {
    code: "MAN-003",
    name: "application-input-handling-unverified",
    title: "Database queries must be parameterized, input validated and output encoded",
    severity: Severity::Info,
    controls: &["APP-3"],
    inputs: &[],
    compliance: &[],
    needs: &[],
    rationale: "Injection and cross-site scripting come from application code, which no cloud \
                configuration reveals. The secret scanner flags some Python patterns (SQL built \
                by string formatting, Flask debug mode); the rest needs a code review.",
    remediation: RemediationText {
        text: "Review data access code: queries use bound parameters or an ORM, request input is \
               validated against a schema, and templates encode output by default.",
        cli: None,
        terraform: None,
    },
    manual: true,
};

/// The checks of this area.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &ManualControl(&APP_ENCRYPTION),
    &ManualControl(&APP_LOGGING),
    &ManualControl(&APP_INPUT),
];
