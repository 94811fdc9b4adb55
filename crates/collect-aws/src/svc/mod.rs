//! One module per group of services. Each regional function reads one service in one region and
//! returns the region's lists it fills; failures become gaps through the context.

pub(crate) mod autoscaling;
pub(crate) mod compute;
pub(crate) mod data;
pub(crate) mod ec2;
pub(crate) mod iam;
pub(crate) mod logging;
pub(crate) mod org;
pub(crate) mod s3;
pub(crate) mod security;
pub(crate) mod stores;

use rampart_model::Tags;

use crate::ctx::Ctx;

/// A client of `$krate` for `$config`, guarded by the allow-list interceptor.
macro_rules! client {
    ($krate:ident, $ctx:expr, $config:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from($config)
                .interceptor(crate::allow::Guard::new(std::sync::Arc::clone(
                    &$ctx.shared.stats,
                )))
                .build(),
        )
    };
}
pub(crate) use client;

/// An STS client.
pub(crate) fn sts_client(ctx: &Ctx, config: &aws_config::SdkConfig) -> aws_sdk_sts::Client {
    client!(aws_sdk_sts, ctx, config)
}

/// Tags from any `(key, value)` pairs.
pub(crate) fn tags<'a>(
    pairs: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> Tags {
    pairs
        .into_iter()
        .filter_map(|(k, v)| k.map(|k| (k.to_owned(), v.unwrap_or_default().to_owned())))
        .collect()
}

/// The `Name` tag, or `fallback`.
pub(crate) fn name_of(tags: &Tags, fallback: &str) -> String {
    tags.get("Name")
        .filter(|n| !n.is_empty())
        .cloned()
        .unwrap_or_else(|| fallback.to_owned())
}

/// A number the SDK gives as `i32`/`i64`, as `u32` (negative: 0).
pub(crate) fn u32_of(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(0)
}
