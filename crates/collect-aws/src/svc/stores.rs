//! Data stores judged on encryption at rest (STORE-001, ENC-3): EFS file systems, ElastiCache
//! replication groups and clusters, OpenSearch domains — one function per service, each filling
//! the region's `at_rest_stores` in the shape the Terraform and CloudFormation readers give.
//!
//! Encryption at rest of all three is chosen when the store is created and is reported by the
//! listing itself, so one paginated listing per service is the whole read; a listing that fails
//! is a gap on `stores.at_rest` in that region (STORE-001 then says `not_assessed`).

use aws_config::SdkConfig;
use rampart_model::storage::AtRestStore;
use rampart_model::{Meta, Region, Tags, data};

use crate::ctx::{Ctx, origin};
use crate::svc::{client, name_of, tags};

const EFS: &str = "EFS";
const ELASTICACHE: &str = "ElastiCache";
const OPENSEARCH: &str = "OpenSearch";

/// EFS file systems (`DescribeFileSystems`, paginated by `Marker`/`NextMarker`): `Encrypted`
/// and `KmsKeyId`, fixed at creation; tags come with the listing. A file system being deleted
/// still holds its data until it is gone; one already `deleted` holds none.
pub(crate) async fn efs(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_efs, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let list = ctx
        .list(
            data::AT_REST_STORES,
            EFS,
            "DescribeFileSystems",
            |m| c.describe_file_systems().set_marker(m).send(),
            |o| (o.file_systems.unwrap_or_default(), o.next_marker),
        )
        .await;
    for fs in list.unwrap_or_default() {
        if fs.life_cycle_state().as_str() == "deleted" {
            continue;
        }
        let id = fs.file_system_id();
        let t = tags(fs.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
        region.at_rest_stores.push(AtRestStore {
            meta: Meta {
                arn: fs.file_system_arn().map_or_else(
                    || ctx.arn("elasticfilesystem", &format!("file-system/{id}")),
                    str::to_owned,
                ),
                name: name_of(&t, fs.name().unwrap_or(id)),
                tags: t,
                origin: origin(EFS, "DescribeFileSystems"),
            },
            service: "efs".to_owned(),
            id: id.to_owned(),
            encrypted: fs.encrypted().unwrap_or(false),
            kms_key_id: fs.kms_key_id().map(str::to_owned),
        });
    }
    region
}

/// ElastiCache replication groups (`DescribeReplicationGroups`: `AtRestEncryptionEnabled`,
/// `KmsKeyId`; a Valkey group is encrypted by default, and the answer says so either way), and
/// the Redis OSS / Valkey clusters outside any replication group (`DescribeCacheClusters`),
/// which the API can create only without encryption at rest (ElastiCache User Guide, "At-Rest
/// Encryption": it is enabled on replication groups) and whose backups are then in clear.
/// Memcached clusters are left out: Memcached keeps its data in memory only and makes no
/// backups, so it has no data at rest to encrypt.
pub(crate) async fn elasticache(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_elasticache, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let (groups, clusters) = tokio::join!(
        ctx.list(
            data::AT_REST_STORES,
            ELASTICACHE,
            "DescribeReplicationGroups",
            |m| c.describe_replication_groups().set_marker(m).send(),
            |o| (o.replication_groups.unwrap_or_default(), o.marker),
        ),
        ctx.list(
            data::AT_REST_STORES,
            ELASTICACHE,
            "DescribeCacheClusters",
            |m| c.describe_cache_clusters().set_marker(m).send(),
            |o| (o.cache_clusters.unwrap_or_default(), o.marker),
        ),
    );
    let store = |arn: String, id: &str, op: &str, encrypted: bool, key: Option<&str>| {
        AtRestStore {
            meta: Meta {
                arn,
                name: id.to_owned(),
                // Tags need one ListTagsForResource per store and no check reads them here.
                tags: Tags::default(),
                origin: origin(ELASTICACHE, op),
            },
            service: "elasticache".to_owned(),
            id: id.to_owned(),
            encrypted,
            kms_key_id: key.map(str::to_owned),
        }
    };
    for g in groups.unwrap_or_default() {
        let id = g.replication_group_id().unwrap_or_default();
        let arn = g.arn().map_or_else(
            || ctx.arn("elasticache", &format!("replicationgroup:{id}")),
            str::to_owned,
        );
        region.at_rest_stores.push(store(
            arn,
            id,
            "DescribeReplicationGroups",
            g.at_rest_encryption_enabled().unwrap_or(false),
            g.kms_key_id(),
        ));
    }
    for cl in clusters.unwrap_or_default() {
        let in_group = cl.replication_group_id().is_some_and(|g| !g.is_empty());
        let memcached = cl
            .engine()
            .is_some_and(|e| e.eq_ignore_ascii_case("memcached"));
        if in_group || memcached {
            continue;
        }
        let id = cl.cache_cluster_id().unwrap_or_default();
        let arn = cl.arn().map_or_else(
            || ctx.arn("elasticache", &format!("cluster:{id}")),
            str::to_owned,
        );
        region.at_rest_stores.push(store(
            arn,
            id,
            "DescribeCacheClusters",
            cl.at_rest_encryption_enabled().unwrap_or(false),
            None,
        ));
    }
    region
}

/// OpenSearch Service domains, OpenSearch and Elasticsearch engines alike (`ListDomainNames`,
/// which is not paginated, then `DescribeDomains` five names at a time — the API's limit):
/// `EncryptionAtRestOptions.Enabled` and its `KmsKeyId`. A batch that cannot be described is a
/// gap on each of its domains.
pub(crate) async fn opensearch(ctx: Ctx, config: SdkConfig) -> Region {
    let c = client!(aws_sdk_opensearch, ctx, &config);
    let mut region = Region::new(ctx.region_name());
    let Some(names) = ctx
        .get(
            data::AT_REST_STORES,
            OPENSEARCH,
            "ListDomainNames",
            c.list_domain_names().send(),
        )
        .await
    else {
        return region;
    };
    let names: Vec<String> = names
        .domain_names()
        .iter()
        .filter_map(|d| d.domain_name().map(str::to_owned))
        .collect();
    let chunks: Vec<Vec<String>> = names.chunks(5).map(<[String]>::to_vec).collect();
    let ctx2 = ctx.clone();
    let described = ctx
        .map(chunks, move |chunk| {
            let (ctx, c) = (ctx2.clone(), c.clone());
            async move {
                let arns: Vec<String> = chunk
                    .iter()
                    .map(|n| ctx.arn("es", &format!("domain/{n}")))
                    .collect();
                let call = c.describe_domains().set_domain_names(Some(chunk)).send();
                match ctx.call(OPENSEARCH, "DescribeDomains", call).await {
                    Ok(out) => Some(out),
                    Err(e) => {
                        for arn in &arns {
                            ctx.gap_for(
                                data::AT_REST_STORES,
                                OPENSEARCH,
                                "DescribeDomains",
                                arn,
                                &e,
                            );
                        }
                        None
                    }
                }
            }
        })
        .await;
    for out in described.into_iter().flatten() {
        for d in out.domain_status_list() {
            if d.deleted() == Some(true) {
                continue;
            }
            let name = d.domain_name();
            let at_rest = d.encryption_at_rest_options();
            region.at_rest_stores.push(AtRestStore {
                meta: Meta {
                    arn: d.arn().to_owned(),
                    name: name.to_owned(),
                    // Tags need one ListTags per domain and no check reads them here.
                    tags: Tags::default(),
                    origin: origin(OPENSEARCH, "DescribeDomains"),
                },
                service: "opensearch".to_owned(),
                id: name.to_owned(),
                encrypted: at_rest.and_then(|o| o.enabled()).unwrap_or(false),
                kms_key_id: at_rest.and_then(|o| o.kms_key_id()).map(str::to_owned),
            });
        }
    }
    region
}
