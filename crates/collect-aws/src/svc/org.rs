//! AWS Organizations: the member accounts to read.

use std::sync::Arc;

use aws_config::{Region, SdkConfig};

use crate::ctx::{Ctx, Shared};
use crate::svc::client;

const ORG: &str = "Organizations";

/// The active accounts of the caller's organization.
pub(crate) async fn member_accounts(
    shared: &Arc<Shared>,
    config: &SdkConfig,
    caller: &str,
    partition: &str,
) -> Result<Vec<String>, String> {
    let ctx = Ctx::new(Arc::clone(shared), caller, partition);
    // Organizations is a global service served from us-east-1 in the commercial partition.
    let home = if partition == "aws" {
        Region::new("us-east-1")
    } else {
        config.region().cloned().unwrap_or(Region::new("us-east-1"))
    };
    let org_config = config.to_builder().region(home).build();
    let c = client!(aws_sdk_organizations, ctx, &org_config);
    ctx.call(
        ORG,
        "DescribeOrganization",
        c.describe_organization().send(),
    )
    .await
    .map_err(|e| {
        format!(
            "organizations:DescribeOrganization: {}: {}",
            e.code, e.message
        )
    })?;
    let accounts = ctx
        .paged(
            ORG,
            "ListAccounts",
            |t| c.list_accounts().set_next_token(t).send(),
            |o| (o.accounts.unwrap_or_default(), o.next_token),
        )
        .await
        .map_err(|e| format!("organizations:ListAccounts: {}: {}", e.code, e.message))?;
    let mut ids: Vec<String> = accounts
        .into_iter()
        .filter(|a| {
            // `Status` is deprecated in favour of `State`; accept either saying active.
            #[allow(deprecated)]
            let status = a.status().map(|s| s.as_str().to_owned());
            let state = a.state().map(|s| s.as_str().to_owned());
            status.as_deref().is_none_or(|s| s == "ACTIVE")
                && state.as_deref().is_none_or(|s| s == "ACTIVE")
        })
        .filter_map(|a| a.id().map(str::to_owned))
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}
