//! SSM-001 `parameter-secret-not-secure-string`: a parameter that looks like a secret is stored as
//! plain `String` / `StringList`.

use crate::iam::credentials::find_aws_keys;
use crate::prelude::*;

/// A plain parameter is readable by anyone with `ssm:GetParameter`, unencrypted, and shows in
/// the console.
pub struct ParameterSecretNotSecureString;

static META: CheckMeta = CheckMeta {
    code: "SSM-001",
    name: "parameter-secret-not-secure-string",
    title: "A secret-looking SSM parameter is not a SecureString",
    severity: Severity::High,
    controls: &["SEC-3"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::SSM_PARAMETERS],
    rationale: "A `String` parameter is stored in clear, shown in the console, returned by \
                `GetParametersByPath` to every principal allowed to browse the path, and copied \
                into CloudFormation and Terraform state in clear. A `SecureString` is encrypted \
                with a KMS key, so reading it also needs `kms:Decrypt` on that key — a second, \
                auditable gate — and it is masked wherever it is displayed.",
    remediation: RemediationText {
        text: "Rotate the credential (assume it was read), then store the new value as a \
               `SecureString` encrypted with a customer managed key, and limit \
               `ssm:GetParameter` and `kms:Decrypt` to the roles that need it.",
        cli: Some(
            "aws ssm delete-parameter --name <name>\naws ssm put-parameter --name <name> --type SecureString --key-id alias/shop-secrets --value '<new value>'",
        ),
        terraform: Some(
            "resource \"aws_ssm_parameter\" \"db_password\" {\n  name   = \"/shop/prod/DB_PASSWORD\"\n  type   = \"SecureString\"\n  key_id = aws_kms_key.secrets.arn\n  value  = var.db_password # sensitive, from outside the code\n}",
        ),
    },
    manual: false,
};

/// Words that make a parameter name secret-looking, matched on the lower-cased name with
/// separators removed (`DB_PASSWORD`, `db-password`, `dbPassword` all contain `password`).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "signingkey",
    "credential",
    "databaseurl",
    "connectionstring",
    "webhookurl",
];

/// Value prefixes of well-known credentials: Shopify access tokens and shared secrets, Stripe
/// live keys, GitHub tokens, Slack tokens.
const SECRET_PREFIXES: &[&str] = &[
    "shpat_",
    "shpss_",
    "shpca_",
    "shppa_",
    "sk_live_",
    "rk_live_",
    "ghp_",
    "gho_",
    "github_pat_",
    "xoxb-",
    "xoxp-",
];

impl Check for ParameterSecretNotSecureString {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, p) in ctx.each(|r| &r.ssm_parameters) {
            let at = At::meta(&account.id, Some(&region.name), &p.meta);
            let name = &p.meta.name;
            if p.kind == "SecureString" {
                out.pass(at, format!("parameter `{name}` is a SecureString"));
                continue;
            }
            let reasons = reasons(name, p.value.as_deref());
            if reasons.is_empty() {
                out.pass(
                    at,
                    format!(
                        "parameter `{name}` ({}) does not look like a secret",
                        p.kind
                    ),
                );
            } else {
                // The value is never shown: only why it looks secret, and its length.
                out.fail(
                    at,
                    format!(
                        "parameter `{name}` looks like a secret but is stored as a plain {}",
                        p.kind
                    ),
                )
                .with("type", json!(p.kind))
                .with("reasons", json!(reasons))
                .with(
                    "value_length",
                    json!(p.value.as_ref().map(|v| v.chars().count())),
                );
            }
        }
    }
}

/// Why a parameter looks secret. Its value decides first: a credential shape in the value
/// (AWS access key, private key, token prefix, URL with a password) is a secret whatever the
/// name. A secret-sounding name (`DB_PASSWORD`) counts only when the value could be the secret
/// itself: a parameter that *points at* a secret (`/app/db_password_secret_arn` holding an ARN,
/// a `{{resolve:…}}` or `/aws/reference/secretsmanager/…` reference, a URL without credentials)
/// or holds a plain setting (`true`, `12`) is what SSM documents String parameters for. Without
/// a value (not read), the name alone decides, unless it says it holds a reference (`…_arn`).
fn reasons(name: &str, value: Option<&str>) -> Vec<String> {
    let mut reasons = Vec::new();
    let last = name.rsplit('/').next().unwrap_or(name);
    let normalized: String = last
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let word = SECRET_WORDS.iter().find(|w| normalized.contains(*w));
    let Some(value) = value else {
        if let Some(word) = word
            && !REFERENCE_SUFFIXES.iter().any(|s| normalized.ends_with(s))
        {
            reasons.push(format!("name contains `{word}` (value not read)"));
        }
        return reasons;
    };
    if !find_aws_keys(value).is_empty() {
        reasons.push("value contains an AWS access key".to_owned());
    }
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        reasons.push("value contains a private key".to_owned());
    }
    if let Some(prefix) = SECRET_PREFIXES.iter().find(|p| value.contains(*p)) {
        reasons.push(format!("value contains a `{prefix}` token"));
    }
    if url_with_password(value) {
        reasons.push("value is a URL with an embedded password".to_owned());
    }
    if let Some(word) = word
        && reasons.is_empty()
        && !is_reference_or_setting(value)
    {
        reasons.push(format!(
            "name contains `{word}` and the value is not a reference to a secret"
        ));
    }
    reasons
}

/// Name endings that say the parameter holds where a secret is, not the secret.
const REFERENCE_SUFFIXES: &[&str] = &["arn", "arns", "path", "name", "ref", "reference", "id"];

/// A value that points at a secret or is a plain setting rather than a secret: an ARN (or a
/// list of them), a dynamic reference, an SSM path, a URL without credentials, a boolean, a
/// number, or nothing.
fn is_reference_or_setting(value: &str) -> bool {
    let items: Vec<&str> = value.split(',').map(str::trim).collect();
    items.iter().all(|v| {
        v.is_empty()
            || v.starts_with("arn:")
            || v.starts_with("{{resolve:")
            || v.starts_with("/aws/reference/")
            || v.starts_with("alias/")
            || (v.contains("://") && !url_with_password(v))
            || v.eq_ignore_ascii_case("true")
            || v.eq_ignore_ascii_case("false")
            || v.parse::<f64>().is_ok()
    })
}

/// `scheme://user:password@host…`.
fn url_with_password(value: &str) -> bool {
    value.split("://").skip(1).any(|rest| {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        authority.rsplit_once('@').is_some_and(|(userinfo, _)| {
            userinfo
                .split_once(':')
                .is_some_and(|(_, pw)| !pw.is_empty())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values() {
        assert!(!reasons("/shop/prod/DB_PASSWORD", None).is_empty());
        assert!(!reasons("/shop/prod/shopifyApiToken", Some("x")).is_empty());
        assert!(reasons("/shop/prod/LOG_LEVEL", Some("info")).is_empty());
        assert!(
            !reasons(
                "/shop/prod/DATABASE",
                Some("postgres://app:hunter22@db:5432/shop")
            )
            .is_empty()
        );
        assert!(
            reasons(
                "/shop/prod/DB_HOST",
                Some("postgres://db.internal:5432/shop")
            )
            .is_empty()
        );
        assert!(!reasons("/shop/prod/X", Some("shpat_0123456789abcdef")).is_empty());
    }

    #[test]
    fn a_secret_sounding_name_holding_a_reference_is_not_a_secret() {
        // Issue 17 #5: judged on what the parameter holds, not on its name alone.
        let arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf";
        assert_eq!(
            reasons("/app/db_password_secret_arn", Some(arn)),
            Vec::<String>::new()
        );
        assert!(
            reasons(
                "/app/DB_PASSWORD",
                Some("{{resolve:secretsmanager:prod/db}}")
            )
            .is_empty()
        );
        assert!(
            reasons(
                "/app/db_password",
                Some("/aws/reference/secretsmanager/prod/db")
            )
            .is_empty()
        );
        assert!(reasons("/app/password_min_length", Some("14")).is_empty());
        assert!(
            reasons(
                "/app/token_endpoint",
                Some("https://auth.example.com/oauth/token")
            )
            .is_empty()
        );
        // The same names with the secret itself as value fail.
        assert_eq!(
            reasons("/app/DB_PASSWORD", Some("hunter2-prod")),
            vec!["name contains `password` and the value is not a reference to a secret"]
        );
        // A name ending in `_arn` whose value is a credential still fails on the value.
        assert!(
            !reasons(
                "/app/db_password_secret_arn",
                Some("shpat_0123456789abcdef")
            )
            .is_empty()
        );
        // Value not read: the name decides unless it says it is a reference.
        assert!(!reasons("/app/DB_PASSWORD", None).is_empty());
        assert!(reasons("/app/db_password_secret_arn", None).is_empty());
    }
}
