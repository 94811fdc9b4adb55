#!/usr/bin/env python3
"""The 20 simplest patterns of the catalogue (fixed-prefix token formats), as rule ids (--ids) or
as ripgrep arguments (--rg), read from crates/secrets/patterns/*.toml so both tools run the same
regexes."""
import glob, os, sys, tomllib

IDS = [
    "aws-access-key-id", "github-personal-access-token", "github-oauth-token", "github-fine-grained-token",
    "gitlab-personal-access-token", "slack-bot-token", "slack-webhook-url", "stripe-secret-key",
    "stripe-restricted-key", "google-api-key", "shopify-access-token", "shopify-shared-secret",
    "shopify-custom-app-token", "shopify-private-app-token", "npm-access-token", "sendgrid-api-key",
    "digitalocean-personal-access-token", "pypi-upload-token", "age-secret-key", "openai-api-key",
]

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../crates/secrets/patterns")
rules = {}
for path in glob.glob(os.path.join(root, "*.toml")):
    with open(path, "rb") as f:
        for r in tomllib.load(f).get("rule", []):
            rules[r["id"]] = r
missing = [i for i in IDS if i not in rules]
if missing:
    sys.exit(f"not in the catalogue: {missing}")
if sys.argv[1:] == ["--ids"]:
    print(",".join(IDS))
elif sys.argv[1:] == ["--rg"]:
    # One -e per pattern; (?-u:...) keeps ripgrep byte-oriented like rampart.
    for i in IDS:
        print("-e")
        print(f"(?-u:{rules[i]['regex']})")
else:
    sys.exit("usage: simple20.py --ids | --rg")
