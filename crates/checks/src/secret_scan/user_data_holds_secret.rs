//! SECRET-002 `user-data-holds-secret`: an EC2 instance's user data holds a secret.

use super::{evidence, scan_text, scanner, summary};
use crate::ebs::LaunchedBy;
use crate::prelude::*;

/// User data is readable by anyone with `ec2:DescribeInstanceAttribute` and by every process on
/// the instance through the metadata service.
pub struct UserDataHoldsSecret;

static META: CheckMeta = CheckMeta {
    code: "SECRET-002",
    name: "user-data-holds-secret",
    title: "EC2 user data holds a secret",
    severity: Severity::High,
    controls: &["SEC-2"],
    inputs: Input::LSTC,
    compliance: &[],
    needs: &[data::EC2_USER_DATA],
    rationale: "User data is not a secret store: it is returned by DescribeInstanceAttribute to any \
                principal allowed to call it, served without authentication to every process on the \
                instance by the metadata service, kept in launch templates and AMI build logs, and \
                rarely rotated. A password or key written into a bootstrap script is exposed to all \
                of them for the life of the instance.",
    remediation: RemediationText {
        text: "Rotate the exposed credential; have the bootstrap script fetch it at boot from Secrets \
               Manager or an SSM SecureString parameter using the instance role, and replace the \
               instance (or its launch template version) so the old user data is gone.",
        cli: Some(
            "aws ssm put-parameter --name <name> --type SecureString --value <value> && aws ec2 modify-instance-attribute --instance-id <id> --attribute userData --value <new-base64-user-data>",
        ),
        terraform: Some(
            "resource \"aws_instance\" \"app\" {\n  # ...\n  user_data = <<-EOT\n    #!/bin/sh\n    DB_PASSWORD=$(aws ssm get-parameter --name /prod/app/db --with-decryption --query Parameter.Value --output text)\n  EOT\n}",
        ),
    },
    manual: false,
};

impl Check for UserDataHoldsSecret {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, ctx: &Context<'_>, out: &mut Sink) {
        let scanner = scanner();
        for (account, region, i) in ctx.each(|r| &r.instances) {
            let at = At::meta(&account.id, Some(&region.name), &i.meta);
            let Some(user_data) = &i.user_data else {
                out.pass(at, format!("instance `{}` has no user data", i.id));
                continue;
            };
            let Some(scanner) = scanner else {
                out.not_assessed(at, "the secret pattern catalogue failed to load");
                continue;
            };
            let hits = scan_text(scanner, "user_data", user_data);
            if hits.is_empty() {
                out.pass(
                    at,
                    format!("instance `{}`: no secret in its user data", i.id),
                );
            } else {
                out.fail(
                    at,
                    format!("instance `{}` user data holds {}", i.id, summary(&hits)),
                )
                .with("secrets", evidence(&hits))
                .launched_by(region, std::slice::from_ref(&i.id));
            }
        }
    }
}
