//! The buckets CloudTrail delivers to, for the LOG-4 checks: each judged once, with the trails
//! that use it; a bucket that is not in the Inventory makes the check `not_assessed`.

use rampart_model::Account;
use rampart_model::storage::Bucket;

use crate::check::{At, FindingExt, Sink};
use crate::context::Context;
use crate::s3::facts;

/// Calls `judge(owner, bucket, trails, at, out)` once per trail bucket found in the Inventory.
pub(crate) fn judge_trail_buckets<'a>(
    ctx: &Context<'a>,
    out: &mut Sink,
    mut judge: impl FnMut(&'a Account, &'a Bucket, &str, At<'a>, &mut Sink),
) {
    let mut found: Vec<(&'a Account, &'a Bucket, Vec<&'a str>)> = Vec::new();
    for (account, region, trail) in ctx.each(|r| &r.trails) {
        let Some(name) = &trail.s3_bucket else {
            continue;
        };
        match facts::find_bucket(ctx, account, name) {
            Some((owner, bucket)) => {
                match found
                    .iter_mut()
                    .find(|(o, b, _)| o.id == owner.id && b.meta.name == bucket.meta.name)
                {
                    Some((_, _, trails)) => trails.push(&trail.meta.name),
                    None => found.push((owner, bucket, vec![&trail.meta.name])),
                }
            }
            None => {
                out.not_assessed(
                    At::meta(&account.id, Some(&region.name), &trail.meta),
                    format!(
                        "trail `{}` delivers to bucket `{name}`, which is not in the Inventory (it \
                         may belong to another account): its settings could not be judged",
                        trail.meta.name
                    ),
                )
                .with("bucket", serde_json::json!(name));
            }
        }
    }
    for (owner, bucket, trails) in found {
        let at = At::meta(&owner.id, Some(&bucket.region), &bucket.meta);
        judge(owner, bucket, &trails.join("`, `"), at, out);
    }
}
