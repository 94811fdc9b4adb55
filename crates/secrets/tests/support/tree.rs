//! A fixture tree of planted secrets and decoys, written at run time (a repository that held these
//! literals would trip push protection). Used by the tests and by `bench/secrets` (through the
//! `fixture_tree` example) to measure recall and precision.

#![allow(dead_code)]

use std::path::Path;

/// A secret planted in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    /// Path relative to the tree root.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// What it is (a rule or pair id of the catalogue).
    pub kind: String,
}

/// A deterministic generator of token bodies.
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Self {
        Gen(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn of(&mut self, alphabet: &str, n: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        loop {
            let s: String = (0..n)
                .map(|_| chars[usize::try_from(self.next() % chars.len() as u64).unwrap_or(0)])
                .collect();
            let mixed = !alphabet.contains('a')
                || !alphabet.contains('A')
                || n < 8
                || (s.chars().any(|c| c.is_ascii_lowercase())
                    && s.chars().any(|c| c.is_ascii_uppercase())
                    && s.chars().any(|c| c.is_ascii_digit()));
            if mixed {
                return s;
            }
        }
    }

    pub fn alnum(&mut self, n: usize) -> String {
        self.of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            n,
        )
    }
    pub fn hex(&mut self, n: usize) -> String {
        self.of("0123456789abcdef", n)
    }
    pub fn b64(&mut self, n: usize) -> String {
        self.of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            n,
        )
    }
    pub fn upper32(&mut self, n: usize) -> String {
        self.of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", n)
    }
    pub fn digits(&mut self, n: usize) -> String {
        self.of("0123456789", n)
    }
}

fn pem(g: &mut Gen, label: &str) -> String {
    let mut body = String::new();
    for _ in 0..6 {
        body.push_str(&g.b64(64));
        body.push('\n');
    }
    format!("-----BEGIN {label}-----\n{body}-----END {label}-----\n")
}

/// Writes the tree under `root`; returns what was planted. Decoys are not listed: anything
/// reported outside the planted lines is a false positive.
pub fn write_tree(root: &Path) -> std::io::Result<Vec<Planted>> {
    let mut g = Gen::new(0x0005_eed8);
    let mut planted = Vec::new();
    let mut put = |rel: &str, text: &str, marks: &[(&str, &str)]| -> std::io::Result<()> {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        // A mark is (needle, kind): the planted secret is on the line holding the needle.
        for (needle, kind) in marks {
            let line = text
                .lines()
                .position(|l| l.contains(needle))
                .map(|i| i + 1)
                .ok_or_else(|| {
                    std::io::Error::other(format!("{rel}: `{needle}` not in the text"))
                })?;
            planted.push(Planted {
                path: rel.to_owned(),
                line,
                kind: (*kind).to_owned(),
            });
        }
        Ok(())
    };

    // AWS: a pair in a credentials file, a lone key id in a hidden .env, documentation values.
    let (akid, sk) = (["AKIA", &g.upper32(16)].concat(), g.b64(40));
    put(
        "deploy/aws/credentials",
        &format!(
            "[default]\naws_access_key_id = {akid}\naws_secret_access_key = {sk}\nregion = us-east-1\n"
        ),
        &[(&sk, "aws-access-key-pair")],
    )?;
    let asia = ["ASIA", &g.upper32(16)].concat();
    let stripe = ["sk_live_", &g.alnum(24)].concat();
    put(
        ".env",
        &format!(
            "# local settings\nAWS_ACCESS_KEY_ID={asia}\nAWS_REGION=eu-west-1\nSTRIPE_SECRET_KEY={stripe}\nDEBUG=false\nDB_PASSWORD=$DB_PASSWORD\n"
        ),
        &[(&asia, "aws-access-key-id"), (&stripe, "stripe-secret-key")],
    )?;
    put(
        "docs/aws.md",
        "Use `aws configure`:\n\n    AWS Access Key ID: AKIAIOSFODNN7EXAMPLE\n    AWS Secret Access Key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
        &[],
    )?;

    // Source hosting and CI.
    let ghp = ["ghp_", &g.alnum(36)].concat();
    let glpat = ["glpat-", &g.alnum(20)].concat();
    put(
        ".github/workflows/release.yml",
        &format!(
            "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    env:\n      GH_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}\n      FALLBACK: {ghp}\n    steps:\n      - run: make release\n"
        ),
        &[(&ghp, "github-personal-access-token")],
    )?;
    put(
        "ci/gitlab.sh",
        &format!(
            "#!/bin/sh\ncurl --header \"PRIVATE-TOKEN: {glpat}\" https://gitlab.shop.io/api/v4/projects\n"
        ),
        &[(&glpat, "gitlab-personal-access-token")],
    )?;
    let npm = ["npm_", &g.alnum(36)].concat();
    put(
        ".npmrc",
        &format!("registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={npm}\n"),
        &[(&npm, "npm-access-token")],
    )?;

    // Shopify and Slack in application code.
    let shpat = ["shpat_", &g.hex(32)].concat();
    let shpss = ["shpss_", &g.hex(32)].concat();
    put(
        "app/shopify/client.py",
        &format!(
            "import os\n\nSHOP = \"shop.myshopify.com\"\nTOKEN = \"{shpat}\"\nAPI_SECRET = \"{shpss}\"\nAPI_VERSION = \"2024-10\"\n\ndef headers():\n    return {{\"X-Shopify-Access-Token\": TOKEN}}\n"
        ),
        &[
            (&shpat, "shopify-access-token"),
            (&shpss, "shopify-shared-secret"),
        ],
    )?;
    let hook = format!(
        "https://hooks.slack.com/services/T{}/B{}/{}",
        g.upper32(10),
        g.upper32(10),
        g.alnum(24)
    );
    let xoxb = format!("xoxb-{}-{}-{}", g.digits(12), g.digits(13), g.alnum(24));
    put(
        "app/notify/slack.js",
        &format!(
            "const WEBHOOK = '{hook}';\nconst BOT = '{xoxb}';\nmodule.exports = {{ WEBHOOK, BOT }};\n"
        ),
        &[(&hook, "slack-webhook-url"), (&xoxb, "slack-bot-token")],
    )?;

    // Google, SendGrid, Twilio in a JSON config with a long minified line.
    let google = ["AIza", &g.alnum(35)].concat();
    let sendgrid = format!("SG.{}.{}", g.alnum(22), g.alnum(43));
    let mut minified = String::from("{\"config\":{");
    for i in 0..400 {
        minified.push_str(&format!("\"k{i}\":\"{}\",", g.hex(12)));
    }
    minified.push_str(&format!("\"maps\":\"{google}\"}}}}"));
    put(
        "web/static/config.min.json",
        &format!("{minified}\n"),
        &[(&google, "google-api-key")],
    )?;
    let twilio = g.hex(32);
    put(
        "services/mail/settings.yaml",
        &format!(
            "sendgrid:\n  api_key: {sendgrid}\ntwilio:\n  twilio_account_sid: AC{}\n  twilio_auth_token: {twilio}\n",
            g.hex(32)
        ),
        &[
            (&sendgrid, "sendgrid-api-key"),
            (&twilio, "twilio-auth-token"),
        ],
    )?;

    // Private keys: PEM, OpenSSH, a GCP service-account file, a public key (decoy).
    let rsa = pem(&mut g, "RSA PRIVATE KEY");
    let first = rsa.lines().nth(1).unwrap_or_default().to_owned();
    put("deploy/keys/server.key", &rsa, &[(&first, "private-key")])?;
    let ssh = pem(&mut g, "OPENSSH PRIVATE KEY");
    let first = ssh.lines().nth(1).unwrap_or_default().to_owned();
    put(
        "home/.ssh/id_ed25519",
        &ssh,
        &[(&first, "openssh-private-key")],
    )?;
    let pub_pem = pem(&mut g, "PUBLIC KEY");
    put("deploy/keys/server.pub", &pub_pem, &[])?;
    let key_id = g.hex(40);
    let sa_key = pem(&mut g, "PRIVATE KEY").replace('\n', "\\n");
    put(
        "deploy/gcp/sa.json",
        &format!(
            "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"shop\",\n  \"private_key_id\": \"{key_id}\",\n  \"private_key\": \"{sa_key}\",\n  \"client_email\": \"ci@shop.iam.gserviceaccount.com\"\n}}\n"
        ),
        &[
            (&key_id, "gcp-service-account-key"),
            ("\"private_key\":", "private-key"),
        ],
    )?;

    // Databases: a compose file, a Django settings module (CRLF endings), decoys.
    let pg = format!("Pg{}-{}", g.alnum(8), g.digits(3));
    let mongo = g.alnum(18);
    put(
        "docker-compose.yml",
        &format!(
            "services:\n  api:\n    environment:\n      DATABASE_URL: postgres://shop:{pg}@db:5432/shop\n      MONGO_URL: mongodb://admin:{mongo}@mongo:27017/orders\n      CACHE_URL: redis://cache:6379/0\n  db:\n    image: postgres:16\n"
        ),
        &[
            (&pg, "database-url-with-password"),
            (&mongo, "database-url-with-password"),
        ],
    )?;
    let django = format!("{}-{}!{}", g.alnum(20), g.alnum(10), g.alnum(12));
    let dbpass = format!("Sh0p-{}", g.alnum(10));
    put(
        "app/settings.py",
        &format!(
            "import os\r\n\r\nSECRET_KEY = \"{django}\"\r\nDEBUG = False\r\nDATABASES = {{\"default\": {{\"PASSWORD\": \"{dbpass}\", \"HOST\": \"db\"}}}}\r\nEMAIL_HOST_PASSWORD = os.environ[\"EMAIL_PASSWORD\"]\r\nAPI_KEY = os.getenv(\"API_KEY\")\r\n"
        ),
        &[(&django, "generic-secret"), (&dbpass, "generic-password")],
    )?;
    put(
        "app/config/defaults.py",
        "PASSWORD = \"${DB_PASSWORD}\"\nADMIN_PASSWORD = \"changeme\"\nTOKEN_URL = \"https://oauth2.googleapis.com/token\"\nGITHUB_TOKEN = \"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\nLOCAL_DB = \"postgres://user:password@localhost/dev\"\npassword_field = \"PasswordInput\"\n",
        &[],
    )?;

    // A JWT in a test, a token in a git-ignored file, one deep in the tree.
    let jwt = format!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIx{}.{}",
        g.alnum(30),
        g.alnum(43)
    );
    put(
        "tests/test_auth.py",
        &format!(
            "def test_login(client):\n    token = \"{jwt}\"\n    assert client.get('/', headers={{'Authorization': token}})\n"
        ),
        &[(&jwt, "jwt")],
    )?;
    put(".gitignore", "secrets.local.json\nnode_modules/\n", &[])?;
    let datadog = g.hex(32);
    put(
        "secrets.local.json",
        &format!("{{\"dd_api_key\": \"{datadog}\"}}\n"),
        &[(&datadog, "datadog-api-key")],
    )?;
    let do_token = ["dop_v1_", &g.hex(64)].concat();
    put(
        "infra/modules/droplet/files/cloud-init/provision.sh",
        &format!("#!/bin/sh\nexport DIGITALOCEAN_TOKEN={do_token}\n"),
        &[(&do_token, "digitalocean-personal-access-token")],
    )?;

    // Checksums, lock files, UUIDs, base64 images: high entropy, not secrets.
    let mut lock = String::from("{\n  \"packages\": {\n");
    for i in 0..30 {
        lock.push_str(&format!(
            "    \"node_modules/p{i}\": {{\"version\": \"1.0.{i}\", \"resolved\": \"https://registry.npmjs.org/p{i}/-/p{i}-1.0.{i}.tgz\", \"integrity\": \"sha512-{}==\"}},\n",
            g.b64(86)
        ));
    }
    lock.push_str("    \"end\": {}\n  }\n}\n");
    put("web/package-lock.json", &lock, &[])?;
    let mut sums = String::new();
    for i in 0..40 {
        sums.push_str(&format!("{}  dist/file{i}.tar.gz\n", g.hex(64)));
    }
    put("dist/SHA256SUMS", &sums, &[])?;
    let mut ids = String::from("order_id,customer_id,commit\n");
    for _ in 0..40 {
        ids.push_str(&format!(
            "{}-{}-4{}-a{}-{},{},{}\n",
            g.hex(8),
            g.hex(4),
            g.hex(3),
            g.hex(3),
            g.hex(12),
            g.digits(10),
            g.hex(40)
        ));
    }
    put("data/orders.csv", &ids, &[])?;
    put(
        "web/static/logo.html",
        &format!("<img src=\"data:image/png;base64,{}\">\n", g.b64(600)),
        &[],
    )?;

    // A binary file holding a token (found: binaries are scanned for token formats), and one
    // holding only noise and a generic-looking assignment (not reported in binary content).
    let mut bin = vec![0u8, 1, 2, 3, 0, 0x7f];
    bin.extend_from_slice(format!("  ghp_{}  ", g.alnum(36)).as_bytes());
    let path = root.join("assets/blob.bin");
    std::fs::create_dir_all(path.parent().unwrap_or(root))?;
    std::fs::write(path, bin)?;
    planted.push(Planted {
        path: "assets/blob.bin".into(),
        line: 1,
        kind: "github-personal-access-token".into(),
    });
    let mut noise = vec![0u8, 0, 1];
    noise.extend_from_slice(format!("password=\"{}\"\0", g.alnum(16)).as_bytes());
    noise.extend((0u8..=255).cycle().take(4096));
    std::fs::write(root.join("assets/font.woff"), noise)?;
    Ok(planted)
}
