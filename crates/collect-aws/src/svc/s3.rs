//! S3: the buckets of the account and each bucket's settings, read in the bucket's own region.

use aws_config::{Region, SdkConfig};
use rampart_model::storage::{
    AccessPoint, Bucket, BucketEncryption, BucketLogging, Grant, LifecycleRule, ObjectLock,
    PublicAccessBlock, VersioningStatus,
};
use rampart_model::{Meta, data};

use crate::ctx::{Ctx, origin, policy_doc};
use crate::svc::{tags, u32_of};

const S3: &str = "S3";

fn s3_client(ctx: &Ctx, config: &SdkConfig, region: Option<&str>) -> aws_sdk_s3::Client {
    let mut b = aws_sdk_s3::config::Builder::from(config).interceptor(crate::allow::Guard::new(
        std::sync::Arc::clone(&ctx.shared.stats),
    ));
    if config.endpoint_url().is_some() {
        // Emulators and custom endpoints are addressed by IP or a single host name.
        b = b.force_path_style(true);
    }
    if let Some(r) = region {
        b = b.region(Region::new(r.to_owned()));
    }
    aws_sdk_s3::Client::from_conf(b.build())
}

/// Reads every bucket.
pub(crate) async fn collect(ctx: Ctx, config: SdkConfig) -> Vec<Bucket> {
    let c = s3_client(&ctx, &config, None);
    let Some(buckets) = ctx
        .list(
            data::S3_BUCKETS,
            S3,
            "ListBuckets",
            |t| c.list_buckets().set_continuation_token(t).send(),
            |o| (o.buckets.unwrap_or_default(), o.continuation_token),
        )
        .await
    else {
        return Vec::new();
    };
    let items: Vec<(String, Option<String>)> = buckets
        .iter()
        .filter_map(|b| Some((b.name()?.to_owned(), b.bucket_region().map(str::to_owned))))
        .collect();
    let ctx2 = ctx.clone();
    ctx.map(items, move |(name, region)| {
        let ctx = ctx2.clone();
        let config = config.clone();
        async move { bucket(&ctx, &config, name, region).await }
    })
    .await
    .into_iter()
    .flatten()
    .collect()
}

async fn bucket(
    ctx: &Ctx,
    config: &SdkConfig,
    name: String,
    listed_region: Option<String>,
) -> Option<Bucket> {
    let arn = format!("arn:{}:s3:::{name}", ctx.partition);
    let region = match listed_region {
        Some(r) if !r.is_empty() => r,
        _ => {
            let c = s3_client(ctx, config, None);
            // A bucket deleted since it was listed (`NoSuchBucket`) is skipped.
            let located = ctx
                .get_setting(
                    data::S3_BUCKETS,
                    S3,
                    "GetBucketLocation",
                    &arn,
                    &["NoSuchBucket"],
                    c.get_bucket_location().bucket(&name).send(),
                )
                .await??;
            match located.location_constraint().map(|l| l.as_str().to_owned()) {
                None => "us-east-1".to_owned(),
                Some(l) if l.is_empty() => "us-east-1".to_owned(),
                Some(l) if l == "EU" => "eu-west-1".to_owned(),
                Some(l) => l,
            }
        }
    };
    let c = s3_client(ctx, config, Some(&region));
    let mut b = Bucket::new(
        Meta::new(&arn, &name, origin(S3, "ListBuckets")),
        region.clone(),
    );
    let (enc, ver, pab, pol, acl, lc, log, lock, tag) = tokio::join!(
        ctx.get_setting(
            data::S3_BUCKET_ENCRYPTION,
            S3,
            "GetBucketEncryption",
            &arn,
            &["ServerSideEncryptionConfigurationNotFoundError"],
            c.get_bucket_encryption().bucket(&name).send()
        ),
        ctx.get_for(
            data::S3_BUCKET_VERSIONING,
            S3,
            "GetBucketVersioning",
            &arn,
            c.get_bucket_versioning().bucket(&name).send()
        ),
        ctx.get_setting(
            data::S3_BUCKET_PUBLIC_ACCESS_BLOCK,
            S3,
            "GetPublicAccessBlock",
            &arn,
            &["NoSuchPublicAccessBlockConfiguration"],
            c.get_public_access_block().bucket(&name).send()
        ),
        ctx.get_setting(
            data::S3_BUCKET_POLICY,
            S3,
            "GetBucketPolicy",
            &arn,
            &["NoSuchBucketPolicy"],
            c.get_bucket_policy().bucket(&name).send()
        ),
        ctx.get_for(
            data::S3_BUCKET_ACL,
            S3,
            "GetBucketAcl",
            &arn,
            c.get_bucket_acl().bucket(&name).send()
        ),
        ctx.get_setting(
            data::S3_BUCKET_LIFECYCLE,
            S3,
            "GetBucketLifecycleConfiguration",
            &arn,
            &["NoSuchLifecycleConfiguration"],
            c.get_bucket_lifecycle_configuration().bucket(&name).send()
        ),
        ctx.get_for(
            data::S3_BUCKET_LOGGING,
            S3,
            "GetBucketLogging",
            &arn,
            c.get_bucket_logging().bucket(&name).send()
        ),
        ctx.get_setting(
            data::S3_BUCKET_OBJECT_LOCK,
            S3,
            "GetObjectLockConfiguration",
            &arn,
            &["ObjectLockConfigurationNotFoundError"],
            c.get_object_lock_configuration().bucket(&name).send()
        ),
        ctx.get_setting(
            data::S3_BUCKET_TAGS,
            S3,
            "GetBucketTagging",
            &arn,
            &["NoSuchTagSet", "NoSuchTagSetError"],
            c.get_bucket_tagging().bucket(&name).send()
        ),
    );
    if let Some(Some(o)) = enc {
        b.encryption = o.server_side_encryption_configuration().and_then(|cfg| {
            let rule = cfg.rules().first()?;
            let default = rule.apply_server_side_encryption_by_default()?;
            Some(BucketEncryption {
                algorithm: default.sse_algorithm().as_str().to_owned(),
                kms_key_id: default.kms_master_key_id().map(str::to_owned),
                bucket_key_enabled: rule.bucket_key_enabled().unwrap_or(false),
            })
        });
    }
    if let Some(o) = ver {
        b.versioning = match o.status().map(|s| s.as_str()) {
            Some("Enabled") => VersioningStatus::Enabled,
            Some("Suspended") => VersioningStatus::Suspended,
            _ => VersioningStatus::Disabled,
        };
        b.mfa_delete = o.mfa_delete().is_some_and(|m| m.as_str() == "Enabled");
    }
    if let Some(Some(o)) = pab {
        b.public_access_block = o
            .public_access_block_configuration()
            .map(|p| PublicAccessBlock {
                block_public_acls: p.block_public_acls().unwrap_or(false),
                ignore_public_acls: p.ignore_public_acls().unwrap_or(false),
                block_public_policy: p.block_public_policy().unwrap_or(false),
                restrict_public_buckets: p.restrict_public_buckets().unwrap_or(false),
            });
    }
    if let Some(Some(o)) = pol {
        b.policy = o.policy().map(policy_doc);
    }
    if let Some(o) = acl {
        b.acl = o
            .grants()
            .iter()
            .filter_map(|g| {
                let grantee = g.grantee()?;
                let who = grantee
                    .uri()
                    .or(grantee.id())
                    .or(grantee.email_address())
                    .unwrap_or_default();
                Some(Grant {
                    grantee_type: grantee.r#type().as_str().to_owned(),
                    grantee: who.to_owned(),
                    permission: g
                        .permission()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_default(),
                })
            })
            .collect();
    }
    if let Some(Some(o)) = lc {
        b.lifecycle_rules = o
            .rules()
            .iter()
            .map(|r| LifecycleRule {
                id: r.id().unwrap_or_default().to_owned(),
                enabled: r.status().as_str() == "Enabled",
                transitions: r
                    .transitions()
                    .iter()
                    .map(|t| {
                        (
                            u32_of(t.days().unwrap_or(0)),
                            t.storage_class()
                                .map(|s| s.as_str().to_owned())
                                .unwrap_or_default(),
                        )
                    })
                    .collect(),
                expiration_days: r.expiration().and_then(|e| e.days()).map(u32_of),
                noncurrent_transitions: r
                    .noncurrent_version_transitions()
                    .iter()
                    .map(|t| {
                        (
                            u32_of(t.noncurrent_days().unwrap_or(0)),
                            t.storage_class()
                                .map(|s| s.as_str().to_owned())
                                .unwrap_or_default(),
                        )
                    })
                    .collect(),
                noncurrent_expiration_days: r
                    .noncurrent_version_expiration()
                    .and_then(|e| e.noncurrent_days())
                    .map(u32_of),
            })
            .collect();
    }
    if let Some(o) = log {
        b.logging = o.logging_enabled().map(|l| BucketLogging {
            target_bucket: l.target_bucket().to_owned(),
            target_prefix: l.target_prefix().to_owned(),
        });
    }
    if let Some(Some(o)) = lock {
        b.object_lock = o.object_lock_configuration().map(|l| {
            let retention = l.rule().and_then(|r| r.default_retention());
            ObjectLock {
                enabled: l
                    .object_lock_enabled()
                    .is_some_and(|e| e.as_str() == "Enabled"),
                mode: retention
                    .and_then(|r| r.mode())
                    .map(|m| m.as_str().to_owned()),
                days: retention.and_then(|r| {
                    r.days()
                        .map(u32_of)
                        .or_else(|| r.years().map(|y| u32_of(y) * 365))
                }),
            }
        });
    }
    if let Some(Some(o)) = tag {
        b.meta.tags = tags(o.tag_set().iter().map(|t| (Some(t.key()), Some(t.value()))));
    }
    Some(b)
}

const S3_CONTROL: &str = "S3 Control";

/// An endpoint resolver that sends every S3 Control request to one fixed URL.
///
/// S3 Control's own rules put the account id in front of the host name
/// (`123456789012.s3-control…`), which cannot work for an emulator or a proxy addressed by IP; with
/// `--endpoint-url` the URL is used as given.
#[derive(Debug)]
struct FixedEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

/// An S3 Control client for `config`'s region; with `--endpoint-url`, every request goes to
/// that URL.
fn s3control_client(ctx: &Ctx, config: &SdkConfig) -> aws_sdk_s3control::Client {
    let mut b = aws_sdk_s3control::config::Builder::from(config).interceptor(
        crate::allow::Guard::new(std::sync::Arc::clone(&ctx.shared.stats)),
    );
    if let Some(url) = config.endpoint_url() {
        b = b.endpoint_resolver(FixedEndpoint(url.to_owned()));
    }
    aws_sdk_s3control::Client::from_conf(b.build())
}

/// The account-level S3 Block Public Access setting (S3 Control). `None` with no gap means the
/// account has none configured.
pub(crate) async fn account_public_access_block(
    ctx: Ctx,
    config: SdkConfig,
) -> Option<PublicAccessBlock> {
    let c = s3control_client(&ctx, &config);
    // Not configured (`NoSuchPublicAccessBlockConfiguration`): an answer, `None` without a gap.
    ctx.get_account_setting(
        data::S3_ACCOUNT_PUBLIC_ACCESS_BLOCK,
        S3_CONTROL,
        "GetPublicAccessBlock",
        &["NoSuchPublicAccessBlockConfiguration"],
        c.get_public_access_block().account_id(&*ctx.account).send(),
    )
    .await
    .flatten()?
    .public_access_block_configuration()
    .map(|p| PublicAccessBlock {
        block_public_acls: p.block_public_acls().unwrap_or(false),
        ignore_public_acls: p.ignore_public_acls().unwrap_or(false),
        block_public_policy: p.block_public_policy().unwrap_or(false),
        restrict_public_buckets: p.restrict_public_buckets().unwrap_or(false),
    })
}

/// The S3 access points of one region (S3 Control `ListAccessPoints`), each with its own Block
/// Public Access configuration (`GetAccessPoint`: set when the access point is created, never
/// changed afterwards) and its policy (`GetAccessPointPolicy`; `NoSuchAccessPointPolicy` is "no
/// policy"). A failed per-access-point read is a gap on that access point, so S3-102 says
/// `not_assessed` for it instead of judging defaults.
pub(crate) async fn access_points(ctx: Ctx, config: SdkConfig) -> Vec<AccessPoint> {
    let c = s3control_client(&ctx, &config);
    let account = ctx.account.to_string();
    let Some(list) = ctx
        .list(
            data::S3_ACCESS_POINTS,
            S3_CONTROL,
            "ListAccessPoints",
            |t| {
                c.list_access_points()
                    .account_id(&account)
                    .set_next_token(t)
                    .send()
            },
            |o| (o.access_point_list.unwrap_or_default(), o.next_token),
        )
        .await
    else {
        return Vec::new();
    };
    // ListAccessPoints answers for the region it is sent to; an access point whose ARN names
    // another region is that region's (an emulator may list every region's in each).
    let here = ctx.region_name().to_owned();
    let list: Vec<_> = list
        .into_iter()
        .filter(|ap| {
            ap.access_point_arn()
                .and_then(|a| a.split(':').nth(3))
                .is_none_or(|r| r == here)
        })
        .collect();
    let ctx2 = ctx.clone();
    ctx.map(list, move |ap| {
        let (ctx, c) = (ctx2.clone(), c.clone());
        async move { access_point(&ctx, &c, &ap).await }
    })
    .await
}

async fn access_point(
    ctx: &Ctx,
    c: &aws_sdk_s3control::Client,
    ap: &aws_sdk_s3control::types::AccessPoint,
) -> AccessPoint {
    let name = ap.name();
    let arn = ap.access_point_arn().map_or_else(
        || ctx.arn("s3", &format!("accesspoint/{name}")),
        str::to_owned,
    );
    let account = &*ctx.account;
    let (detail, policy) = tokio::join!(
        ctx.get_for(
            data::S3_ACCESS_POINTS,
            S3_CONTROL,
            "GetAccessPoint",
            &arn,
            c.get_access_point().account_id(account).name(name).send(),
        ),
        ctx.get_setting(
            data::S3_ACCESS_POINTS,
            S3_CONTROL,
            "GetAccessPointPolicy",
            &arn,
            &["NoSuchAccessPointPolicy"],
            c.get_access_point_policy()
                .account_id(account)
                .name(name)
                .send(),
        ),
    );
    // All four settings are on unless they were turned off at creation (S3 User Guide,
    // "Managing public access to access points"); when GetAccessPoint failed, the gap above
    // withholds any verdict that would rest on them.
    let block = detail
        .as_ref()
        .and_then(|d| d.public_access_block_configuration())
        .map_or(
            PublicAccessBlock {
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: true,
                restrict_public_buckets: true,
            },
            |p| PublicAccessBlock {
                block_public_acls: p.block_public_acls().unwrap_or(true),
                ignore_public_acls: p.ignore_public_acls().unwrap_or(true),
                block_public_policy: p.block_public_policy().unwrap_or(true),
                restrict_public_buckets: p.restrict_public_buckets().unwrap_or(true),
            },
        );
    let vpc = |v: Option<&aws_sdk_s3control::types::VpcConfiguration>| {
        v.map(|v| v.vpc_id().to_owned()).filter(|v| !v.is_empty())
    };
    AccessPoint {
        meta: Meta {
            arn,
            name: name.to_owned(),
            tags: rampart_model::Tags::default(),
            origin: origin(S3_CONTROL, "ListAccessPoints"),
        },
        region: ctx.region_name().to_owned(),
        bucket: ap.bucket().to_owned(),
        vpc_id: vpc(ap.vpc_configuration())
            .or_else(|| vpc(detail.as_ref().and_then(|d| d.vpc_configuration()))),
        public_access_block: block,
        policy: policy.flatten().and_then(|o| o.policy().map(policy_doc)),
    }
}
