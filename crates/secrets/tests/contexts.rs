//! Secrets written the way other people write them, in the files they live in: `.env`, YAML
//! (a Kubernetes `Secret` with base64 `data:`), JSON holding JSON as a string, a Jupyter notebook,
//! a Dockerfile, shell scripts, Terraform variables, a WireGuard config. Every planted secret must
//! be found at its file and line with the rule and the context expected, and nothing else: the
//! placeholders and look-alikes planted beside them must give nothing. Secrets are generated at
//! run time (a repository holding them would trip push protection).

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use rampart_secrets::{Place, Scanner, WalkOptions, scan_paths, to_finding};
use support::tree::Gen;

/// (file, line, rule, context)
type Want = (String, usize, String, Option<String>);

fn b64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= n {
                out.push(char::from(A[((v >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

struct Tree<'a> {
    root: &'a Path,
    want: BTreeSet<Want>,
    secrets: Vec<String>,
}

impl Tree<'_> {
    /// Writes `text` at `rel`; each mark is (needle, rule, context): the secret is on the line
    /// holding the needle.
    fn put(&mut self, rel: &str, text: &str, marks: &[(&str, &str, Option<&str>)]) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        for (needle, rule, context) in marks {
            let line = text
                .lines()
                .position(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("{rel}: {needle} not in text"))
                + 1;
            self.want.insert((
                rel.to_owned(),
                line,
                (*rule).to_owned(),
                context.map(str::to_owned),
            ));
        }
    }
}

#[test]
#[allow(clippy::too_many_lines)]
fn secrets_in_the_files_they_live_in_are_found_with_their_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut g = Gen::new(0x1818);
    let mut t = Tree {
        root: dir.path(),
        want: BTreeSet::new(),
        secrets: Vec::new(),
    };

    // .env: a quoted password, an unquoted one, and placeholders keeping a real prefix.
    let pw = format!("{}&{}x", g.alnum(8), g.digits(2));
    let pass = g.alnum(14);
    let filler_anthropic = format!("sk-ant-api03-{}", "a".repeat(93));
    let filler_slack = "xoxb-1111111111-1111111111-aaaaaaaaaaaaaaaaaaaaaaaa".to_owned();
    let filler_grafana = format!("glc_{}", "abc123".repeat(8));
    let filler_google = format!("AIza{}", "1".repeat(35));
    t.put(
        ".env",
        &format!(
            "DB_PASSWORD=\"{pw}\"\nDB_PASS={pass}\nANTHROPIC_API_KEY={filler_anthropic}\nSLACK_BOT_TOKEN={filler_slack}\nGRAFANA_TOKEN={filler_grafana}\nMAPS_KEY={filler_google}\nAPI_TOKEN=<your-token-here>\nSESSION_SECRET=${{SESSION_SECRET}}\n"
        ),
        &[
            ("DB_PASSWORD", "generic-password", None),
            ("DB_PASS=", "generic-env-credential", None),
        ],
    );
    t.secrets.extend([pw.clone(), pass.clone()]);

    // Kubernetes Secret: base64 data values, one of them a PEM key.
    let k8s_pw = format!("{}-{}", g.alnum(10), g.digits(3));
    let pem = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n{}\n{}\n-----END RSA PRIVATE KEY-----\n",
        g.b64(64),
        g.b64(64),
        g.b64(40)
    );
    let (enc_pw, enc_pem) = (b64(k8s_pw.as_bytes()), b64(pem.as_bytes()));
    assert!(enc_pem.starts_with("LS0tLS1CRUdJTi"));
    t.put(
        "deploy/k8s/secret.yaml",
        &format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: shop-db\ntype: Opaque\ndata:\n  username: {}\n  password: {enc_pw}\n  tls.key: {enc_pem}\n",
            b64(b"shop")
        ),
        &[
            (
                "password:",
                "generic-password",
                Some("base64-decoded value"),
            ),
            ("tls.key", "private-key", Some("base64-decoded value")),
        ],
    );
    t.secrets.extend([k8s_pw.clone(), enc_pw.clone()]);

    // JSON holding JSON as a string, and an Azure App Configuration connection string.
    let aws_secret = g.b64(40);
    let appconfig = g.b64(43) + "=";
    t.put(
        "config/settings.json",
        &format!(
            "{{\n  \"name\": \"shop\",\n  \"payload\": \"{{\\\"region\\\":\\\"eu-west-1\\\",\\\"awsSecretKey\\\":\\\"{aws_secret}\\\"}}\",\n  \"appConfig\": \"Endpoint=https://shop-cfg.azconfig.io;Id={}-l0-s0:{};Secret={appconfig}\"\n}}\n",
            g.alnum(4),
            g.alnum(20)
        ),
        &[
            (
                "payload",
                "aws-secret-access-key",
                Some("unescaped string"),
            ),
            (
                "appConfig",
                "azure-app-configuration-connection-string",
                None,
            ),
        ],
    );
    t.secrets.extend([aws_secret.clone(), appconfig.clone()]);

    // A notebook: the same lines as in a .py file, escaped; found in their cell and line.
    let nb_pw = format!("{}!{}", g.alnum(10), g.digits(2));
    let env_key = g.alnum(24);
    t.put(
        "notebooks/explore.ipynb",
        &format!(
            r##"{{
 "cells": [
  {{
   "cell_type": "markdown",
   "metadata": {{}},
   "source": [
    "# Orders\n"
   ]
  }},
  {{
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {{}},
   "outputs": [],
   "source": [
    "import os\n",
    "os.environ[\"PAYMENTS_KEY\"] = \"{env_key}\"\n",
    "conn = connect(host=\"db\", password=\"{nb_pw}\")\n"
   ]
  }}
 ],
 "nbformat": 4,
 "nbformat_minor": 5
}}
"##
        ),
        &[
            (
                "PAYMENTS_KEY",
                "environment-variable-assignment",
                Some("cell 2, line 2"),
            ),
            ("conn = ", "generic-password", Some("cell 2, line 3")),
        ],
    );
    t.secrets.extend([nb_pw.clone(), env_key.clone()]);

    // A Dockerfile and shell scripts: credential flags and variables on command lines.
    let docker_pw = format!("{}-{}", g.alnum(9), g.digits(2));
    let curl_pw = format!("{}-{}", g.alnum(8), g.digits(3));
    t.put(
        "Dockerfile",
        &format!(
            "FROM python:3.12-slim\nENV DB_PASSWORD={docker_pw}\nRUN curl -fsSL -u deploy:{curl_pw} https://nexus.shop.io/repository/raw/app.tgz -o /app.tgz\nCMD [\"python\", \"-m\", \"app\"]\n"
        ),
        &[
            ("ENV DB_PASSWORD", "generic-env-credential", None),
            ("curl", "curl-user-password", None),
        ],
    );
    let pg_pw = format!("{}{}", g.alnum(9), g.digits(2));
    let my_pw = format!("{}{}", g.alnum(9), g.digits(2));
    let odbc_pw = format!("{};{}", g.alnum(8), g.alnum(8));
    let at_pw = format!("{}@{}", g.alnum(8), g.alnum(8));
    t.put(
        "scripts/backup.sh",
        &format!(
            "#!/bin/sh\nset -eu\nPGPASSWORD={pg_pw} pg_dump -h db.internal -U shop shop > shop.sql\nmysqldump -u root -p{my_pw} shop > shop-mysql.sql\nexport ODBC=\"Driver={{ODBC Driver 18 for SQL Server}};Server=tcp:db,1433;Uid=app;Pwd={{{odbc_pw}}};\"\npsql \"postgresql://shop:{at_pw}@db.internal:5432/shop\" -c 'select 1'\ncurl -u \"$NEXUS_USER:$NEXUS_PASSWORD\" https://nexus.shop.io\ncp static/img/xoxo-{}.png /srv/www/\n",
            g.alnum(16)
        ),
        &[
            ("PGPASSWORD", "cli-password-flag", None),
            ("mysqldump", "mysql-cli-password", None),
            ("ODBC", "connection-string-password", None),
            ("postgresql://", "database-url-with-password", None),
        ],
    );
    t.secrets
        .extend([docker_pw, curl_pw, pg_pw, my_pw, odbc_pw, at_pw.clone()]);

    // Terraform variables and a WireGuard configuration.
    let tf_pw = format!("{}%{}", g.alnum(12), g.digits(2));
    let storage = g.b64(86) + "==";
    t.put(
        "infra/prod.tfvars",
        &format!(
            "region = \"eu-west-1\"\ndb_password = \"{tf_pw}\"\nazure_storage_key = \"{storage}\"\nadmin_password = \"changeme\"\n"
        ),
        &[
            ("db_password", "generic-password", None),
            ("azure_storage_key", "azure-storage-key-named", None),
        ],
    );
    // A WireGuard key: 32 bytes, so its 43rd base64 character carries four zero bits.
    let wg = format!(
        "{}{}=",
        g.b64(42),
        "AEIMQUYcgkosw480".chars().nth(5).expect("c")
    );
    t.put(
        "vpn/wg0.conf",
        &format!("[Interface]\nAddress = 10.8.0.1/24\nListenPort = 51820\nPrivateKey = {wg}\n"),
        &[("PrivateKey", "wireguard-private-key", None)],
    );
    t.secrets.extend([tf_pw, storage, wg]);

    let scanner = Scanner::builtin().expect("catalogue");
    let result = scan_paths(
        &scanner,
        &[dir.path().to_path_buf()],
        &WalkOptions::default(),
    )
    .expect("scan");
    let got: BTreeSet<Want> = result
        .matches
        .iter()
        .map(|m| {
            let rel = m
                .path
                .strip_prefix(dir.path())
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            (
                rel,
                m.found.line as usize,
                m.found.rule.clone(),
                m.found.context.clone(),
            )
        })
        .collect();
    let missed: Vec<_> = t.want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&t.want).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed: {missed:#?}\nfalse positives: {extra:#?}"
    );

    // Never a secret whole: not in the matches, not in the findings.
    let findings: Vec<String> = result
        .matches
        .iter()
        .map(|m| {
            let file = m.path.to_string_lossy();
            let f = to_finding(
                Place {
                    file: &file,
                    commit: None,
                    blob: None,
                },
                &m.found,
            );
            serde_json::to_string(&f).expect("json")
        })
        .collect();
    let shown = format!("{:?}\n{}", result.matches, findings.join("\n"));
    for s in &t.secrets {
        assert!(!shown.contains(s.as_str()), "a secret leaked whole: {s}");
    }
    // What made each value a finding: the name it was assigned to, the command and flag that
    // passed it, what the decoded value was assigned to; never the secret.
    let lead_of = |file: &str, rule: &str| -> Option<String> {
        result
            .matches
            .iter()
            .find(|m| m.path.ends_with(file) && m.found.rule == rule)
            .unwrap_or_else(|| panic!("{file}: no {rule}"))
            .found
            .lead
            .clone()
    };
    assert_eq!(
        lead_of(".env", "generic-password").as_deref(),
        Some("DB_PASSWORD=")
    );
    assert_eq!(
        lead_of("Dockerfile", "curl-user-password").as_deref(),
        Some("curl -fsSL -u deploy:")
    );
    assert_eq!(
        lead_of("deploy/k8s/secret.yaml", "generic-password").as_deref(),
        Some("password:")
    );
    assert_eq!(
        lead_of("notebooks/explore.ipynb", "generic-password").as_deref(),
        Some("password=")
    );
    assert_eq!(
        lead_of("notebooks/explore.ipynb", "environment-variable-assignment").as_deref(),
        Some("os.environ[\"PAYMENTS_KEY\"] =")
    );
    assert_eq!(
        lead_of("deploy/k8s/secret.yaml", "private-key"),
        None,
        "a key block is found by its own shape"
    );
    for m in &result.matches {
        let lead = m.found.lead.as_deref().unwrap_or_default();
        assert!(
            lead.chars().count() <= rampart_secrets::scanner::LEAD_LIMIT,
            "{lead}"
        );
    }
    assert!(
        findings
            .iter()
            .any(|f| f.contains("\"after\":\"DB_PASSWORD=\"")),
        "{findings:#?}"
    );
    // The context is reported with the finding.
    assert!(
        findings
            .iter()
            .any(|f| f.contains("\"inside\":\"cell 2, line 3\"")),
        "{findings:#?}"
    );
}

#[test]
fn a_token_shape_inside_a_file_name_is_not_a_secret() {
    let s = Scanner::builtin().expect("catalogue");
    let name = ["xoxo-", "Kx92mPq7Lz4Wn8Rt"].concat();
    let as_path = format!("<img src=\"/static/img/{name}.png\" alt=\"party\">\n");
    assert!(s.scan(as_path.as_bytes(), Some("html")).is_empty());
    let as_token = format!("SLACK_LEGACY={name}\n");
    let found: Vec<String> = s
        .scan(as_token.as_bytes(), Some("env"))
        .into_iter()
        .map(|m| m.rule)
        .collect();
    assert_eq!(found, ["slack-legacy-token"]);
}

#[test]
fn identifiers_that_carry_no_credential_are_not_reported() {
    // IAM unique ids of users, roles, groups, policies, instance profiles, public keys and
    // certificates are not secrets; access keys (AKIA, ASIA), STS bearer tokens (ABIA) and
    // context-specific credentials (ACCA) are.
    let s = Scanner::builtin().expect("catalogue");
    let mut g = Gen::new(7);
    for prefix in [
        "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "APKA", "AROA", "ASCA",
    ] {
        let text = format!("\"Id\": \"{prefix}{}\"\n", g.upper32(16));
        assert!(s.scan(text.as_bytes(), None).is_empty(), "{text}");
    }
    for prefix in ["AKIA", "ASIA", "ABIA", "ACCA"] {
        let text = format!("\"Id\": \"{prefix}{}\"\n", g.upper32(16));
        let rules: Vec<String> = s
            .scan(text.as_bytes(), None)
            .into_iter()
            .map(|m| m.rule)
            .collect();
        assert_eq!(rules, ["aws-access-key-id"], "{text}");
    }
}
