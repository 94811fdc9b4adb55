//! Checks of EC2 instances and EBS volumes: encryption, instance roles, keys in user data.

use crate::check::Check;

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
