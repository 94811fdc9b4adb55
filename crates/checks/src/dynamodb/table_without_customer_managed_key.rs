//! DDB-001 `table-without-customer-managed-key`: a DynamoDB table is encrypted with a key owned
//! or managed by AWS.

use rampart_model::storage::{DynamoTable, TableKeyKind};

use crate::kms::keys::{KeyIndex, Resolved};
use crate::prelude::*;

/// Every DynamoDB table is encrypted; the question is who controls the key.
pub struct TableWithoutCustomerManagedKey;

static META: CheckMeta = CheckMeta {
    code: "DDB-001",
    name: "table-without-customer-managed-key",
    title: "A DynamoDB table is not encrypted with a customer managed KMS key",
    severity: Severity::Medium,
    controls: &["ENC-2", "ENC-4"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::DYNAMODB, data::KMS_KEYS],
    rationale: "DynamoDB encrypts every table, by default with a key owned by the service that \
                you cannot see, audit or revoke. With the AWS owned or AWS managed \
                (`aws/dynamodb`) key, anyone IAM lets read the table reads the data: there is no \
                second gate. A customer managed key adds a key policy limited to the \
                application, a CloudTrail record of every use, and a way to cut off all access at \
                once in an incident.",
    remediation: RemediationText {
        text: "Switch the table's encryption to a customer managed key (this is an online \
               operation) whose key policy allows only the application roles and key \
               administrators.",
        cli: Some(
            "aws dynamodb update-table --table-name <table> --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=alias/shop-data",
        ),
        terraform: Some(
            "resource \"aws_dynamodb_table\" \"carts\" {\n  # ...\n  server_side_encryption {\n    enabled     = true\n    kms_key_arn = aws_kms_key.data.arn\n  }\n}",
        ),
    },
    manual: false,
};

impl Check for TableWithoutCustomerManagedKey {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        for account in ctx.accounts() {
            let keys = KeyIndex::new(account);
            for region in &account.regions {
                for table in &region.dynamodb_tables {
                    judge(account, region, &keys, table, out);
                }
            }
        }
    }
}

fn judge(
    account: &Account,
    region: &Region,
    keys: &KeyIndex<'_>,
    table: &DynamoTable,
    out: &mut Sink,
) {
    let at = At::meta(&account.id, Some(&region.name), &table.meta);
    let name = &table.meta.name;
    match table.key_kind {
        TableKeyKind::AwsOwned => {
            out.fail(
                at,
                format!("table `{name}` is encrypted with the AWS owned key (the default)"),
            )
            .with("key_kind", json!(table.key_kind));
        }
        TableKeyKind::AwsManaged => {
            out.fail(
                at,
                format!("table `{name}` is encrypted with the AWS managed key `aws/dynamodb`"),
            )
            .with("key_kind", json!(table.key_kind))
            .with("kms_key", json!(table.kms_key_arn));
        }
        TableKeyKind::CustomerManaged => {
            // The source's word is checked against the key itself when it is known.
            match table.kms_key_arn.as_deref().map(|k| keys.resolve(k)) {
                Some(Resolved::AwsManaged(_)) => {
                    out.fail(
                        at,
                        format!("table `{name}` is encrypted with an AWS managed key"),
                    )
                    .with("kms_key", json!(table.kms_key_arn));
                }
                _ => {
                    out.pass(
                        at,
                        format!("table `{name}` is encrypted with a customer managed key"),
                    )
                    .with("kms_key", json!(table.kms_key_arn));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rampart_model::Status;
    use serde_json::json;

    use super::TableWithoutCustomerManagedKey;
    use crate::config::Config;
    use crate::iam::testing::{inventory, run};

    #[test]
    fn a_table_under_the_aws_dynamodb_key_fails_whatever_its_key_kind_says() {
        let key = "arn:aws:kms:us-east-1:111122223333:key/7777aaaa-2222-bbbb-3333-cccc4444dddd";
        let inv = inventory(
            json!({}),
            Some(json!({
                "kms_keys": [{"meta": {"arn": key, "name": "alias/aws/dynamodb"}, "id": "7777aaaa-2222-bbbb-3333-cccc4444dddd", "manager": "customer", "aliases": ["alias/aws/dynamodb"]}],
                "dynamodb_tables": [
                    {"meta": {"arn": "arn:aws:dynamodb:us-east-1:111122223333:table/orders", "name": "orders"}, "key_kind": "customer_managed", "kms_key_arn": key},
                    {"meta": {"arn": "arn:aws:dynamodb:us-east-1:111122223333:table/carts", "name": "carts"}, "key_kind": "customer_managed", "kms_key_arn": "arn:aws:kms:us-east-1:111122223333:alias/aws/dynamodb"}
                ]
            })),
        );
        let out = run(&TableWithoutCustomerManagedKey, inv, &Config::default());
        let verdicts: Vec<(&str, Status)> = out
            .iter()
            .map(|f| (f.resource.as_str(), f.status))
            .collect();
        assert_eq!(
            verdicts,
            vec![
                (
                    "arn:aws:dynamodb:us-east-1:111122223333:table/orders",
                    Status::Fail
                ),
                (
                    "arn:aws:dynamodb:us-east-1:111122223333:table/carts",
                    Status::Fail
                ),
            ]
        );
    }
}
