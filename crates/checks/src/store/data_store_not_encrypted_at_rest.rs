//! STORE-001 `data-store-not-encrypted-at-rest`: an EFS file system, ElastiCache group or
//! OpenSearch domain keeps its data unencrypted.

use crate::prelude::*;

/// Encryption at rest of these stores is chosen at creation and cannot be turned on later.
pub struct DataStoreNotEncryptedAtRest;

static META: CheckMeta = CheckMeta {
    code: "STORE-001",
    name: "data-store-not-encrypted-at-rest",
    title: "An EFS file system, ElastiCache group or OpenSearch domain is not encrypted at rest",
    severity: Severity::High,
    controls: &["ENC-3"],
    inputs: Input::LSTC,
    compliance: &[fsbp("EFS.1"), fsbp("ElastiCache.4"), fsbp("Opensearch.1")],
    needs: &[data::AT_REST_STORES],
    rationale: "EFS file systems, ElastiCache replication groups and OpenSearch domains are \
                encrypted at rest only when created so: the provider and CloudFormation defaults \
                leave them in clear, and the setting cannot be changed afterwards. Their disks, \
                snapshots and backups then hold application data protected by nothing but \
                AWS's physical controls, with no key whose use you control and log.",
    remediation: RemediationText {
        text: "Create a new file system, replication group or domain with encryption at rest \
               (and a customer managed key), move the data, switch clients to it, and delete \
               the old one.",
        cli: Some(
            "aws efs create-file-system --encrypted --kms-key-id alias/shop-data\naws elasticache create-replication-group --replication-group-id <id> --at-rest-encryption-enabled ...\naws opensearch create-domain --domain-name <d> --encryption-at-rest-options Enabled=true ...",
        ),
        terraform: Some(
            "resource \"aws_efs_file_system\" \"shared\" {\n  encrypted  = true\n  kms_key_id = aws_kms_key.data.arn\n}\n\nresource \"aws_elasticache_replication_group\" \"cache\" {\n  # ...\n  at_rest_encryption_enabled = true\n}\n\nresource \"aws_opensearch_domain\" \"search\" {\n  # ...\n  encrypt_at_rest {\n    enabled = true\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for DataStoreNotEncryptedAtRest {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for (account, region, st) in ctx.each(|r| &r.at_rest_stores) {
            let at = At::meta(&account.id, Some(&region.name), &st.meta);
            if st.encrypted {
                out.pass(
                    at,
                    format!("{} `{}` is encrypted at rest", st.service, st.id),
                );
            } else {
                out.fail(
                    at,
                    format!("{} `{}` is not encrypted at rest", st.service, st.id),
                )
                .with("service", json!(st.service))
                .with("encrypted", json!(false));
            }
        }
    }
}
