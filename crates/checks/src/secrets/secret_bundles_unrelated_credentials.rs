//! SM-003 `secret-bundles-unrelated-credentials`: one Secrets Manager secret hands several
//! unrelated credentials to a task (ECS `secrets` entries that pick different JSON keys of it).

use std::collections::{BTreeMap, BTreeSet};

use crate::prelude::*;

/// A secret should hold one credential: then rotation, access and revocation apply to that
/// credential alone.
pub struct SecretBundlesUnrelatedCredentials;

static META: CheckMeta = CheckMeta {
    code: "SM-003",
    name: "secret-bundles-unrelated-credentials",
    title: "One secret holds several unrelated credentials",
    severity: Severity::Low,
    controls: &["SEC-5"],
    inputs: &[Input::Live, Input::Snapshot],
    compliance: &[],
    needs: &[data::ECS],
    rationale: "A secret that bundles, say, the database password with the Shopify token and a \
                payment key cannot be rotated credential by credential, and whoever may read it \
                reads them all: a task that needs only the database learns the payment key too. \
                Task definitions show the bundling when their containers take several values \
                out of one JSON secret by key. (Secret values are never read: only those \
                references are judged, so a bundle nothing references by key is not seen.)",
    remediation: RemediationText {
        text: "Split the secret: one secret per credential (the database user and password \
               together, each API token on its own), each with its own rotation and its own \
               `secretsmanager:GetSecretValue` grant, and point each container `secrets` entry \
               at its own secret.",
        cli: Some(
            "aws secretsmanager create-secret --name <app>/<credential> --secret-string file://one-credential.json",
        ),
        terraform: Some(
            "resource \"aws_secretsmanager_secret\" \"shopify_token\" {\n  name = \"shop/prod/shopify-token\"\n}\n\nresource \"aws_secretsmanager_secret\" \"db\" {\n  name = \"shop/prod/db\"\n}",
        ),
    },
    manual: false,
};

/// Key names that belong to one database credential (RDS secrets hold all of them).
const DATABASE_FIELDS: &[&str] = &[
    "user",
    "username",
    "password",
    "pass",
    "host",
    "hostname",
    "port",
    "dbname",
    "database",
    "engine",
    "dbinstanceidentifier",
    "dbclusteridentifier",
    "url",
    "dsn",
];

/// Leading words that name a database whatever follows (`DB_PASSWORD`, `PG_HOST`).
const DATABASE_PREFIXES: &[&str] = &[
    "db",
    "database",
    "postgres",
    "postgresql",
    "pg",
    "mysql",
    "mariadb",
    "rds",
    "redis",
    "mongo",
    "mongodb",
    "sql",
    "aurora",
];

/// The credential a JSON key belongs to: `database` for the fields of a database login, else the
/// key's first word (`SHOPIFY_API_KEY` and `SHOPIFY_API_SECRET` are one credential).
fn family(key: &str) -> String {
    let lower = key.to_ascii_lowercase();
    if DATABASE_FIELDS.contains(&lower.as_str()) {
        return "database".to_owned();
    }
    let first = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    if DATABASE_PREFIXES.contains(&first) {
        "database".to_owned()
    } else {
        first.to_owned()
    }
}

/// Splits an ECS `valueFrom` that names a Secrets Manager secret into the secret's ARN and the
/// JSON key it selects (`arn:…:secret:NAME:json-key:version-stage:version-id`).
fn secret_and_key(value_from: &str) -> Option<(&str, &str)> {
    let at = value_from.find(":secret:")?;
    if !value_from.starts_with("arn:") || !value_from[..at].contains(":secretsmanager:") {
        return None;
    }
    let after = &value_from[at + ":secret:".len()..];
    let (name, rest) = after.split_once(':')?;
    let key = rest.split(':').next().unwrap_or_default();
    if key.is_empty() {
        return None;
    }
    Some((&value_from[..at + ":secret:".len() + name.len()], key))
}

/// What a task takes out of one secret: the JSON keys, and the credentials they belong to.
type Taken<'a> = (BTreeSet<&'a str>, BTreeSet<String>);

impl Check for SecretBundlesUnrelatedCredentials {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, td) in ctx.each(|r| &r.ecs_task_definitions) {
            // secret ARN -> (JSON keys, credential families)
            let mut by_secret: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<String>)> = BTreeMap::new();
            for c in &td.containers {
                for (_, value_from) in &c.secrets {
                    if let Some((secret, key)) = secret_and_key(value_from) {
                        let entry = by_secret.entry(secret).or_default();
                        entry.0.insert(key);
                        entry.1.insert(family(key));
                    }
                }
            }
            if by_secret.is_empty() {
                continue;
            }
            let at = At::meta(&account.id, Some(&region.name), &td.meta);
            let bundles: Vec<(&&str, &Taken<'_>)> = by_secret
                .iter()
                .filter(|(_, (_, families))| families.len() > 1)
                .collect();
            if bundles.is_empty() {
                out.pass(
                    at,
                    format!(
                        "task definition `{}` takes one credential from each secret it reads by key",
                        td.meta.name
                    ),
                );
                continue;
            }
            for (secret, (keys, families)) in bundles {
                out.fail(
                    at,
                    format!(
                        "task definition `{}` takes {} unrelated credentials ({}) out of the one secret `{secret}`",
                        td.meta.name,
                        families.len(),
                        families.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )
                .with("secret", json!(secret))
                .with("json_keys", json!(keys))
                .with("credentials", json!(families));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_secret_and_key_from_value_from() {
        assert_eq!(
            secret_and_key(
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:shop/prod-AbCdEf:db_password::"
            ),
            Some((
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:shop/prod-AbCdEf",
                "db_password"
            ))
        );
        assert_eq!(
            secret_and_key("arn:aws:secretsmanager:us-east-1:111122223333:secret:shop/db-AbCdEf"),
            None
        );
        assert_eq!(
            secret_and_key("arn:aws:ssm:us-east-1:111122223333:parameter/shop/token"),
            None
        );
    }

    #[test]
    fn one_database_login_is_one_credential() {
        let keys = ["username", "password", "host", "port", "DB_NAME"];
        let families: BTreeSet<String> = keys.iter().map(|k| family(k)).collect();
        assert_eq!(families.len(), 1, "{families:?}");
        let keys = ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET"];
        let families: BTreeSet<String> = keys.iter().map(|k| family(k)).collect();
        assert_eq!(families.len(), 1);
        let keys = ["DB_PASSWORD", "SHOPIFY_ACCESS_TOKEN", "STRIPE_SECRET_KEY"];
        let families: BTreeSet<String> = keys.iter().map(|k| family(k)).collect();
        assert_eq!(families.len(), 3);
    }
}
