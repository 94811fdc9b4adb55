#!/usr/bin/env bash
# Seeds the fuzz corpora from the IaC fixtures and the vendored terragoat/cfngoat.
set -euo pipefail
cd "$(dirname "$0")"
src=../../crates/collect-iac/tests
mkdir -p corpus/hcl_read corpus/cfn_read
i=0
for f in "$src"/fixtures/tf-*/*/main.tf "$src"/corpus/terragoat/aws/*.tf; do i=$((i + 1)); cp "$f" "corpus/hcl_read/seed$i.tf"; done
for f in "$src"/fixtures/cfn-*/*/template.* "$src"/corpus/cfngoat/*.yaml; do i=$((i + 1)); cp "$f" "corpus/cfn_read/seed$i"; done
