//! Checks of EC2 instances and EBS volumes: encryption, instance roles, keys in user data.

use rampart_model::{Finding, Region};

use crate::check::{Check, FindingExt};

mod access_key_in_user_data;
mod ebs_encryption_by_default_off;
mod instance_metadata_v1_allowed;
mod instance_without_instance_profile;
mod launch_template_assigns_public_ip;
mod volume_not_encrypted;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &instance_without_instance_profile::InstanceWithoutInstanceProfile,
    &access_key_in_user_data::AccessKeyInUserData,
    &volume_not_encrypted::VolumeNotEncrypted,
    &ebs_encryption_by_default_off::EbsEncryptionByDefaultOff,
    &instance_metadata_v1_allowed::InstanceMetadataV1Allowed,
    &launch_template_assigns_public_ip::LaunchTemplateAssignsPublicIp,
];

/// Names, in evidence, the Auto Scaling groups that launch instances from a resource.
pub(crate) trait LaunchedBy {
    /// Adds `launched_by_groups`: the Auto Scaling groups of `region` that launch instances
    /// from any of `ids` (a launch template, a launch configuration, an instance they copy) —
    /// what is found on it is found on every instance they start. Nothing is added when no
    /// group is known to.
    fn launched_by(&mut self, region: &Region, ids: &[String]) -> &mut Self;
}

impl LaunchedBy for Finding {
    fn launched_by(&mut self, region: &Region, ids: &[String]) -> &mut Self {
        let groups: Vec<&str> = region
            .autoscaling_groups
            .iter()
            .filter(|g| g.launches.iter().any(|l| ids.contains(&l.id)))
            .map(|g| g.meta.name.as_str())
            .collect();
        if groups.is_empty() {
            return self;
        }
        self.with("launched_by_groups", serde_json::json!(groups))
    }
}
